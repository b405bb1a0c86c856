"""A business service's availability against its SLA target, from the current snapshot (docs/availability.md).

The arrays the domain needs (health events and incidents as node positions, codes and times) are made once per
snapshot, and a service's figures once per snapshot.
"""

import json
import time
from dataclasses import dataclass

import numpy as np

from dashboard.cmdb.derived import Derived, id_array
from dashboard.cmdb.distinct import status_codes_of
from dashboard.domain.availability import (
    AvailabilityReport,
    CountedIncidents,
    counted_incidents,
    health_outages_of,
    incident_outages,
    parse_target,
    report,
)
from dashboard.domain.periods import DAY
from dashboard.domain.since import Timeline
from dashboard.domain.vocabulary import BUSINESS_SERVICE

DAYS = 30  # the range the details panel and the wall show
TARGET_ATTRIBUTES = ("sla_target", "sla_pct")  # the first a CI has is its target (the sample writes sla_pct)
ATTRIBUTES_WAIT_SECONDS = 3.0
WALL_SECONDS = 0.5  # new availabilities worked out per wall refresh, at most (then kept for the snapshot)


@dataclass(frozen=True, slots=True)
class AvailabilityInputs:
    """Health events and incidents as the domain takes them: node positions (-1: no CI), codes, times in ns."""

    event_nodes: np.ndarray
    event_codes: np.ndarray
    event_times: np.ndarray
    incident_nodes: np.ndarray
    priorities: np.ndarray
    states: np.ndarray
    opened: np.ndarray
    resolved: np.ndarray


@dataclass(frozen=True, slots=True)
class AvailabilityView:
    """What the details panel and a wall tile show: the report over the last `days` days, and what it rests on."""

    days: int
    report: AvailabilityReport
    health_note: str  # how far back health history goes (before that, incidents only); empty when it covers all


def inputs(derived: Derived) -> AvailabilityInputs:
    """The snapshot's events and incidents as arrays, made once per snapshot."""

    def build() -> AvailabilityInputs:
        tables, index = derived.snapshot.tables, derived.snapshot.index
        health, incident = tables["health"], tables["incident"]
        return AvailabilityInputs(
            event_nodes=index.locate(health["ci_id"].pipe(id_array)),
            event_codes=status_codes_of(health["status"]),
            event_times=health["observed_at"].to_numpy(dtype="datetime64[ns]").astype(np.int64),
            incident_nodes=index.locate(incident["ci_id"].pipe(id_array)),
            priorities=incident["priority"].to_numpy(dtype=np.float64, na_value=np.nan),
            states=incident["state"].to_numpy(dtype=object),
            opened=incident["opened_at"].to_numpy(dtype="datetime64[ns]"),
            resolved=incident["resolved_at"].to_numpy(dtype="datetime64[ns]"),
        )

    return derived.kept("availability_inputs", build)


def is_service(derived: Derived, position: int) -> bool:
    """Whether the CI at a position is a business service (availability is shown for those)."""
    index = derived.snapshot.index
    return index.class_names[int(index.class_codes[position])] == BUSINESS_SERVICE


def service_availability(
    derived: Derived, position: int, *, default_target: float, count_p2: bool = False, days: int = DAYS
) -> AvailabilityView:
    """The availability of the service at a position over the `days` days before the snapshot was loaded (kept per
    snapshot: a few hundred bytes a service)."""
    key = _key(position, default_target, count_p2, days)
    return derived.kept(key, lambda: _build(derived, position, default_target, count_p2, days))


def ready_or_within(
    derived: Derived, positions: list[int], *, default_target: float, count_p2: bool, seconds: float = WALL_SECONDS
) -> dict[int, AvailabilityView]:
    """The availability of the services at `positions` already worked out, and of as many more as `seconds` allow:
    a wall's refresh is never held up by more (the rest come with the next refreshes)."""
    found: dict[int, AvailabilityView] = {}
    deadline = time.perf_counter() + seconds
    for position in positions:
        known = _key(position, default_target, count_p2, DAYS) in derived.values
        if known or time.perf_counter() < deadline:
            found[position] = service_availability(derived, position, default_target=default_target, count_p2=count_p2)
    return found


def _key(position: int, default_target: float, count_p2: bool, days: int) -> str:
    return f"availability.{position}.{default_target}.{int(count_p2)}.{days}"


def _build(derived: Derived, position: int, default_target: float, count_p2: bool, days: int) -> AvailabilityView:
    index = derived.snapshot.index
    now = int(np.datetime64(derived.snapshot.loaded_at.replace(tzinfo=None), "ns").astype(np.int64))
    start = now - days * DAY
    health, health_from = health_outages_of(index, position, _events(derived), now)
    incidents, counted = incident_outages(index, position, _counted(derived, now, count_p2))
    named, target = _attribute_target(derived, position)
    figures = report(
        [health, incidents],
        start,
        now,
        target if target is not None else default_target,
        named if target is not None else "setting",
        health_from=health_from,
        incidents_counted=counted,
    )
    return AvailabilityView(days, figures, _health_note(health_from, start))


def _events(derived: Derived) -> Timeline:
    """The snapshot's health events in time order, shared with the wall's "since" (made once per snapshot): each
    service reads only the events below it, not the five million of the snapshot."""
    from dashboard.wall import events_in_time_order  # the wall reads this module's inputs: imported when called

    return events_in_time_order(derived)


def _counted(derived: Derived, now: int, count_p2: bool) -> CountedIncidents:
    """The incidents that count as outages wherever they are, once per snapshot: their million states are read once,
    not once a service (about a second each at 1M incidents on a busy machine)."""
    found = inputs(derived)
    return derived.kept(
        f"availability_incidents.{now}.{int(count_p2)}",
        lambda: counted_incidents(
            found.incident_nodes, found.priorities, found.states, found.opened, found.resolved, now, count_p2=count_p2
        ),
    )


def _attribute_target(derived: Derived, position: int) -> tuple[str, float | None]:
    """The CI's target attribute (`sla_target`, else `sla_pct`) and its value, when it reads as a percentage."""
    values = derived.snapshot.attributes(timeout=ATTRIBUTES_WAIT_SECONDS)
    raw = values.iat[position] if values is not None else None
    if not isinstance(raw, str) or "sla_" not in raw:
        return "", None
    try:
        parsed = json.loads(raw)
    except ValueError:
        return "", None
    if not isinstance(parsed, dict):
        return "", None
    for name in TARGET_ATTRIBUTES:
        if (target := parse_target(parsed.get(name))) is not None:
            return name, target
    return "", None


def _health_note(health_from: int | None, start: int) -> str:
    """Says where the figures rest on incidents alone: no health history, or history shorter than the range."""
    if health_from is None:
        return "No health events below this service: outages from incidents only."
    if health_from > start:
        since = str(np.datetime64(health_from, "ns").astype("datetime64[m]")).replace("T", " ")
        return f"Health history from {since} UTC; before that, outages from incidents only."
    return ""
