"""The report's sections that read issue 13's view models: availability of the services at risk, the top problem
CIs, changes followed by incidents, incidents that name no CI, and asset lifecycle risk — all within the report's
scope (the CIs the services in scope depend on; every CI when no service is named) and window."""

from dataclasses import dataclass

import numpy as np

from dashboard.availability import AvailabilityView, service_availability
from dashboard.change_failures import ChangeFailuresView, change_failures_view
from dashboard.cmdb.derived import Derived
from dashboard.domain.lifecycle import lifecycle_risk
from dashboard.domain.traverse import MAX_DEPTH, Direction, reach
from dashboard.domain.vocabulary import class_label
from dashboard.health_reports import changes_if_built, kept_basis, unplaced_of
from dashboard.incidents_without_ci import IncidentsWithoutCIView, incidents_without_ci_view
from dashboard.lifecycle import LifecycleBasis, LifecycleView, lifecycle_view

MAX_AVAILABILITY = 20  # services at risk whose availability is worked out (about 0.2 s each at 1M CIs)
TOP_CIS = 10


@dataclass(frozen=True, slots=True)
class ProblemCI:
    """A CI with many incidents opened in the window."""

    ci_id: int
    name: str
    ci_class: str
    opened: int  # incidents opened on it in the window
    open_now: int


@dataclass(frozen=True, slots=True)
class Sla:
    """How availability is judged: the target of a service without its own, and whether P2 incidents count."""

    default_target: float = 99.9
    count_p2: bool = False


@dataclass(frozen=True, slots=True)
class ReportSections:
    """Plain data for the sections."""

    availability: dict[int, AvailabilityView]  # by CI id of the service, for the MAX_AVAILABILITY worst at risk
    availability_days: int
    top_cis: tuple[ProblemCI, ...]
    changes: ChangeFailuresView
    unplaced: IncidentsWithoutCIView
    lifecycle: LifecycleView


def lifecycle_at_risk(derived: Derived, now: np.datetime64) -> tuple[LifecycleBasis | None, np.ndarray | None]:
    """The snapshot's lifecycle basis and a mask of the CIs past or near a lifecycle date (None while the CI
    attributes are being read, or when they could not be)."""
    basis = kept_basis(derived)
    if basis is None:
        return None, None
    dates = basis.dates
    risk = lifecycle_risk(dates.expiry, dates.installed, dates.hardware, np.datetime64(now, "s"))
    mask = np.zeros(derived.snapshot.index.node_count, dtype=bool)
    mask[risk.at_risk()] = True
    return basis, mask


def build_sections(
    derived: Derived,
    services: np.ndarray,
    at_risk_ids: list[int],
    opened: np.ndarray,
    window: tuple[np.datetime64, np.datetime64],
    sla: Sla,
    basis: LifecycleBasis | None = None,
) -> ReportSections:
    """The sections over the CIs below `services` (positions; all CIs when every service is in scope)."""
    index = derived.snapshot.index
    start, end = window
    scope = _scope(derived, services)
    days = max(1, int((end - start) / np.timedelta64(1, "D")))
    availability = {}
    for ci_id in at_risk_ids[:MAX_AVAILABILITY]:
        position = index.position(ci_id)
        if position is not None:
            availability[ci_id] = service_availability(
                derived, position, default_target=sla.default_target, count_p2=sla.count_p2, days=days
            )
    return ReportSections(
        availability=availability,
        availability_days=days,
        top_cis=_top_cis(derived, np.where(scope, opened, 0)),
        changes=change_failures_view(derived.snapshot, scope, start, end, basis=changes_if_built(derived)),
        unplaced=incidents_without_ci_view(derived.snapshot, scope, start, end, basis=unplaced_of(derived)),
        lifecycle=lifecycle_view(derived.snapshot, scope, end, basis=basis),
    )


def _scope(derived: Derived, services: np.ndarray) -> np.ndarray:
    """Every CI when every business service is in scope, else the named services and what they depend on."""
    index = derived.snapshot.index
    every = np.flatnonzero(index.class_mask("business_service"))
    if len(services) == len(every):
        return np.ones(index.node_count, dtype=bool)
    mask = np.zeros(index.node_count, dtype=bool)
    if len(services):
        mask[reach(index, services, Direction.DOWNSTREAM, MAX_DEPTH, follow_links=False).nodes] = True
    return mask


def _top_cis(derived: Derived, opened: np.ndarray) -> tuple[ProblemCI, ...]:
    """The CIs with the most incidents opened in the window, most first (ties: fewer open now last, then id)."""
    index = derived.snapshot.index
    candidates = np.flatnonzero(opened)
    if not len(candidates):
        return ()
    open_now = derived.incidents.open_count
    order = np.lexsort((index.ci_ids[candidates], -open_now[candidates], -opened[candidates]))[:TOP_CIS]
    classes = derived.snapshot.ci["class"]
    return tuple(
        ProblemCI(
            ci_id=int(index.ci_ids[p]),
            name=str(derived.names[p]),
            ci_class=class_label(str(classes.iat[p])),
            opened=int(opened[p]),
            open_now=int(open_now[p]),
        )
        for p in candidates[order]
    )
