"""The scope of the asset-health page: which CIs its figures count, as a boolean mask over CI positions.

A scope is the intersection of up to four filters, each a union of its chosen values (no value chosen: no filter):
- *business service*: the services themselves and every CI they depend on, all hops downstream along the edges that
  carry dependency (not across symmetric links: what health rolls up from, `traverse.reach(follow_links=False)`);
- *class*: the CI's (normalised) class;
- *location*: the CI's location as the CMDB spells it;
- *assignment group*: the CIs that at least one incident assigned to that group names (an incident that names no
  group counts as assigned to the owner of its CI: dashboard/health_data.py).
The time range [start, end) is not part of the mask: every figure takes the mask and the range separately, so that
`scope_mask(...)` is computed once per filter change and shared by every figure of the page.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

import numpy as np

from dashboard.domain.graph import GraphIndex
from dashboard.domain.traverse import ALL_HOPS, Direction, reach
from dashboard.domain.untrusted import bounded, query_lists, query_values, whole_number
from dashboard.domain.viewstate import as_of_text

RANGES = (7, 30, 90, 365)  # days the page offers as its time range (any 1 … MAX_DAYS works in a link)
DEFAULT_DAYS = 30
MAX_DAYS = 3650
MAX_VALUES, MAX_CHARS = 50, 128


@dataclass(frozen=True, slots=True)
class ScopeColumns:
    """Per CI position, the codes the scope filters on (built once per snapshot)."""

    location: np.ndarray  # int32 code into location_names; -1: the CI names no location
    location_names: tuple[str, ...]
    group_cis: dict[str, np.ndarray]  # assignment group → sorted positions of the CIs its incidents name


@dataclass(frozen=True, slots=True)
class HealthFilter:
    """What the page is filtered on: business services (CI positions), classes, locations, assignment groups."""

    services: tuple[int, ...] = ()
    classes: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()

    @property
    def narrowed(self) -> bool:
        """True when any filter is set: incidents that name no CI are then outside the scope."""
        return bool(self.services or self.classes or self.locations or self.groups)


def scope_mask(index: GraphIndex, columns: ScopeColumns, chosen: HealthFilter) -> np.ndarray:
    """Boolean mask over CI positions: True for the CIs inside every filter that is set (all True when none is)."""
    mask = np.ones(index.node_count, dtype=bool)
    if chosen.services:
        mask &= service_cis(index, chosen.services)
    if chosen.classes:
        codes = [index.class_names.index(c) for c in chosen.classes if c in index.class_names]
        mask &= np.isin(index.class_codes, np.asarray(codes, dtype=index.class_codes.dtype))
    if chosen.locations:
        codes = [columns.location_names.index(c) for c in chosen.locations if c in columns.location_names]
        mask &= np.isin(columns.location, np.asarray(codes, dtype=columns.location.dtype))
    if chosen.groups:
        in_group = np.zeros(index.node_count, dtype=bool)
        for group in chosen.groups:
            in_group[columns.group_cis.get(group, np.empty(0, dtype=np.int64))] = True
        mask &= in_group
    return mask


def service_cis(index: GraphIndex, services: tuple[int, ...]) -> np.ndarray:
    """Mask of the services and every CI they depend on (downstream, all hops, dependency edges only)."""
    mask = np.zeros(index.node_count, dtype=bool)
    positions = [s for s in services if 0 <= s < index.node_count]  # -1: a chosen service the CMDB does not hold
    if positions:
        mask[reach(index, positions, Direction.DOWNSTREAM, ALL_HOPS, follow_links=False).nodes] = True
    return mask


def codes_of(values: np.ndarray) -> tuple[np.ndarray, tuple[str, ...]]:
    """Text values (None or blank: none) as int32 codes into their sorted distinct names; -1 for none."""
    text = np.asarray([v.strip() if isinstance(v, str) else "" for v in values.tolist()], dtype=object)
    names, inverse = np.unique(text.astype(str), return_inverse=True)
    codes = inverse.astype(np.int32)
    if len(names) and names[0] == "":
        return codes - 1, tuple(str(n) for n in names[1:])
    return codes, tuple(str(n) for n in names)


def group_cis(nodes: np.ndarray, groups: np.ndarray, group_names: tuple[str, ...]) -> dict[str, np.ndarray]:
    """For each assignment group, the sorted distinct CI positions its incidents name (incident rows: node, group)."""
    named = (nodes >= 0) & (groups >= 0)
    width = int(nodes.max()) + 1 if named.any() else 1
    pairs = np.unique(groups[named].astype(np.int64) * width + nodes[named])  # (group, CI) as one sortable number
    starts = np.searchsorted(pairs, np.arange(len(group_names) + 1) * width)
    return {name: pairs[starts[i] : starts[i + 1]] % width for i, name in enumerate(group_names)}


@dataclass(frozen=True, slots=True)
class HealthQuery:
    """The /health page's URL: filters by name (services by CI id) and the range, the last `days` days."""

    services: tuple[int, ...] = ()  # CI ids
    classes: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    days: int = DEFAULT_DAYS
    as_of: str | None = None  # asof=: the page as it was at that UTC time (viewstate.as_of_text); None: now


def parse_health(search: object) -> HealthQuery:
    """The page a query string describes; anything malformed takes its default (never raises)."""
    services = query_lists(search, "service", MAX_VALUES, 18)
    return HealthQuery(
        services=tuple(sorted(n for s in services if (n := whole_number(s)) is not None)),
        classes=tuple(sorted(query_lists(search, "class", MAX_VALUES, MAX_CHARS))),
        locations=tuple(sorted(query_lists(search, "loc", MAX_VALUES, MAX_CHARS))),
        groups=tuple(sorted(query_lists(search, "group", MAX_VALUES, MAX_CHARS))),
        days=bounded(query_values(search).get("days"), default=DEFAULT_DAYS, low=1, high=MAX_DAYS),
        as_of=as_of_text(query_values(search).get("asof", "")),
    )


def health_query(query: HealthQuery) -> str:
    """The query string of a page ("" for the default one), with its leading "?"."""
    pairs = [
        *(("service", str(s)) for s in query.services),
        *(("class", c) for c in query.classes),
        *(("loc", c) for c in query.locations),
        *(("group", g) for g in query.groups),
        *([("days", str(query.days))] if query.days != DEFAULT_DAYS else []),
        *([("asof", query.as_of)] if query.as_of is not None else []),
    ]
    return "?" + urlencode(pairs) if pairs else ""


def filter_of(index: GraphIndex, query: HealthQuery) -> HealthFilter:
    """The filter of a query: service ids become positions (ids that are no CI are dropped)."""
    services = tuple(p for s in query.services if (p := index.position(s)) is not None)
    if query.services and not services:
        services = (-1,)  # services chosen, none of them found: an empty scope, not everything
    return HealthFilter(services, query.classes, query.locations, query.groups)
