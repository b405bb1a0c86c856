"""The what-if view model: the chosen CIs, racks, clusters, switches and sites failed, and the business services that
would change status, weighted by criticality and by the users who consume them, beside today's status.

Plain data for the layout (layouts/whatif.py) and the CSV export; the propagation is domain/whatif.py's.
"""

import json
import math
from dataclasses import dataclass

import numpy as np

from dashboard.cmdb.derived import Derived
from dashboard.domain.untrusted import whole_number
from dashboard.domain.vocabulary import BUSINESS_SERVICE, RELATIONSHIP_TYPE_BY_NAME, Health, class_label
from dashboard.domain.whatif import WhatIfBasis, contents, what_if, what_if_basis
from dashboard.domain.whatif_query import WhatIfQuery
from dashboard.health_data import health_data

USER_GROUP = "user_group"
USED_BY = RELATIONSHIP_TYPE_BY_NAME["used by"].code
# A service's weight is its criticality's factor times its users (1 when none are known): a critical service used
# by 2,000 people outweighs a low one used by 5,000.
CRITICALITY_FACTORS = {"critical": 8, "high": 4, "medium": 2, "low": 1}
ATTRIBUTES_WAIT_SECONDS = 3.0  # the attributes are read just after a snapshot is published (~0.5 s at 1M CIs)
USERS_KEY = "whatif_users"
BASIS_KEY = "whatif_basis"


@dataclass(frozen=True, slots=True)
class Chosen:
    """One thing chosen to fail: a CI (`ci`), a CI with everything in or behind it (`in`), or a site (`site`)."""

    kind: str
    key: str  # the CI id or the site, as the URL has it
    label: str  # the CI's name and class, or the site; raw CMDB text, rendered as text only
    failed: int  # CIs it fails (0: not a CI, or no CI at that site)


@dataclass(frozen=True, slots=True)
class ServiceImpact:
    """A business service whose status the failure changes."""

    ci_id: int
    name: str
    criticality: str
    users: int | None  # members of the user groups that use it; None when the attributes could not be read
    today: Health
    what_if: Health
    weight: int


@dataclass(frozen=True, slots=True)
class WhatIfView:
    """The what-if answer: what was chosen, how many CIs that fails, and the services hit, heaviest first."""

    chosen: tuple[Chosen, ...]
    failed: int
    services: tuple[ServiceImpact, ...]
    today_counts: dict[Health, int]  # every business service by status, today and if the failure happened
    what_if_counts: dict[Health, int]
    users_hit: int
    users_known: bool
    cut: bool  # the URL listed more than the page takes


def whatif_view(derived: Derived, query: WhatIfQuery) -> WhatIfView:
    """The view for some choices (an empty query: today's state, nothing failed)."""
    index = derived.snapshot.index
    chosen, failed = _failed(derived, query)
    health = derived.health
    rolled = what_if(index, health.own, health.rolled, failed, whatif_basis(derived))
    services = np.flatnonzero(index.class_mask(BUSINESS_SERVICE))
    today, then = health.shown(services), _shown(rolled[services])
    changed = services[then != today]
    users = service_users(derived)
    rows = _rows(derived, changed, today[then != today], then[then != today], users)
    return WhatIfView(
        chosen=chosen,
        failed=len(failed),
        services=rows,
        today_counts=_counts(today),
        what_if_counts=_counts(then),
        users_hit=sum(r.users or 0 for r in rows),
        users_known=users is not None,
        cut=query.cut,
    )


def whatif_basis(derived: Derived) -> WhatIfBasis:
    """The snapshot's what-if basis (its dependency walks and cycles), built once and kept."""
    return derived.kept(BASIS_KEY, lambda: what_if_basis(derived.snapshot.index))


def warm_whatif(derived: Derived) -> None:
    """Build what a what-if needs per snapshot in the warm-up, so that the first one does not wait for it."""
    whatif_basis(derived)
    service_users(derived)


