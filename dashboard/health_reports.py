"""The /health page's report sections for one URL: changes followed by incidents, incidents that name no CI and asset
lifecycle risk, over the page's scope mask and range (docs/health_changes_lifecycle.md).

Computed once per (snapshot, URL) among the recently asked ones; the lifecycle basis once per snapshot, as soon as
the CI attributes have been read (until then the lifecycle section says so, and nothing is kept).
"""

from dataclasses import dataclass

import numpy as np

from dashboard.change_failures import ChangeBasis, ChangeFailuresView, change_basis, change_failures_view, changed_by
from dashboard.cmdb.derived import Derived
from dashboard.domain.health_scope import HealthQuery, filter_of, parse_health, scope_mask
from dashboard.domain.lifecycle import BUCKET_LABELS, LABELS, Bucket, DateKind, lifecycle_risk
from dashboard.health_data import HealthData, health_data
from dashboard.incidents_without_ci import (
    IncidentsWithoutCIView,
    UnplacedBasis,
    incidents_without_ci_view,
    unplaced_basis,
)
from dashboard.lifecycle import LifecycleBasis, LifecycleView, lifecycle_basis, lifecycle_view

BASIS_KEY = "lifecycle_basis"
CHANGES_KEY = "change_basis"
UNPLACED_KEY = "unplaced_basis"


@dataclass(frozen=True, slots=True)
class HealthReports:
    """The three sections' view models for one URL."""

    changes: ChangeFailuresView
    without_ci: IncidentsWithoutCIView
    lifecycle: LifecycleView


def health_reports(derived: Derived, data: HealthData, query: HealthQuery) -> HealthReports:
    """The sections for a URL: kept among the recent views once the lifecycle basis exists, else built afresh."""
    basis = kept_basis(derived)
    if basis is None:
        return _build(derived, data, query, None)
    return derived.recent(("health_reports", query), lambda: _build(derived, data, query, basis))


def kept_basis(derived: Derived) -> LifecycleBasis | None:
    """The snapshot's lifecycle basis, kept once its attributes are read (None, and not kept, until then)."""
    snapshot = derived.snapshot
    if BASIS_KEY not in derived.values and snapshot.attributes(timeout=0) is None:
        return None
    return derived.kept(BASIS_KEY, lambda: lifecycle_basis(snapshot))


def changes_of(derived: Derived) -> ChangeBasis:
    """The snapshot's change-failure basis (every change's pairs), kept once per snapshot."""
    return derived.kept(CHANGES_KEY, lambda: change_basis(derived.snapshot))


def changes_if_built(derived: Derived) -> ChangeBasis | None:
    """The change-failure basis when this snapshot has it already (a server's warm-up), else None: a one-off reader
    such as `report` then walks only its own window's changes (a quarter of the snapshot's in the sample), not all."""
    found = derived.built(CHANGES_KEY)
    return found if isinstance(found, ChangeBasis) else None


def unplaced_of(derived: Derived) -> UnplacedBasis:
    """The incidents decoded for the section of those that name no CI, kept once per snapshot."""
    return derived.kept(UNPLACED_KEY, lambda: unplaced_basis(derived.snapshot))


def warm_health_reports(derived: Derived) -> None:
    """In the views' warm-up: the change-failure and unplaced-incident bases, then /health's default sections."""
    changes_of(derived)
    unplaced_of(derived)
    health_reports(derived, health_data(derived), parse_health(""))


def _build(derived: Derived, data: HealthData, query: HealthQuery, basis: LifecycleBasis | None) -> HealthReports:
    snapshot, index = derived.snapshot, derived.snapshot.index
    mask = scope_mask(index, data.columns, filter_of(index, query))
    end = data.now
    start = end - np.timedelta64(query.days, "D")
    return HealthReports(
        changes=change_failures_view(snapshot, mask, start, end, basis=changes_of(derived)),
        without_ci=incidents_without_ci_view(snapshot, mask, start, end, basis=unplaced_of(derived)),
        lifecycle=lifecycle_view(snapshot, mask, end, basis=basis),  # without a basis: it says why
    )


def lifecycle_marked(
    derived: Derived, mask: np.ndarray, now: np.datetime64, kind: str, bucket: int | None
) -> tuple[np.ndarray, str]:
    """The CIs in scope behind a bar of the lifecycle chart (`life|<date kind>|<bucket>`), and a heading for them."""
    basis = kept_basis(derived)
    if basis is None or bucket is None or kind not in {k.value for k in DateKind} or bucket not in set(Bucket):
        return np.empty(0, dtype=np.int64), "CIs by lifecycle date"
    dates = basis.dates
    risk = lifecycle_risk(dates.expiry, dates.installed, dates.hardware, np.datetime64(now, "s"))
    nodes = np.flatnonzero(mask & (risk.buckets[DateKind(kind)] == bucket))
    return nodes, f"{LABELS[DateKind(kind)]}: CIs {BUCKET_LABELS[Bucket(bucket)].lower()}"


REPORT_KINDS = ("chgtype", "chgteam", "nocigroup", "nocicat")


def report_marked(
    derived: Derived, data: HealthData, query: HealthQuery, kind: str, label: str
) -> tuple[np.ndarray, str, int]:
    """The CIs behind a bar of the change-failure charts (the CIs its failed changes changed), or, for a bar of the
    no-CI charts, none and the count of its incidents (they name no CI); a heading for them."""
    reports = health_reports(derived, data, query)
    if kind in ("chgtype", "chgteam"):
        nodes = changed_by(derived.snapshot, reports.changes, "type" if kind == "chgtype" else "team", label)
        what = "change type" if kind == "chgtype" else "team"
        return nodes, f"CIs changed by failed changes of {what} {label or '(none)'}", 0
    counts = reports.without_ci.by_group if kind == "nocigroup" else reports.without_ci.by_category
    without = sum(c.without_ci for c in counts if c.label == label)
    what = "assignment group" if kind == "nocigroup" else "category"
    return np.empty(0, dtype=np.int64), f"Incidents of {what} {label or '(none)'} that name no CI", without
