"""The wall of business services, for 1 to 300 and more: a band counting them by status, a full tile for each service
that is not OK (as many as fit), and every other service as a name in a compact grid; what does not fit is counted,
never left out silently.

Sizes are in design pixels of a 1920 × 1080 screen (assets/wall.css scales them with the viewport: twice as large at
3840 × 2160), chosen so that names are at least 36 px and every other line at least 28 px there.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from dash import html

from dashboard.domain.names import distinct_cuts
from dashboard.domain.vocabulary import HEALTH_STYLES, Health
from dashboard.wall import Compact, Tile, WallModel

ROOM = 940  # height left for the tiles below the status line and the band (1080 minus margins, 35 and 44 px lines)
LARGE_COLUMNS = 4
LARGE_ROW = 300  # a full tile: a two-line name, status and since (two lines), criticality and incidents, likely fault
GAP = 12
COMPACT_COLUMNS = 5  # a name of 13 or so letters at 28 px beside its status icon
# Letters of a name that a compact cell shows at 28 px (bold) beside its icon, by columns, a little under what the
# screenshots show fits (15 and "…" at 5 columns, 20 at 4, 28 at 3); a ★ takes two. Names that look alike so far keep
# what tells them apart instead (names.distinct_cuts).
COMPACT_LETTERS = {3: 26, 4: 19, 5: 14}
STAR_LETTERS = 2
COMPACT_ROW = 58  # one line of 28 px text, its padding and the gap below it
MOST_LARGE_ROWS = 3


@dataclass(frozen=True, slots=True)
class Plan:
    """How many services get a full tile, how many a compact cell, and how many are only counted."""

    large: int
    compact: int
    more: int  # services neither shows: one compact cell counts them


def plan(not_ok: int, total: int, height: int = ROOM) -> Plan:
    """The split that shows the most services that are not OK (full tiles or compact), then the most full tiles, then
    the most services. `not_ok` counts the services that may get a full tile (worst first); `height` is the room
    for them (less under a banner)."""
    best: tuple[tuple[int, int, int], Plan] | None = None
    for rows in range(min(MOST_LARGE_ROWS, -(-not_ok // LARGE_COLUMNS)) + 1):
        large = min(not_ok, rows * LARGE_COLUMNS)
        room = height - rows * (LARGE_ROW + GAP) + GAP
        if room < 0:
            break
        cells = room // COMPACT_ROW * COMPACT_COLUMNS
        rest = total - large
        compact = rest if rest <= cells else max(0, cells - 2)  # the cell counting the rest is two wide
        shown_not_ok = large + min(not_ok - large, compact)
        candidate = Plan(large, compact, rest - compact)
        score = (shown_not_ok, large, large + compact)
        if best is None or score > best[0]:
            best = (score, candidate)
    return best[1] if best is not None else Plan(0, 0, 0)


def build_services_wall(
    model: WallModel, now: datetime, tile: Callable[[Tile, datetime], html.Div], height: int = ROOM
) -> list:
    """The band, the full tiles and the compact grid; `tile` draws a full tile (layouts/wall.py); `height`: the room
    for them."""
    rest = list(model.rest or ())
    full = list(model.tiles)
    total = len(full) + len(rest)
    not_ok = len(full) + sum(1 for entry in rest if entry.status != Health.OK)
    chosen = plan(not_ok, total, height)
    if chosen.more:  # short of room: full tiles only for the degraded and down (they come first), if that shows more
        trouble = sum(1 for entry in [*full, *rest] if entry.status >= Health.DEGRADED)
        chosen = min(chosen, plan(trouble, total, height), key=lambda p: p.more)
    entries = [_as_compact(t) for t in full[chosen.large :]] + rest
    shown, hidden = entries[: chosen.compact], entries[chosen.compact :]
    compact_columns = _compact_columns(len(shown) + bool(hidden), chosen.large, height)
    letters = COMPACT_LETTERS[compact_columns]
    limits = [letters - STAR_LETTERS * _is_critical(c) for c in shown]
    labels = distinct_cuts([c.name for c in shown], limits)
    cells = [_compact_cell(c, label) for c, label in zip(shown, labels, strict=True)]
    if hidden:
        cells.append(html.Div(more_text(hidden), className="tile compact more", title=more_title(hidden)))
    parts = [html.Div(band(model.counts), className="wall-band")]
    if chosen.large:
        rows = -(-chosen.large // LARGE_COLUMNS)
        columns = -(-chosen.large // rows)  # 5 or 6 tiles: two rows of three, not four and one or two
        large = [tile(t, now) for t in full[: chosen.large]]
        parts.append(html.Div(large, className=f"large-tiles cols-{columns}"))
    if cells:
        parts.append(html.Div(cells, className=f"compact-tiles cols-{compact_columns}"))
    return parts


def _compact_columns(cells: int, large: int, height: int = ROOM) -> int:
    """Columns of the compact grid: fewer, wider cells when few."""
    rows = max(1, (height - (-(-large // LARGE_COLUMNS)) * (LARGE_ROW + GAP) + GAP) // COMPACT_ROW)
    return min(COMPACT_COLUMNS, max(3, -(-cells // rows)))


def band(counts: tuple[int, ...]) -> list:
    """Services by status, worst first; every status, also at zero, so that the band never moves."""
    total = sum(counts)
    spans = [html.Span(f"{total:,} service{'s' if total != 1 else ''}", className="band-total")]
    for status in sorted(Health, reverse=True):
        style = HEALTH_STYLES[status]
        count = counts[status] if len(counts) > status else 0
        zero = " zero" if not count else ""
        spans.append(
            html.Span(f"{style.icon}\u00a0{count:,}\u00a0{style.label}", className=f"band-count s-{_key(status)}{zero}")
        )
    spans.append(html.Span("★ critical", className="band-legend"))
    return spans


def more_text(hidden: list[Compact]) -> str:
    """What the cell counting the services that did not fit says: how many, and their statuses."""
    by_status = [(h, sum(1 for c in hidden if c.status == h)) for h in sorted(Health, reverse=True)]
    parts = [f"{n:,}\u00a0{HEALTH_STYLES[h].label}" for h, n in by_status if n]
    if len(parts) == 1:
        return f"+ {len(hidden):,} more {HEALTH_STYLES[next(h for h, n in by_status if n)].label}"
    return f"+ {len(hidden):,} more: " + ", ".join(parts)


def more_title(hidden: list[Compact]) -> str:
    names = ", ".join(c.name for c in hidden[:200])
    return names + (f" and {len(hidden) - 200:,} more" if len(hidden) > 200 else "")


def _as_compact(tile: Tile) -> Compact:
    return Compact(tile.ci_id or 0, tile.name, tile.criticality, tile.status)


def _compact_cell(entry: Compact, label: str) -> html.Div:
    style = HEALTH_STYLES[entry.status]
    title = f"{entry.name} — {style.label}" + (f", {entry.criticality}" if entry.criticality else "")
    mark = [html.Span(style.icon, className=f"compact-icon s-{_key(entry.status)}")]
    if _is_critical(entry):
        mark.append(html.Span("★", className="compact-critical", title="critical"))
    return html.Div(
        [*mark, html.Span(label, className="compact-name")],
        className=f"tile compact t-{_key(entry.status)}",
        title=title,
        **{"data-ci": str(entry.ci_id)},
    )


def _is_critical(entry: Compact) -> bool:
    return entry.criticality.lower() == "critical"


def _key(status: Health) -> str:
    return status.name.lower()
