"""The asset-health page as plain data: every chart's numbers, labels and click keys, for one URL.

Built per filter change from the snapshot's HealthData (dashboard/health_data.py): a scope mask, then numpy over the
pre-sorted arrays. A mark's `keys` say what a click on it selects (dashboard/health_marks.py reads them back).
"""

from dataclasses import dataclass

import numpy as np

from dashboard.asof import views_at
from dashboard.cmdb.derived import Derived
from dashboard.domain.health_history import (
    WorstDays,
    daily_status,
    down_time,
    pareto,
    status_mix,
    worst_days,
)
from dashboard.domain.health_incidents import (
    Reliability,
    by_service,
    in_scope,
    per_ci_key,
    per_day,
    per_group,
    repeat_offenders,
)
from dashboard.domain.health_scope import HealthQuery, filter_of, scope_mask
from dashboard.domain.names import shown_name
from dashboard.domain.notices import Notice
from dashboard.domain.vocabulary import class_label
from dashboard.health_data import HealthData

HEAT_ROWS = 25  # CIs in the heatmap
PARETO_BARS = 20
TOP_KEYS = 15  # classes, locations, services or groups per chart
REPEAT_AT_LEAST = 3  # incidents in the range that make a CI a repeat offender
OFFENDER_ROWS = 50
NO_LOCATION = "(no location)"


@dataclass(frozen=True, slots=True)
class StatusBars:
    """CIs per status for some keys (classes, locations): counts[key][status]; labels shown, keys clicked."""

    labels: tuple[str, ...]
    keys: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]


@dataclass(frozen=True, slots=True)
class DailyShares:
    """CIs per status per day: counts[day][status] and the shares of the day's observed CIs."""

    days: tuple[str, ...]  # YYYY-MM-DD
    counts: tuple[tuple[int, ...], ...]
    shares: tuple[tuple[float, ...], ...]


@dataclass(frozen=True, slots=True)
class Heat:
    """The worst CIs × days: cells[ci][day] a status code (-1: no data)."""

    names: tuple[str, ...]
    ci_ids: tuple[str, ...]
    days: tuple[str, ...]
    cells: tuple[tuple[int, ...], ...]
    down_hours: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class IncidentDays:
    """Incidents opened per day and priority: counts[day][priority - 1]."""

    days: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]


@dataclass(frozen=True, slots=True)
class ReliabilityBars:
    """MTTR and MTBF (hours, None: no figure) per key, most incidents first."""

    labels: tuple[str, ...]
    keys: tuple[str, ...]  # what a click selects: "svc|<id>", "class|<name>", "group|<name>"
    incidents: tuple[int, ...]
    mttr_hours: tuple[float | None, ...]
    mtbf_hours: tuple[float | None, ...]


@dataclass(frozen=True, slots=True)
class ParetoBars:
    """The biggest contributors (CIs) and the running share of the total."""

    names: tuple[str, ...]
    ci_ids: tuple[str, ...]
    values: tuple[float, ...]
    cumulative: tuple[float, ...]
    total: float
    contributors: int


@dataclass(frozen=True, slots=True)
class Offender:
    """A repeat offender: a CI, its incidents in range and how many of them were reopened."""

    ci_id: str
    name: str
    class_name: str
    incidents: int
    reopened: int


@dataclass(frozen=True, slots=True)
class HealthPage:
    """Everything the /health page shows for one URL."""

    query: HealthQuery
    start: str  # the range, as shown (UTC)
    end: str
    scope_cis: int
    scope_incidents: int
    missing: tuple[str, ...]  # what the CMDB lacks for some charts, in words
    monitored: bool  # the snapshot holds health events (else every status is unknown)
    by_class: StatusBars
    by_location: StatusBars
    daily: DailyShares
    heat: Heat
    incidents: IncidentDays
    by_service: ReliabilityBars
    by_class_reliability: ReliabilityBars
    by_group: ReliabilityBars
    pareto_incidents: ParetoBars
    pareto_down: ParetoBars
    offenders: tuple[Offender, ...]
    open_then: tuple[int, ...] | None = None  # asof=: incidents in scope open at that time, per priority 1 … 5


