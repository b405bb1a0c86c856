"""The URL is the view: a map's root, depth, direction, layout and overlays as a query string, and back.

Parsing never fails: a missing or malformed value takes its default, a number out of range is clamped, so that any
pasted or forged link gives a valid view.
"""

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import urlencode

from dashboard.domain.neighbourhood import Scope
from dashboard.domain.untrusted import bounded, number_list, query_lists, query_values, whole_number

DEFAULT_DEPTH = 3
MAX_DEPTH = 10
LAYOUTS = ("layered", "breadthfirst", "concentric", "cose", "dagre")
MAX_CHANGE_DAYS = 90
MAX_OPEN_GROUPS = 50
# Attribute filters: URL parameter → ViewState field; each value repeats the parameter (?loc=FRA1&loc=LON3).
FILTER_PARAMETERS = {"class": "classes", "env": "environments", "loc": "locations", "crit": "criticalities"}
MAX_FILTER_VALUES, MAX_FILTER_CHARS = 50, 128
VIEWS = ("map", "table")  # the map drawn, or the same view as tables


@dataclass(frozen=True, slots=True)
class ViewState:
    """Everything that defines what the map shows."""

    root: int | None = None  # CI id
    depth: int | None = DEFAULT_DEPTH  # None: as deep as the graph goes (within the element budget)
    scope: str = Scope.DOWNSTREAM
    layout: str = "layered"
    incidents_only: bool = False
    change_days: int = 0  # 0: no change overlay
    impact: bool = False
    expanded: frozenset[str] = field(default_factory=frozenset)
    embed: bool = False  # shown in another page's iframe: the map and its details only, no app chrome
    # Filters (see dashboard/map_filters.py): CIs of any of these values; empty: no filter on that attribute.
    classes: frozenset[str] = field(default_factory=frozenset)
    environments: frozenset[str] = field(default_factory=frozenset)
    locations: frozenset[str] = field(default_factory=frozenset)
    criticalities: frozenset[str] = field(default_factory=frozenset)
    details: bool = True  # False (details=0): no details panel, the map takes the whole frame
    view: str = "map"  # one of VIEWS
    sel: int | None = None  # CI id shown in the details panel (and selected on the map)
    path: int | None = None  # CI id: the dependency paths between `sel` and it are highlighted (needs sel)
    as_of: str | None = None  # a UTC time (as_of_text): the map as it was then (domain/asof.py); None: live
    diff: str | None = None  # a UTC time before as_of (or now): what changed since then is marked on the map
    saved: int | None = None  # a saved view's id: its nodes are drawn where they were saved (dashboard/saved_views.py)

    def with_root(self, root: int) -> "ViewState":
        """The same view re-rooted on another CI (groups opened under the old root are closed)."""
        return replace(self, root=root, impact=False, expanded=frozenset())


def parse(search: str | None) -> ViewState:
    """The view a query string (with or without its leading '?') describes."""
    values = query_values(search)

    def one(name: str) -> str:
        return values.get(name, "")

    return ViewState(
        root=whole_number(one("root")),
        depth=_depth(one("depth")),
        scope=one("dir") if one("dir") in Scope.ALL else Scope.DOWNSTREAM,
        layout=one("layout") if one("layout") in LAYOUTS else "layered",
        incidents_only=one("only") == "incidents",
        change_days=bounded(one("changes"), default=0, low=0, high=MAX_CHANGE_DAYS),
        impact=one("impact") == "1",
        expanded=_groups(one("open")),
        embed=one("embed") == "1",
        **{
            name: query_lists(search, parameter, MAX_FILTER_VALUES, MAX_FILTER_CHARS)
            for parameter, name in FILTER_PARAMETERS.items()
        },
        details=one("details") != "0",
        view=one("view") if one("view") in VIEWS else "map",
        sel=(sel := whole_number(one("sel"))),
        path=whole_number(one("path")) if sel is not None else None,
        as_of=as_of_text(one("asof")),
        diff=as_of_text(one("diff")),
        saved=whole_number(one("saved")),
    )


