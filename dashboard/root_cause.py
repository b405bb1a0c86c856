"""Probable root cause: the CIs that best explain what is failing at a time (now, or the `asof=` of the views), each
with the parts of its score and the dependency paths that explain it. Plain values only, read by the details panel
("Why is X down?"), the map (highlighted candidates), the wall (its likely fault) and the API (`at=`).

INTERFACE FIRST (2026-12-01): the view model below is what every reader builds on; `why_down` and `probable_causes`
follow the worst deciding dependency (domain/health.py `likely_fault`) until domain/root_cause.py's ranking replaces
them.
"""

from dataclasses import dataclass

import numpy as np

from dashboard.cmdb.derived import Derived
from dashboard.details import text
from dashboard.domain.health import likely_fault
from dashboard.domain.names import shown_name
from dashboard.domain.vocabulary import BUSINESS_SERVICE, Health, class_label

TOP = 5  # candidates shown at most


@dataclass(frozen=True, slots=True)
class ScorePart:
    """One reason a candidate ranks where it does, and how much of its score it gives (0 … 1 each)."""

    name: str  # "shared", "own_health", "anomaly", "change", "onset"
    value: float
    text: str  # a sentence for a person: "Beneath 3 of the 4 failing services."


@dataclass(frozen=True, slots=True)
class Candidate:
    """A CI that may explain the failure, with its score, the score's parts and the paths that explain it."""

    ci_id: int
    name: str  # shown_name: inert text
    class_label: str
    status: Health  # its own rolled-up status at the time
    score: float  # the sum of the parts' values, 0 … len(parts)
    parts: tuple[ScorePart, ...]
    paths: tuple[tuple[int, ...], ...]  # CI ids, from a failing CI down to this candidate (at most 3 paths)


@dataclass(frozen=True, slots=True)
class RootCauseView:
    """The ranking for one failing CI (`target_id`), or for everything failing (`target_id` None)."""

    target_id: int | None
    target_name: str
    target_status: Health
    at: str  # ISO time the ranking is for (the snapshot's load time, or asof=)
    failing: tuple[int, ...]  # ids of the failing CIs the ranking explains (services first)
    candidates: tuple[Candidate, ...]  # best first, at most TOP
    method: str  # one sentence: what the score weighs (docs/root-cause.md says more)


METHOD = "The worst deciding dependency, followed down to the CI whose own monitoring decides."


def why_down(derived: Derived, position: int, top: int = TOP) -> RootCauseView | None:
    """The probable causes of one CI's status (None when it is neither degraded nor down)."""
    state = derived.health
    if state.rolled[position] < Health.DEGRADED:
        return None
    index = derived.snapshot.index
    fault = likely_fault(index, state, position)
    candidates = () if fault is None else (_candidate(derived, fault, (position, fault)),)
    return RootCauseView(
        target_id=int(index.ci_ids[position]),
        target_name=shown_name(derived.names[position]),
        target_status=Health(int(state.rolled[position])),
        at=_at(derived),
        failing=(int(index.ci_ids[position]),),
        candidates=candidates[:top],
        method=METHOD,
    )


def probable_causes(derived: Derived, top: int = TOP) -> RootCauseView:
    """The probable causes of everything failing: every degraded or down business service explained together."""
    state = derived.health
    index = derived.snapshot.index
    services = np.flatnonzero(_business_services(derived) & (state.rolled >= Health.DEGRADED))
    faults: dict[int, list[int]] = {}
    for service in services:
        fault = likely_fault(index, state, int(service))
        if fault is not None:
            faults.setdefault(fault, []).append(int(service))
    ranked = sorted(faults, key=lambda f: (-len(faults[f]), f))
    return RootCauseView(
        target_id=None,
        target_name="",
        target_status=Health(int(state.rolled[services].max())) if len(services) else Health.OK,
        at=_at(derived),
        failing=tuple(int(index.ci_ids[s]) for s in services),
        candidates=tuple(_candidate(derived, f, (faults[f][0], f)) for f in ranked[:top]),
        method=METHOD,
    )


def _candidate(derived: Derived, position: int, ends: tuple[int, int]) -> Candidate:
    index = derived.snapshot.index
    ids = tuple(int(index.ci_ids[p]) for p in dict.fromkeys(ends))
    return Candidate(
        ci_id=int(index.ci_ids[position]),
        name=shown_name(derived.names[position]),
        class_label=class_label(text(derived.snapshot.ci["class"].iat[position])),
        status=Health(int(derived.health.rolled[position])),
        score=1.0,
        parts=(ScorePart("own_health", 1.0, "Its own monitoring decides the status above it."),),
        paths=(ids,),
    )


def _business_services(derived: Derived) -> np.ndarray:
    return derived.snapshot.index.class_mask(BUSINESS_SERVICE)


def _at(derived: Derived) -> str:
    return derived.as_of or derived.snapshot.loaded_at.isoformat(timespec="seconds")
