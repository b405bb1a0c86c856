"""What a click on a mark of the /health page selects: one CI (shown on the map) or the CIs behind it (a list).

Every mark carries a key (plotly `customdata`) written by layouts/health.py from the view model:
`ci|<id>` and `svc|<id>` open the map on that CI; `mixclass|<class>|<status>`, `mixloc|<location>|<status>`,
`day|<YYYY-MM-DD>|<status>`, `inc|<YYYY-MM-DD>|<priority>`, `class|<class>`, `group|<group>` and
`life|<lifecycle date kind>|<bucket>` (layouts/lifecycle.py), `chgtype|<type>` and `chgteam|<team>` (the CIs that
failed changes changed: layouts/change_failures.py), `nocigroup|<group>` and `nocicat|<category>` (incidents with no
CI: only their count; layouts/incidents_without_ci.py) list the CIs behind the mark, within the page's scope
and range. The key comes back from the browser: it is parsed as untrusted text.
"""

from dataclasses import dataclass

import numpy as np

from dashboard.cmdb.derived import Derived
from dashboard.domain.graph import GraphIndex
from dashboard.domain.health_history import STATUS_COUNT, daily_status
from dashboard.domain.health_incidents import PRIORITIES, in_scope
from dashboard.domain.health_scope import HealthQuery, filter_of, scope_mask
from dashboard.domain.lifecycle import Bucket
from dashboard.domain.names import shown_name
from dashboard.domain.untrusted import text, whole_number
from dashboard.domain.vocabulary import HEALTH_STYLES, Health, class_label
from dashboard.health_data import HealthData
from dashboard.health_reports import REPORT_KINDS, lifecycle_marked, report_marked

MAX_ROWS = 500  # CIs listed for one mark (the heading says how many there are in all)
KINDS = (
    "ci",
    "svc",
    "mixclass",
    "mixloc",
    "day",
    "inc",
    "class",
    "group",
    "life",
    "chgtype",
    "chgteam",
    "nocigroup",
    "nocicat",
)


@dataclass(frozen=True, slots=True)
class Mark:
    """A parsed mark key: its kind, its value and (for statuses and priorities) a number."""

    kind: str
    value: str
    number: int | None = None


@dataclass(frozen=True, slots=True)
class CIList:
    """The CIs behind a mark: a heading, the rows (most incidents first) and how many CIs there are in all."""

    title: str
    rows: tuple[dict, ...]
    total: int
    without_ci: int = 0  # incidents behind the mark that name no CI


def mark_of(click: object) -> Mark | None:
    """The mark of a dcc.Graph clickData ({"points": [{"customdata": key}]}), None for anything else."""
    points = click.get("points") if isinstance(click, dict) else None
    point = points[0] if isinstance(points, list) and points and isinstance(points[0], dict) else {}
    data = point.get("customdata")
    key = text(data[0] if isinstance(data, list) and data else data, 400)
    kind, _, rest = key.partition("|")
    if kind not in KINDS or not rest:
        return None
    value, _, number = rest.partition("|")
    if kind in ("mixclass", "mixloc", "day", "inc", "life"):
        parsed = whole_number(number)
        limit = PRIORITIES if kind == "inc" else len(Bucket) - 1 if kind == "life" else STATUS_COUNT - 1
        if parsed is None or parsed > limit:
            return None
        return Mark(kind, value, parsed)
    return Mark(kind, value)


def map_root(mark: Mark) -> str | None:
    """The map's query string for a mark that is one CI (`?root=<id>`), else None."""
    if mark.kind in ("ci", "svc") and whole_number(mark.value) is not None:
        return f"?root={mark.value}"
    return None


def cis_behind(derived: Derived, data: HealthData, query: HealthQuery, mark: Mark) -> CIList:
    """The CIs in the page's scope and range behind a mark that stands for several."""
    index = derived.snapshot.index
    chosen = filter_of(index, query)
    mask = scope_mask(index, data.columns, chosen)
    start = data.now - np.timedelta64(query.days, "D")
    entries = in_scope(data.log, mask, start, data.now, narrowed=chosen.narrowed, groups=query.groups)
    if mark.kind == "life":  # a bar of the lifecycle chart (dashboard/health_reports.py)
        (nodes, title), without = lifecycle_marked(derived, mask, data.now, mark.value, mark.number), 0
    elif mark.kind in REPORT_KINDS:  # a bar of the change-failure or no-CI charts
        nodes, title, without = report_marked(derived, data, query, mark.kind, mark.value)
    else:
        now = "now" if query.as_of is None else f"at {query.as_of.replace('T', ' ')} UTC"
        nodes, title, without = _select(index, data, mask, entries, start, mark, now)
    counts = np.bincount(data.log.nodes[entries][data.log.nodes[entries] >= 0], minlength=index.node_count)
    nodes = np.unique(nodes)
    order = np.lexsort((nodes, -data.shown[nodes], -counts[nodes]))
    return CIList(title, _rows(derived, data, nodes[order][:MAX_ROWS], counts), len(nodes), without)


