"""The CMDB health score's checks, judged on a snapshot's CI table and graph (the scoring is domain/cmdb_health.py).

Completeness: the fields a CI of its class should carry are filled. Correctness: the CI is not a duplicate, not an
orphan and not stale (ServiceNow's three correctness rules). Compliance: its values are the vocabulary's, and a
business service depends on something. docs/cmdb_health.md says each check and why.
"""

import threading

import numpy as np
import pandas as pd

from dashboard.cmdb.distinct import per_distinct
from dashboard.cmdb.quality import STALE_AFTER_DAYS
from dashboard.cmdb.snapshot import Snapshot
from dashboard.domain.cmdb_health import Check, HealthScore, Verdicts, score
from dashboard.domain.graph import GraphIndex
from dashboard.domain.vocabulary import CI_CLASS_BY_NAME, CI_STATUSES, CRITICALITIES, ENVIRONMENTS

# Classes that stand somewhere: a location is expected of them (services and people groups have none).
PLACED = frozenset(
    ("database", "load_balancer", "virtual_machine", "server", "cluster", "storage", "switch", "router", "firewall")
)
NO_CLASS = "(no class)"

CHECKS = (
    Check("complete.name", "completeness", "has a name"),
    Check("complete.status", "completeness", "has a lifecycle status"),
    Check("complete.owner", "completeness", "has an owner"),
    Check("complete.criticality", "completeness", "has a criticality (not asked of user groups)"),
    Check("complete.environment", "completeness", "has an environment (not asked of user groups)"),
    Check("complete.location", "completeness", "has a location (asked of hosts, devices and databases)"),
    Check("correct.unique_name", "correctness", "no other CI carries its name (up to case and spaces)"),
    Check("correct.related", "correctness", "has at least one relationship (not an orphan)"),
    Check("correct.fresh", "correctness", f"updated within {STALE_AFTER_DAYS} days of the newest CI update"),
    Check("comply.class", "compliance", "its class is one of servicemap's classes"),
    Check("comply.status", "compliance", "its status, where set, is in the vocabulary"),
    Check("comply.criticality", "compliance", "its criticality, where set, is in the vocabulary"),
    Check("comply.environment", "compliance", "its environment, where set, is in the vocabulary"),
    Check("comply.service_depends", "compliance", "a business service depends on at least one CI"),
)


def judge(ci: pd.DataFrame, index: GraphIndex) -> dict[str, Verdicts]:
    """Every check's verdict on every CI (rows of ci are graph nodes)."""
    n = len(ci)
    every = np.ones(n, dtype=bool)
    cls = _column(ci, "class").astype("object").fillna("").astype("str").to_numpy()
    people = cls == "user_group"
    placed = np.isin(cls, list(PLACED))
    filled = {name: _filled(_column(ci, name)) for name in ("name", "status", "owner", "criticality", "environment")}
    filled["location"] = _filled(_column(ci, "location"))
    out_degree, in_degree = index.down.degree(), index.up.degree()
    return {
        "complete.name": Verdicts(every, filled["name"]),
        "complete.status": Verdicts(every, filled["status"]),
        "complete.owner": Verdicts(every, filled["owner"]),
        "complete.criticality": Verdicts(~people, filled["criticality"]),
        "complete.environment": Verdicts(~people, filled["environment"]),
        "complete.location": Verdicts(placed, filled["location"]),
        "correct.unique_name": Verdicts(filled["name"], ~_duplicate_names(_column(ci, "name"))),
        "correct.related": Verdicts(every, (out_degree + in_degree) > 0),
        "correct.fresh": _fresh(_column(ci, "updated_at")),
        "comply.class": Verdicts(every, np.isin(cls, list(CI_CLASS_BY_NAME))),
        "comply.status": Verdicts(filled["status"], _within(_column(ci, "status"), CI_STATUSES)),
        "comply.criticality": Verdicts(filled["criticality"], _within(_column(ci, "criticality"), CRITICALITIES)),
        "comply.environment": Verdicts(filled["environment"], _within(_column(ci, "environment"), ENVIRONMENTS)),
        "comply.service_depends": Verdicts(cls == "business_service", out_degree > 0),
    }


def cmdb_health(snapshot: Snapshot) -> HealthScore:
    """The snapshot's score, worked out once per snapshot (on first use) and then kept."""
    with _LOCK:
        kept = _KEPT.get(snapshot.version)
    if kept is not None and kept[0] is snapshot:
        return kept[1]
    ci = snapshot.ci
    classes = _column(ci, "class").astype("object").fillna(NO_CLASS).astype("str")
    codes, names = pd.factorize(classes, sort=True)
    result = score(codes, [str(n) for n in names], CHECKS, judge(ci, snapshot.index))
    with _LOCK:
        _KEPT.clear()  # the newest snapshot's only: an older one is not asked again
        _KEPT[snapshot.version] = (snapshot, result)
    return result


_LOCK = threading.Lock()
_KEPT: dict[int, tuple[Snapshot, HealthScore]] = {}


def _column(ci: pd.DataFrame, name: str) -> pd.Series:
    """A CI column, or an empty one where the CMDB has none (optional columns read as empty)."""
    return ci[name] if name in ci.columns else pd.Series([None] * len(ci), index=ci.index, dtype="object")


def _filled(values: pd.Series) -> np.ndarray:
    """True where a value is set and is not blank."""
    if pd.api.types.is_datetime64_any_dtype(values) or pd.api.types.is_numeric_dtype(values):
        return values.notna().to_numpy()
    blank = per_distinct(values, lambda v: v.isna() | v.astype("str").str.strip().eq(""))
    return ~blank.to_numpy(dtype=bool)


def _within(values: pd.Series, vocabulary: tuple[str, ...]) -> np.ndarray:
    return per_distinct(values, lambda v: v.isin(vocabulary)).to_numpy(dtype=bool)


def _duplicate_names(names: pd.Series) -> np.ndarray:
    key = per_distinct(names, lambda v: v.astype("str").str.strip().str.casefold())
    return (key.duplicated(keep=False) & names.notna()).to_numpy(dtype=bool)


def _fresh(updated: pd.Series) -> Verdicts:
    """Fresh against the newest update; a CI without a readable updated_at cannot be shown fresh: it fails."""
    every = np.ones(len(updated), dtype=bool)
    if not pd.api.types.is_datetime64_any_dtype(updated) or updated.notna().sum() == 0:
        return Verdicts(every, np.zeros(len(updated), dtype=bool))
    limit = updated.max() - pd.Timedelta(days=STALE_AFTER_DAYS)
    return Verdicts(every, (updated >= limit).to_numpy(dtype=bool))
