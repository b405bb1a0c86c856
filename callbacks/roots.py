"""The root picker's choices: business services by default (without any, the CIs that matter most), any CI by name or
id as the user types."""

import numpy as np
from dash import html

from dashboard.cmdb.derived import Derived
from dashboard.domain.names import cut, shown_name, visible
from dashboard.domain.neighbourhood import Scope
from dashboard.domain.prominence import most_troubled, opening_ci, weight
from dashboard.domain.search import id_query
from dashboard.domain.untrusted import whole_number
from dashboard.domain.vocabulary import BUSINESS_SERVICE, HEALTH_STYLES, Health, class_label

MAX_SERVICES = 300
MAX_MATCHES = 30


def default_root(derived: Derived) -> int | None:
    """The CI id a map opens on when the URL names none: the business service in the worst state; without business
    services, the CI that matters most (see `opening_ci`)."""
    index = derived.snapshot.index
    services = np.flatnonzero(index.class_mask(BUSINESS_SERVICE))
    if not len(services):
        status = derived.health.shown(np.arange(index.node_count))
        opening = opening_ci(index, status, derived.incidents.by_priority)
        return int(index.ci_ids[opening]) if opening is not None else None
    status = derived.health.shown(services).astype(np.int64)
    incidents = derived.incidents.open_count[services]
    worst = services[np.lexsort((services, -incidents, -status))[0]]
    return int(index.ci_ids[worst])


def opening_scope(derived: Derived) -> str:
    """Which ways a map opened on the default root walks: down from a business service; both ways from a CI chosen for
    its dependents and incidents (what depends on it is why it matters)."""
    has_services = derived.snapshot.index.class_mask(BUSINESS_SERVICE).any()
    return Scope.DOWNSTREAM if has_services else Scope.BOTH


def root_options(derived: Derived, typed: str, value: object) -> list[dict]:
    """Dropdown options: matches for what was typed (or every business service), and the current choice."""
    index = derived.snapshot.index
    if typed.strip():
        positions = list(derived.search.prefix(typed, MAX_MATCHES))
        named = id_query(typed)
        exact = index.position(named) if named is not None else None
        if exact is not None and exact not in positions:
            positions.insert(0, exact)
    else:
        positions = _listed(derived)
    named_id = whole_number(value) if isinstance(value, str) else None
    current = index.position(named_id) if named_id is not None else None
    if current is not None and current not in positions:
        # After typing, the matches come first (the first one sits right under the search box); the current choice
        # stays listed, or the dropdown would clear it.
        positions.insert(len(positions) if typed.strip() else 0, current)
    return ci_options(derived, positions)


def ci_options(derived: Derived, positions: list[int]) -> list[dict]:
    """Dropdown options for some CIs (positions), each with its status, as the root picker shows them."""
    statuses = derived.health.shown(np.array(positions, dtype=np.int64)).tolist() if positions else []
    return [_option(derived, int(p), Health(status)) for p, status in zip(positions, statuses, strict=True)]


def _listed(derived: Derived) -> list[int]:
    """Every business service by name; without any, the most troubled CIs (the same order as the wall's)."""
    index = derived.snapshot.index
    services = np.flatnonzero(index.class_mask(BUSINESS_SERVICE))
    if not len(services):
        status = derived.health.shown(np.arange(index.node_count))
        return most_troubled(status, derived.incidents.by_priority, weight(index), MAX_SERVICES).tolist()
    names = derived.snapshot.ci["name"].to_numpy(dtype=object)[services].astype(str)
    return list(services[np.argsort(np.char.lower(names), kind="stable")][:MAX_SERVICES])


def _option(derived: Derived, position: int, status: Health) -> dict:
    """'Payments API · Application · Degraded' after the status icon in its colour; found by name, id or '#id'."""
    index = derived.snapshot.index
    class_name = index.class_names[index.class_codes[position]]
    label = class_label(class_name)
    raw = derived.snapshot.ci["name"].iat[position]
    name = shown_name(raw)
    ci_id = int(index.ci_ids[position])
    shown = f"{name} #{ci_id}" if derived.shared_name[position] else name
    style = HEALTH_STYLES[status]
    text = f"{shown} · {label} · {style.label}"
    option = html.Span(
        [html.Span(style.icon, className=f"opt-status s-{status.name.lower()}", **{"aria-hidden": "true"}), text],
        className="option",
        title=text,
    )
    return {"label": option, "value": str(ci_id), "search": f"{cut(visible(raw), 1000)} #{ci_id}"}
