"""Asset lifecycle risk as plain rows for the /health page: counts per date kind and bucket, the CIs at risk with the
business services that stand on them (critical first), and the lifecycle dates that are not dates (a finding).

Dates come from the CI's free attributes (native names in data/README.md), decoded by dashboard/cmdb/lifecycle_dates.py;
the arithmetic is dashboard/domain/lifecycle.py.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard.cmdb.cells import cells
from dashboard.cmdb.distinct import per_distinct
from dashboard.cmdb.lifecycle_dates import LifecycleDates
from dashboard.cmdb.snapshot import Snapshot
from dashboard.domain.findings import Finding
from dashboard.domain.lifecycle import (
    BUCKET_LABELS,
    LABELS,
    MAX_AGE_YEARS,
    NEAR_DAYS,
    Bucket,
    LifecycleRisk,
    lifecycle_risk,
    risk_order,
    service_ranks,
    standing_services,
)
from dashboard.domain.names import shown_name
from dashboard.domain.vocabulary import BUSINESS_SERVICE, CRITICALITIES

LISTED = 200  # CIs at risk listed (the counts cover all); their services are walked for these only
ATTRIBUTES_WAIT_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class BucketCount:
    """CIs in scope per bucket for one date kind (they add up to the CIs in scope)."""

    kind: str  # its label
    counts: dict[str, int]  # bucket label → CIs
    name: str = ""  # the DateKind value (a click on a bar names it)


@dataclass(frozen=True, slots=True)
class RiskRow:
    """A CI past or near one of its lifecycle dates, and the services that stand on it."""

    ci_id: int | str
    name: str
    ci_class: str
    location: str
    dates: dict[str, str]  # date kind label → "Past 2025-03-31" / "Near 2026-01-10" / "" (fine or none)
    services: tuple[str, ...]  # "name (criticality)", most critical first
    worst: str  # the worst bucket's label


@dataclass(frozen=True, slots=True)
class LifecycleView:
    """What the "asset lifecycle risk" section shows."""

    in_scope: int
    at_risk: int
    counts: tuple[BucketCount, ...]
    rows: tuple[RiskRow, ...]  # the first LISTED CIs at risk, in the order to act on them
    findings: tuple[Finding, ...]  # lifecycle dates that are not dates
    note: str = ""  # why nothing is shown (attributes still being read, or their read failed)
    near_days: int = NEAR_DAYS
    max_age_years: int = MAX_AGE_YEARS


@dataclass(frozen=True, slots=True)
class LifecycleBasis:
    """What lifecycle risk needs of a snapshot, worked out once: its lifecycle dates, the criticality of every CI
    (0 = critical …) and that of the most critical business service standing on it (domain service_ranks)."""

    dates: LifecycleDates
    rank: np.ndarray
    service_rank: np.ndarray
    # The business services standing on each CI listed so far (by position), as the rows show them ("name
    # (criticality)", most critical first): a filter change lists mostly the same CIs.
    standing: dict[int, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)
    # The risk as of the last few moments asked (a filter change of /health asks the same one, the snapshot's now).
    risks: dict[tuple, LifecycleRisk] = field(default_factory=dict, compare=False, repr=False)


STANDING_KEPT = 20_000


def lifecycle_basis(snapshot: Snapshot) -> LifecycleBasis | None:
    """The snapshot's lifecycle basis; None while its CI attributes are being read, or when reading them failed."""
    attributes = snapshot.attributes(timeout=ATTRIBUTES_WAIT_SECONDS)
    if attributes is None:
        return None
    dates = snapshot.lifecycle_dates()  # decoded once per snapshot, with the findings
    if dates is None:
        return None
    index, rank = snapshot.index, _rank(snapshot)
    services = service_ranks(index, rank, index.class_mask(BUSINESS_SERVICE))
    return LifecycleBasis(dates, rank, services)


def lifecycle_view(
    snapshot: Snapshot,
    scope: np.ndarray,
    now: np.datetime64,
    near_days: int = NEAR_DAYS,
    max_age_years: int = MAX_AGE_YEARS,
    basis: LifecycleBasis | None = None,
) -> LifecycleView:
    """The lifecycle risk of the CIs in `scope` (a boolean mask by CI position) as of `now`.

    Pass the snapshot's `basis` (lifecycle_basis) when it is kept per snapshot: a filter change then neither decodes
    the attributes nor walks the graph again.
    """
    basis = basis or lifecycle_basis(snapshot)
    if basis is None:
        error = snapshot.attributes_error_id
        note = f"The CI attributes could not be read (error id {error})." if error else "Reading CI attributes…"
        return LifecycleView(int(scope.sum()), 0, (), (), (), note, near_days, max_age_years)
    risk = _risk(basis, np.datetime64(now, "s"), near_days, max_age_years)
    at_risk = risk.at_risk()
    at_risk = at_risk[scope[at_risk]]
    return LifecycleView(
        in_scope=int(scope.sum()),
        at_risk=len(at_risk),
        counts=tuple(_counts(risk, scope)),
        rows=tuple(_rows(snapshot, basis, risk, at_risk)),
        findings=basis.dates.findings,
        near_days=near_days,
        max_age_years=max_age_years,
    )