def _failed(derived: Derived, query: WhatIfQuery) -> tuple[tuple[Chosen, ...], np.ndarray]:
    """Each choice with the CIs it fails, and every failed CI's position (sorted, distinct)."""
    index = derived.snapshot.index
    chosen, parts = [], []
    for kind, ids in (("ci", query.cis), ("in", query.within)):
        for ci_id in ids:
            position = index.position(ci_id)
            if position is None:
                chosen.append(Chosen(kind, str(ci_id), f"CI {ci_id}: not in the CMDB", 0))
                continue
            failed = np.array([position]) if kind == "ci" else contents(index, np.array([position]))
            chosen.append(Chosen(kind, str(ci_id), ci_label(derived, position), len(failed)))
            parts.append(failed)
    columns = health_data(derived).columns if query.sites else None
    for site in query.sites if columns is not None else ():
        code = columns.location_names.index(site) if site in columns.location_names else -1
        at_site = np.flatnonzero(columns.location == code) if code >= 0 else np.empty(0, dtype=np.int64)
        failed = contents(index, at_site) if len(at_site) else at_site
        chosen.append(Chosen("site", site, site, len(failed)))
        parts.append(failed)
    merged = np.unique(np.concatenate(parts)).astype(np.int64) if parts else np.empty(0, dtype=np.int64)
    return tuple(chosen), merged


def ci_label(derived: Derived, position: int) -> str:
    """'Payments DB · Database': the CI's name (raw) and class."""
    index = derived.snapshot.index
    name = derived.names[position]
    return f"{'' if name is None else name} · {class_label(index.class_names[index.class_codes[position]])}"


def sites(derived: Derived) -> tuple[str, ...]:
    """Every location the CMDB's CIs name, sorted."""
    return health_data(derived).columns.location_names


def _rows(
    derived: Derived, changed: np.ndarray, today: np.ndarray, then: np.ndarray, users: np.ndarray | None
) -> tuple[ServiceImpact, ...]:
    ci = derived.snapshot.ci
    # Only the changed services' cells: converting a million-row text column costs more than the what-if itself.
    criticality = ci["criticality"].iloc[changed].to_numpy(dtype=object) if "criticality" in ci.columns else []
    rows = []
    for i, position in enumerate(changed.tolist()):
        level = _text(criticality[i]) if len(criticality) else ""
        count = int(users[position]) if users is not None else None
        rows.append(
            ServiceImpact(
                ci_id=int(derived.snapshot.index.ci_ids[position]),
                name=_text(derived.names[position]),
                criticality=level,
                users=count,
                today=Health(int(today[i])),
                what_if=Health(int(then[i])),
                weight=CRITICALITY_FACTORS.get(level.strip().lower(), 1) * max(count or 0, 1),
            )
        )
    return tuple(sorted(rows, key=lambda r: (-r.what_if, -r.weight, r.name.casefold(), r.ci_id)))


def service_users(derived: Derived) -> np.ndarray | None:
    """Per CI position, the members of the user groups that use it (`used by`); None while the CI attributes are
    still being read, or when reading them failed."""
    if USERS_KEY in derived.values:
        return derived.values[USERS_KEY]  # type: ignore[return-value]
    attributes = derived.snapshot.attributes(timeout=ATTRIBUTES_WAIT_SECONDS)
    if attributes is None:
        return None
    return derived.kept(USERS_KEY, lambda: _users(derived, attributes.to_numpy(dtype=object)))


def _users(derived: Derived, attributes: np.ndarray) -> np.ndarray:
    index = derived.snapshot.index
    groups = np.flatnonzero(index.class_mask(USER_GROUP))
    members = np.zeros(index.node_count, dtype=np.int64)
    members[groups] = [_members(attributes[g]) for g in groups.tolist()]
    used = np.flatnonzero(index.edge_type == USED_BY)
    # "service used by group": the group depends on the service, so the edge runs group → service.
    counts = np.bincount(index.edge_target[used], weights=members[index.edge_source[used]], minlength=index.node_count)
    return np.rint(counts).astype(np.int64)


def _members(raw: object) -> int:
    """A user group's `members` attribute as a whole number ≥ 0; 0 when missing or not a number."""
    if not isinstance(raw, str) or "members" not in raw:
        return 0
    try:
        value = json.loads(raw).get("members")
    except (ValueError, AttributeError):
        return 0
    if isinstance(value, float) and math.isfinite(value) and value >= 0:
        return int(value)
    number = whole_number(value.strip() if isinstance(value, str) else value)
    return number if number is not None else 0


def _shown(rolled: np.ndarray) -> np.ndarray:
    return np.where(rolled < 0, int(Health.UNKNOWN), rolled).astype(np.int8)


def _counts(statuses: np.ndarray) -> dict[Health, int]:
    counts = np.bincount(statuses.astype(np.int64), minlength=len(Health))
    return {h: int(counts[h]) for h in Health}


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)