def health_page(derived: Derived, data: HealthData, query: HealthQuery) -> HealthPage:
    """The page for a URL: the scope mask once, then every figure over the range."""
    index = derived.snapshot.index
    chosen = filter_of(index, query)
    mask = scope_mask(index, data.columns, chosen)
    end = data.now
    start = end - np.timedelta64(query.days, "D")
    entries = in_scope(data.log, mask, start, end, narrowed=chosen.narrowed, groups=query.groups)
    selected = data.log.selected(entries)
    names = _Names(derived)
    daily = daily_status(data.status, mask, start, end)
    down = down_time(data.status, mask, start, end)
    return HealthPage(
        query=query,
        start=_when(start),
        end=_when(end),
        scope_cis=int(mask.sum()),
        scope_incidents=len(entries),
        missing=_missing(data, derived.snapshot.old_health),
        monitored=data.health_rows > 0,
        by_class=_mix(
            data, mask, index.class_codes, tuple(class_label(c) for c in index.class_names), index.class_names
        ),
        by_location=_mix(
            data, mask, data.columns.location, data.columns.location_names, data.columns.location_names, NO_LOCATION
        ),
        daily=DailyShares(
            _days(daily.days), _rows(daily.counts), tuple(tuple(float(s) for s in r) for r in daily.shares())
        ),
        heat=_heat(worst_days(daily, down, HEAT_ROWS), names),
        incidents=_incident_days(data, entries, start, end),
        by_service=_services(names, data, selected),
        by_class_reliability=_classes(index.class_codes, index.class_names, data, selected),
        by_group=_bars(per_group(data.log, selected), data.log.group_names, _keys("group", data.log.group_names)),
        pareto_incidents=_pareto(*_per_ci(data.log.nodes[entries]), names),
        pareto_down=_pareto(*down, names),
        offenders=_offenders(data, entries, names, index.class_codes, index.class_names),
        open_then=_open_then(derived, query.as_of, mask, chosen.narrowed) if query.as_of else None,
    )


def _open_then(derived: Derived, as_of: str, mask: np.ndarray, narrowed: bool) -> tuple[int, ...]:
    """Incidents open at the time (dashboard/asof.py), on a CI in scope (with no filter: those on no CI too), per
    priority."""
    found = views_at(derived, as_of).open_incidents
    named = found.nodes >= 0
    keep = np.zeros(len(named), dtype=bool)
    keep[named] = mask[found.nodes[named]]
    keep |= ~named & (not narrowed)
    priority = np.nan_to_num(found.priorities[keep], nan=5).clip(1, 5).astype(np.int64)
    return tuple(int(n) for n in np.bincount(priority - 1, minlength=5))


class _Names:
    """CI names and ids as shown (a name shared with another CI gets its id)."""

    def __init__(self, derived: Derived) -> None:
        self.names, self.shared, self.ids = derived.names, derived.shared_name, derived.snapshot.index.ci_ids

    def of(self, nodes: np.ndarray) -> tuple[str, ...]:
        return tuple(
            f"{shown_name(n)} #{i}" if s else shown_name(n)
            for n, s, i in zip(self.names[nodes], self.shared[nodes], self.ids[nodes], strict=True)
        )

    def ids_of(self, nodes: np.ndarray) -> tuple[str, ...]:
        return tuple(str(i) for i in self.ids[nodes].tolist())


def _when(moment: np.datetime64) -> str:
    return str(np.datetime64(moment, "m")).replace("T", " ")


def _days(days: np.ndarray) -> tuple[str, ...]:
    return tuple(str(d) for d in days.astype("datetime64[D]"))


def _rows(matrix: np.ndarray) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(int(v) for v in row) for row in matrix)


def _missing(data: HealthData, old_health: Notice | None) -> tuple[str, ...]:
    gaps = []
    if not data.health_rows:
        gaps.append("The CMDB holds no health events in the window: status mix, health over time, the heatmap and "
                    "down-time have nothing to show.")  # fmt: skip
        if old_health is not None:  # events exist, all older than the window: say how old, and what to set
            gaps.append(old_health.text)
    if not data.incident_rows:
        gaps.append("The CMDB holds no incidents: incidents over time, MTTR, MTBF and the offenders are empty.")
    elif data.incidents_on_cis < data.incident_rows:
        gaps.append(
            f"{data.incident_rows - data.incidents_on_cis:,} of the {data.incident_rows:,} incidents the CMDB holds "
            "name no CI it holds: they count in incidents over time (with no filter set) and in MTTR per assignment "
            "group, but in nothing per CI, class or service."
        )
    return tuple(gaps)


def _mix(
    data: HealthData,
    mask: np.ndarray,
    keys: np.ndarray,
    labels: tuple[str, ...],
    names: tuple[str, ...],
    none: str | None = None,
) -> StatusBars:
    """CIs per status for the TOP_KEYS keys with most CIs in scope (the CIs without a key last, when counted)."""
    counts = status_mix(data.shown, keys, len(names), mask)
    if none is None:
        counts = counts[:-1]
    order = np.argsort(-counts.sum(axis=1), kind="stable")[:TOP_KEYS]
    order = order[counts[order].sum(axis=1) > 0]
    all_labels, all_keys = (*labels, none or ""), (*names, "")
    return StatusBars(tuple(all_labels[i] for i in order), tuple(all_keys[i] for i in order), _rows(counts[order]))


