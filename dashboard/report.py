"""The report's view model: what a manager should look at, each section with what to do next.

Built from one snapshot's derived views (the same the map, the wall and /quality read); `report_html.py` writes it
as a self-contained HTML page, `python -m dashboard report` to a file (and a PDF), `/report` to the browser.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from dashboard.cmdb.derived import Derived, id_array
from dashboard.cmdb_health_view import CmdbHealthView, cmdb_health_view
from dashboard.domain.findings import Finding, by_severity
from dashboard.domain.traverse import MAX_DEPTH, Direction, reach
from dashboard.domain.vocabulary import BUSINESS_SERVICE, CRITICALITIES, Health
from dashboard.report_sections import ReportSections, Sla, build_sections, lifecycle_at_risk
from dashboard.wall import Tile, service_tile

MAX_FINDINGS = 10
DEFAULT_SLA = Sla()
AT_RISK_PRIORITIES = 2  # open P1 or P2 beneath a service put it at risk, whatever its status


@dataclass(frozen=True, slots=True)
class ServiceRisk:
    """A business service that needs attention: its tile (status, open incidents, likely fault) and recent load."""

    tile: Tile
    opened_in_window: int  # incidents opened within the report's window on the service or anything below it
    lifecycle_below: int | None = None  # CIs below it past or near a lifecycle date (None: attributes not read)


@dataclass(frozen=True, slots=True)
class Report:
    """Everything the report shows, as plain data."""

    generated_at: datetime  # aware UTC
    loaded_at: datetime  # when the snapshot was read: the data is as of then
    window: timedelta
    scope: tuple[str, ...]  # the services asked for (empty: every business service)
    services_total: int
    status_counts: tuple[int, ...]  # services per Health, OK first
    at_risk: tuple[ServiceRisk, ...]  # worst first
    open_by_priority: tuple[int, ...]  # open incidents of priority 1 … 5, on any CI or none
    open_without_ci: int  # open incidents that name no CI the CMDB has
    health: CmdbHealthView
    findings: tuple[Finding, ...]  # the worst data-quality findings
    sections: ReportSections  # availability, top problem CIs, changes, incidents without CI, lifecycle


def build_report(
    derived: Derived, *, now: datetime, window: timedelta, scope: tuple[str, ...] = (), sla: Sla = DEFAULT_SLA
) -> Report:
    """The report over the derived views; `scope` names services (by name, any case, or '#id') to report on."""
    services = _services(derived, scope)
    status = derived.health.shown(services).astype(np.int64)
    end = np.datetime64(now.replace(tzinfo=None), "ns")
    start = end - np.timedelta64(int(window.total_seconds()), "s")
    opened = _opened_since(derived, start)
    basis, aging = lifecycle_at_risk(derived, end)
    risks = [_risk(derived, int(s), opened, aging) for s in services]
    at_risk = [r for r in risks if r is not None]
    at_risk.sort(key=_worst_first)
    ids = [r.tile.ci_id for r in at_risk if r.tile.ci_id is not None]
    open_ = derived.open_incidents
    priorities = np.clip(np.nan_to_num(open_.priorities, nan=5), 1, 5).astype(np.int64)
    return Report(
        generated_at=now,
        loaded_at=derived.snapshot.loaded_at,
        window=window,
        scope=scope,
        services_total=len(services),
        status_counts=tuple(int((status == h).sum()) for h in Health),
        at_risk=tuple(at_risk),
        open_by_priority=tuple(int((priorities == p).sum()) for p in range(1, 6)),
        open_without_ci=int((open_.nodes < 0).sum()),
        health=cmdb_health_view(derived.snapshot),
        findings=tuple(by_severity(derived.snapshot.findings)[:MAX_FINDINGS]),
        sections=build_sections(derived, services, ids, opened, (start, end), sla, basis),
    )


def _worst_first(risk: ServiceRisk) -> tuple:
    """Status, then criticality (critical first), then open P1 and P2, then name."""
    tile = risk.tile
    criticality = tile.criticality.strip().lower()
    rank = CRITICALITIES.index(criticality) if criticality in CRITICALITIES else len(CRITICALITIES)
    return (-tile.status, rank, -sum(tile.incidents[:AT_RISK_PRIORITIES]), tile.name.casefold())


def common_fault(at_risk: tuple[ServiceRisk, ...]) -> tuple[int, str, int] | None:
    """The CI most at-risk services name as their likely fault (id, name, how many), when two or more do."""
    counts = Counter((r.tile.fault.ci_id, r.tile.fault.name) for r in at_risk if r.tile.fault is not None)
    if not counts:
        return None
    (ci_id, name), many = counts.most_common(1)[0]
    return (ci_id, name, many) if many >= 2 else None


def _services(derived: Derived, scope: tuple[str, ...]) -> np.ndarray:
    """Positions of the business services in scope (every one when scope is empty)."""
    index = derived.snapshot.index
    services = np.flatnonzero(index.class_mask(BUSINESS_SERVICE))
    if not scope:
        return services
    wanted_ids = {int(s[1:]) for s in scope if s.startswith("#") and s[1:].isdigit()}
    wanted_names = {s.strip().casefold() for s in scope if not s.startswith("#")}
    names = [str(n).strip().casefold() for n in derived.names[services].tolist()]
    ids = index.ci_ids[services].tolist()
    keep = [
        i for i, (name, ci_id) in enumerate(zip(names, ids, strict=True)) if name in wanted_names or ci_id in wanted_ids
    ]
    return services[keep]


def _opened_since(derived: Derived, start: np.datetime64) -> np.ndarray:
    """Incidents opened at or after start, per node (incidents on no CI left out)."""
    incidents = derived.snapshot.tables["incident"]
    nodes = derived.snapshot.index.locate(incidents["ci_id"].pipe(id_array))
    opened = incidents["opened_at"].to_numpy(dtype="datetime64[ns]")
    recent = (nodes >= 0) & (opened >= start)
    return np.bincount(nodes[recent], minlength=derived.snapshot.index.node_count)


def _risk(derived: Derived, position: int, opened: np.ndarray, aging: np.ndarray | None) -> ServiceRisk | None:
    """The service's entry when it is degraded or down, or has an open P1/P2 on it or below it; else None."""
    status = Health(int(derived.health.shown(np.array([position]))[0]))
    below = reach(derived.snapshot.index, [position], Direction.DOWNSTREAM, MAX_DEPTH, follow_links=False).nodes
    urgent = int(derived.incidents.by_priority[below, :AT_RISK_PRIORITIES].sum())
    if status < Health.DEGRADED and not urgent:
        return None
    tile = service_tile(derived, int(derived.snapshot.index.ci_ids[position]), below)  # walked once, not thrice
    lifecycle = int(aging[below].sum()) if aging is not None else None
    return ServiceRisk(tile, int(opened[below].sum()), lifecycle) if tile is not None else None