def to_query(state: ViewState) -> str:
    """The query string (with '?') for a view; defaults are left out so links stay short."""
    default = ViewState()
    pairs: list[tuple[str, str]] = []
    if state.root is not None:
        pairs.append(("root", str(state.root)))
    if state.depth != default.depth:
        pairs.append(("depth", "all" if state.depth is None else str(state.depth)))
    if state.scope != default.scope:
        pairs.append(("dir", state.scope))
    if state.layout != default.layout:
        pairs.append(("layout", state.layout))
    if state.incidents_only:
        pairs.append(("only", "incidents"))
    if state.change_days:
        pairs.append(("changes", str(state.change_days)))
    if state.impact:
        pairs.append(("impact", "1"))
    if state.expanded:
        pairs.append(("open", ",".join(sorted(state.expanded))))
    if state.embed:
        pairs.append(("embed", "1"))
    for parameter, name in FILTER_PARAMETERS.items():
        pairs += [(parameter, value) for value in sorted(getattr(state, name))]
    if not state.details:
        pairs.append(("details", "0"))
    if state.view != default.view:
        pairs.append(("view", state.view))
    if state.sel is not None:
        pairs.append(("sel", str(state.sel)))
        if state.path is not None:
            pairs.append(("path", str(state.path)))
    if state.as_of is not None:
        pairs.append(("asof", state.as_of))
    if state.diff is not None:
        pairs.append(("diff", state.diff))
    if state.saved is not None:
        pairs.append(("saved", str(state.saved)))
    return "?" + urlencode(pairs) if pairs else ""


AS_OF_YEARS = (1971, 9998)


def as_of_text(raw: str) -> str | None:
    """A time for `asof=` as one spelling (2026-11-20T10:00 or …T10:00:30, UTC), from ISO 8601 with or without a
    zone, a date alone (midnight) or seconds since 1970; None for anything else (the map then says so)."""
    raw = raw.strip()
    if not raw or len(raw) > 40:
        return None
    try:
        moment = (
            datetime.fromtimestamp(int(raw), UTC) if raw.isascii() and raw.isdigit() else datetime.fromisoformat(raw)
        )
    except (ValueError, OverflowError, OSError):
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    if not AS_OF_YEARS[0] <= moment.year <= AS_OF_YEARS[1]:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S" if moment.second else "%Y-%m-%dT%H:%M")


def bad_as_of(search: str | None, name: str = "asof") -> str:
    """The `asof=` (or `diff=`) value of a query string when it is not a time (cut to 40 characters), else ""."""
    raw = query_values(search).get(name, "")
    return raw[:40] if raw and as_of_text(raw) is None else ""


def _depth(text: str) -> int | None:
    if text == "all":
        return None
    return bounded(text, default=DEFAULT_DEPTH, low=1, high=MAX_DEPTH)


def _groups(text: str) -> frozenset[str]:
    keys = [key for key in text.split(",") if key and len(key) <= 100]
    return frozenset(keys[:MAX_OPEN_GROUPS])


MIN_REFRESH_SECONDS = 5
DEFAULT_WALL_REFRESH = 30
MAX_WALL_SERVICES = 200
# What a wall's tiles stand for: business services, single CIs, CIs grouped by class, location or owner, or open
# incidents grouped by their assignment group or category.
WALL_TILES = ("services", "ci", "class", "location", "owner", "assignment_group", "category")


@dataclass(frozen=True, slots=True)
class WallState:
    """What a wall screen shows, from its URL: refresh and rotation periods, the services, the theme, the tiles."""

    refresh: int = DEFAULT_WALL_REFRESH  # seconds between refreshes, at least MIN_REFRESH_SECONDS
    rotate: int = 0  # seconds per service in the rotation through the services that are not OK; 0: no rotation
    services: frozenset[int] = field(default_factory=frozenset)  # CI ids; empty: every business service
    theme: str = "dark"
    tiles: str = ""  # one of WALL_TILES; "": the default for this CMDB (see dashboard/wall_cis.py)
    sla: bool = False  # sla=1: each full tile of a business service says its availability (dashboard/availability.py)
    as_of: str | None = None  # asof=: the wall as it was at that UTC time (as_of_text), never live; None: live

    @property
    def tick_seconds(self) -> int:
        """How often the screen asks for new data: every refresh, and every rotation step."""
        return min(self.refresh, self.rotate) if self.rotate else self.refresh


def parse_wall(search: str | None) -> WallState:
    """The wall a query string describes (?refresh=30&rotate=20&services=5,7&theme=light&tiles=location&asof=…);
    never fails."""
    values = query_values(search)

    def one(name: str) -> str:
        return values.get(name, "")

    rotate = whole_number(one("rotate"))
    return WallState(
        refresh=bounded(one("refresh"), default=DEFAULT_WALL_REFRESH, low=MIN_REFRESH_SECONDS, high=3600),
        rotate=0 if not rotate else bounded(rotate, default=0, low=MIN_REFRESH_SECONDS, high=3600),
        services=frozenset(number_list(one("services"), MAX_WALL_SERVICES)),
        theme="light" if one("theme") == "light" else "dark",
        tiles=one("tiles") if one("tiles") in WALL_TILES else "",
        sla=one("sla") == "1",
        as_of=as_of_text(one("asof")),
    )