def _incident_days(data: HealthData, entries: np.ndarray, start: np.datetime64, end: np.datetime64) -> IncidentDays:
    first = np.datetime64(start, "D")
    days = int((np.datetime64(end - np.timedelta64(1, "ns"), "D") - first) / np.timedelta64(1, "D")) + 1
    counts = per_day(data.log, entries, first, days)
    return IncidentDays(_days(first + np.arange(days)), _rows(counts))


def _bars(figures: Reliability, labels: tuple[str, ...], keys: tuple[str, ...]) -> ReliabilityBars:
    order = np.argsort(-figures.incidents, kind="stable")[:TOP_KEYS]
    order = order[figures.incidents[order] > 0]

    def hours(values: np.ndarray) -> tuple[float | None, ...]:
        return tuple(None if np.isnan(v) else round(float(v), 1) for v in values[order])

    return ReliabilityBars(
        tuple(labels[i] for i in order),
        tuple(keys[i] for i in order),
        tuple(int(v) for v in figures.incidents[order]),
        hours(figures.mttr_hours),
        hours(figures.mtbf_hours),
    )


def _keys(kind: str, values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{kind}|{v}" for v in values)


def _services(names: "_Names", data: HealthData, selected: np.ndarray) -> ReliabilityBars:
    services = data.members.services
    figures = by_service(data.log, selected, data.pairs, len(services))
    return _bars(figures, names.of(services), _keys("svc", names.ids_of(services)))


def _classes(codes: np.ndarray, names: tuple[str, ...], data: HealthData, selected: np.ndarray) -> ReliabilityBars:
    figures = per_ci_key(data.log, selected, codes, len(names))
    return _bars(figures, tuple(map(class_label, names)), _keys("class", names))


def _per_ci(nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The CIs (ascending positions) of some incidents' CI positions, and how many incidents each."""
    counts = np.bincount(nodes[nodes >= 0])
    named = np.flatnonzero(counts)
    return named, counts[named]


def _pareto(nodes: np.ndarray, values: np.ndarray, names: _Names) -> ParetoBars:
    bars = pareto(nodes, np.asarray(values, dtype=float), PARETO_BARS)
    return ParetoBars(
        names.of(bars.nodes),
        names.ids_of(bars.nodes),
        tuple(round(float(v), 2) for v in bars.values),
        tuple(round(float(c), 4) for c in bars.cumulative),
        round(bars.total, 2),
        bars.contributors,
    )


def _heat(worst: WorstDays, names: _Names) -> Heat:
    return Heat(
        names.of(worst.nodes),
        names.ids_of(worst.nodes),
        _days(worst.days),
        _rows(worst.cells),
        tuple(round(float(h), 1) for h in worst.down_hours),
    )


def _offenders(
    data: HealthData, entries: np.ndarray, names: _Names, codes: np.ndarray, classes: tuple[str, ...]
) -> tuple[Offender, ...]:
    found = repeat_offenders(data.log, entries, REPEAT_AT_LEAST)
    nodes = found.nodes[:OFFENDER_ROWS]
    return tuple(
        Offender(ci_id, name, class_label(classes[code]), int(n), int(r))
        for ci_id, name, code, n, r in zip(
            names.ids_of(nodes), names.of(nodes), codes[nodes], found.incidents, found.reopened, strict=False
        )
    )


def range_text(page: HealthPage) -> str:
    """The range as a sentence part: "the last 30 days (2026-11-01 00:00 – 2026-12-01 00:00 UTC)"."""
    return f"the last {page.query.days} days ({page.start} – {page.end} UTC)"


@dataclass(frozen=True, slots=True)
class FilterOptions:
    """What the page's filters offer: (value, label) pairs, sorted by label."""

    services: tuple[tuple[str, str], ...]
    classes: tuple[tuple[str, str], ...]
    locations: tuple[tuple[str, str], ...]
    groups: tuple[tuple[str, str], ...]


def filter_options(derived: Derived, data: HealthData) -> FilterOptions:
    """The filters' choices for this snapshot (kept with its views)."""
    return derived.kept("health_options", lambda: _options(derived, data))


def _options(derived: Derived, data: HealthData) -> FilterOptions:
    names = _Names(derived)
    services = data.members.services
    index = derived.snapshot.index
    present = np.unique(index.class_codes)

    def pairs(values: tuple[str, ...], labels: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        return tuple(sorted(zip(values, labels, strict=True), key=lambda p: p[1].casefold()))

    return FilterOptions(
        services=pairs(names.ids_of(services), names.of(services)),
        classes=pairs(
            tuple(index.class_names[c] for c in present), tuple(class_label(index.class_names[c]) for c in present)
        ),
        locations=pairs(data.columns.location_names, data.columns.location_names),
        groups=pairs(data.log.group_names, data.log.group_names),
    )