RISKS_KEPT = 4


def _risk(basis: LifecycleBasis, moment: np.datetime64, near_days: int, max_age_years: int) -> LifecycleRisk:
    """lifecycle_risk of the basis's dates as of a moment, kept in the basis for the last few moments."""
    key = (moment, near_days, max_age_years)
    found = basis.risks.get(key)
    if found is None:
        dates = basis.dates
        found = lifecycle_risk(dates.expiry, dates.installed, dates.hardware, moment, near_days, max_age_years)
        if len(basis.risks) >= RISKS_KEPT:
            basis.risks.clear()
        basis.risks[key] = found
    return found


def _counts(risk: LifecycleRisk, scope: np.ndarray) -> list[BucketCount]:
    out = []
    for kind, codes in risk.buckets.items():
        tally = np.bincount(codes[scope], minlength=len(Bucket))
        out.append(BucketCount(LABELS[kind], {BUCKET_LABELS[b]: int(tally[b]) for b in Bucket}, kind.value))
    return out


def _rank(snapshot: Snapshot) -> np.ndarray:
    """Criticality rank by CI position: 0 = critical … len(CRITICALITIES) = none."""
    ranks = {name: i for i, name in enumerate(CRITICALITIES)}

    def rank(distinct: pd.Series) -> pd.Series:
        return distinct.astype("str").str.strip().str.lower().map(ranks).fillna(len(CRITICALITIES))

    return per_distinct(snapshot.ci["criticality"], rank).to_numpy(dtype=np.int64)


def _rows(snapshot: Snapshot, basis: LifecycleBasis, risk: LifecycleRisk, at_risk: np.ndarray) -> list[RiskRow]:
    ordered = risk_order(risk, at_risk, basis.service_rank[at_risk])[:LISTED]
    listed = ordered.tolist()
    standing = _standing(snapshot, basis, listed)
    ci = snapshot.ci
    columns = {
        name: cells(ci[name], ordered) if name in ci.columns else [""] * len(listed)
        for name in ("name", "class", "location")
    }  # one take a column, not a lookup a cell
    return [_row(snapshot, risk, p, s, k, columns) for k, (p, s) in enumerate(zip(listed, standing, strict=True))]


def _standing(snapshot: Snapshot, basis: LifecycleBasis, listed: list[int]) -> list[tuple[str, ...]]:
    """standing_services of each listed CI as the rows show them, kept in the basis (at most STANDING_KEPT CIs, then
    forgotten all at once); the names of those not kept yet are taken in one go."""
    kept = basis.standing
    new = [p for p in dict.fromkeys(listed) if p not in kept]
    if len(kept) + len(new) > STANDING_KEPT:
        kept.clear()
        new = list(dict.fromkeys(listed))
    services = [standing_services(snapshot.index, p, basis.rank) for p in new]
    every = np.concatenate(services).astype(np.int64) if services else np.empty(0, dtype=np.int64)
    names, rank, at = cells(snapshot.ci["name"], every), basis.rank, 0
    for position, found in zip(new, services, strict=True):
        shown = names[at : at + len(found)]
        kept[position] = tuple(
            f"{shown_name(n)} ({_criticality(int(rank[s]))})" for n, s in zip(shown, found.tolist(), strict=True)
        )
        at += len(found)
    return [kept[p] for p in listed]


def _criticality(rank: int) -> str:
    return CRITICALITIES[rank] if rank < len(CRITICALITIES) else "no criticality"


def _row(
    snapshot: Snapshot,
    risk: LifecycleRisk,
    position: int,
    services: tuple[str, ...],
    k: int,
    columns: dict[str, list[object]],
) -> RiskRow:
    dates = {}
    for kind, codes in risk.buckets.items():
        code = Bucket(int(codes[position]))
        when = risk.dates[kind][position]
        due = code in (Bucket.PAST, Bucket.NEAR)
        dates[LABELS[kind]] = f"{BUCKET_LABELS[code]} {str(when)[:10]}" if due else ""
    worst = Bucket(min(int(codes[position]) for codes in risk.buckets.values()))
    return RiskRow(
        ci_id=snapshot.index.ci_ids[position].item(),
        name=shown_name(columns["name"][k]),
        ci_class=shown_name(columns["class"][k]),
        location=shown_name(columns["location"][k]),
        dates=dates,
        services=services,
        worst=BUCKET_LABELS[worst],
    )
