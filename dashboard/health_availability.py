"""/health's availability section: each business service in the page's scope against its SLA target, worst first.

The figures are those of the details panel and the wall (dashboard/availability.py, over the 30 days before the
snapshot was read), kept per snapshot; a page asks for new ones for at most SECONDS, so a big CMDB's first visit
is not held up: the section says how many are still being worked out, and a reload shows them.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from dashboard.availability import DAYS, ready_or_within
from dashboard.cmdb.derived import Derived
from dashboard.domain.health_scope import HealthQuery, filter_of, scope_mask
from dashboard.domain.names import shown_name
from dashboard.domain.vocabulary import BUSINESS_SERVICE
from dashboard.health_data import HealthData
from dashboard.report_sections import Sla

SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class ServiceAvailability:
    """One service's figures over the last DAYS days."""

    ci_id: int
    name: str
    availability: float  # 0 … 1
    target: float  # percent
    budget_left_seconds: float

    @property
    def met(self) -> bool:
        """True when the availability reaches the target."""
        return self.availability * 100 >= self.target


@dataclass(frozen=True, slots=True)
class HealthAvailability:
    """The section's rows (least error budget left first), how many services are in scope, and how many still pend."""

    rows: tuple[ServiceAvailability, ...]
    services: int
    pending: int
    days: int = DAYS


def availability_warmer(sla: Sla) -> Callable[[Derived], None]:
    """A warmer for the views' warm-up: the availability of every business service, so that a filter change of
    /health finds it worked out (else each new scope works out more, for up to SECONDS, ~1 s a service at 1M CIs)."""

    def warm_health_availability(derived: Derived) -> None:
        services = np.flatnonzero(derived.snapshot.index.class_mask(BUSINESS_SERVICE)).tolist()
        ready_or_within(derived, services, default_target=sla.default_target, count_p2=sla.count_p2, seconds=1e9)

    return warm_health_availability


def health_availability(derived: Derived, data: HealthData, query: HealthQuery, sla: Sla) -> HealthAvailability:
    """The availability of the business services in the page's scope that are (or can now be) worked out."""
    index = derived.snapshot.index
    mask = scope_mask(index, data.columns, filter_of(index, query)) & index.class_mask(BUSINESS_SERVICE)
    positions = [int(p) for p in np.flatnonzero(mask)]
    found = ready_or_within(
        derived, positions, default_target=sla.default_target, count_p2=sla.count_p2, seconds=SECONDS
    )
    rows = [
        ServiceAvailability(
            ci_id=int(index.ci_ids[p]),
            name=shown_name(derived.names[p]),
            availability=view.report.availability,
            target=view.report.target,
            budget_left_seconds=view.report.budget_left_seconds,
        )
        for p, view in found.items()
    ]
    rows.sort(key=lambda r: (r.budget_left_seconds, r.name.casefold()))
    return HealthAvailability(tuple(rows), len(positions), len(positions) - len(found))