def _select(
    index: GraphIndex,
    data: HealthData,
    mask: np.ndarray,
    entries: np.ndarray,
    start: np.datetime64,
    mark: Mark,
    now: str = "now",
) -> tuple[np.ndarray, str, int]:
    """The CI positions behind a mark, a heading for them, and the incidents behind it that name no CI."""
    status = HEALTH_STYLES[Health(mark.number)].label if mark.number is not None and mark.kind != "inc" else ""
    if mark.kind == "mixclass":
        chosen = mask & (index.class_codes == _code(index.class_names, mark.value)) & (data.shown == mark.number)
        return np.flatnonzero(chosen), f"{class_label(mark.value)} CIs that are {status} {now}", 0
    if mark.kind == "mixloc":
        code = _code(data.columns.location_names, mark.value) if mark.value else -1
        chosen = mask & (data.columns.location == code) & (data.shown == mark.number)
        return np.flatnonzero(chosen), f"CIs in {mark.value or 'no location'} that are {status} {now}", 0
    if mark.kind == "day":
        day = _day(mark.value)
        daily = daily_status(data.status, mask, day, day + np.timedelta64(1, "D")) if day is not None else None
        if daily is None or not daily.cells.shape[1]:
            return np.empty(0, dtype=np.int64), f"CIs {status} on {mark.value}", 0
        return daily.nodes[daily.cells[:, 0] == mark.number], f"CIs at worst {status} on {mark.value}", 0
    picked = _incidents(index, data, entries, mark)
    nodes = data.log.nodes[picked]
    titles = {
        "inc": f"CIs with P{mark.number} incidents opened on {mark.value}",
        "class": f"{class_label(mark.value)} CIs with incidents in the range",
        "group": f"CIs with incidents of {mark.value} in the range",
    }
    return nodes[nodes >= 0], titles[mark.kind], int((nodes < 0).sum())


def _incidents(index: GraphIndex, data: HealthData, entries: np.ndarray, mark: Mark) -> np.ndarray:
    log = data.log
    if mark.kind == "inc":
        day = _day(mark.value)
        if day is None:
            return entries[:0]
        on_day = log.opened[entries].astype("datetime64[D]") == day
        return entries[on_day & (log.priority[entries] == mark.number)]
    if mark.kind == "group":
        code = _code(log.group_names, mark.value)
        return entries[log.group[entries] == code]
    nodes = log.nodes[entries]
    named = nodes >= 0
    of_class = np.zeros(len(entries), dtype=bool)
    of_class[named] = index.class_codes[nodes[named]] == _code(index.class_names, mark.value)
    return entries[of_class]


def _code(names: tuple[str, ...], value: str) -> int:
    return names.index(value) if value in names else -2  # -2: no CI has it (-1 stands for "none")


def _day(value: str) -> np.datetime64 | None:
    try:
        return np.datetime64(value[:10], "D") if len(value) == 10 else None
    except ValueError:
        return None


def _rows(derived: Derived, data: HealthData, nodes: np.ndarray, counts: np.ndarray) -> tuple[dict, ...]:
    index = derived.snapshot.index
    names, shared = derived.names[nodes], derived.shared_name[nodes]
    location = data.columns.location[nodes]
    return tuple(
        {
            "id": str(ci_id),
            "name": f"{shown_name(name)} #{ci_id}" if same else shown_name(name),
            "class": class_label(index.class_names[code]),
            "location": data.columns.location_names[loc] if loc >= 0 else "",
            "status": HEALTH_STYLES[Health(int(status))].label,
            "incidents": int(count),
        }
        for ci_id, name, same, code, loc, status, count in zip(
            index.ci_ids[nodes].tolist(),
            names,
            shared,
            index.class_codes[nodes],
            location,
            data.shown[nodes],
            counts[nodes],
            strict=True,
        )
    )
