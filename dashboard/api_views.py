"""The JSON API's answers, from the same view models as the pages (no Flask here): plain JSON-ready data.

Every answer carries `snapshot` — which snapshot it was read from, when, and whether the CMDB stopped answering since
(`stale`), so a script cannot take old data for current any more than the wall can.
"""

import math
from datetime import datetime

import numpy as np
import pandas as pd

from dashboard.cmdb.derived import Derived
from dashboard.cmdb.store import StoreStatus
from dashboard.details import CIDetails, ci_details
from dashboard.domain.placement import server_places
from dashboard.domain.search import id_query
from dashboard.domain.viewstate import parse
from dashboard.domain.vocabulary import BUSINESS_SERVICE, Health, class_label
from dashboard.domain.whatif_query import WhatIfQuery
from dashboard.map_export import map_document
from dashboard.maps import ImpactedService, MapModel, build_map
from dashboard.wall import Tile, service_tile
from dashboard.whatif import WhatIfView, whatif_view

MAX_SEARCH = 20  # matches one search answers
MAX_EVENTS = 200  # a CI's newest health events in its answer


def snapshot_info(derived: Derived, status: StoreStatus) -> dict:
    """Which snapshot an answer comes from, and whether the CMDB has stopped answering since."""
    snapshot = derived.snapshot
    return {
        "version": snapshot.version,
        "loaded_at": _time(snapshot.loaded_at),
        "checked_at": _time(status.checked_at),
        "stale": status.stale,
        "stale_since": _time(status.failed_at) if status.stale else None,
    }


def services_answer(derived: Derived) -> list[dict]:
    """Every business service with its rolled-up status, open incidents by priority, trouble start and likely fault;
    worst first, then by name (kept per snapshot by the caller)."""
    index = derived.snapshot.index
    positions = np.flatnonzero(index.class_mask(BUSINESS_SERVICE))
    tiles = [t for t in (service_tile(derived, int(index.ci_ids[p])) for p in positions) if t is not None]
    tiles.sort(key=lambda t: (-int(t.status), t.name.lower(), t.ci_id or 0))
    return [_service(tile) for tile in tiles]


def _service(tile: Tile) -> dict:
    fault = tile.fault
    return {
        "ci_id": tile.ci_id,
        "name": tile.name,
        "criticality": tile.criticality or None,
        "status": _status(tile.status),
        "open_incidents": {f"p{p}": n for p, n in enumerate(tile.incidents, start=1)},
        "trouble_since": _time(tile.since),
        "trouble_since_known": tile.since_known if tile.since is not None else None,
        "likely_fault": None
        if fault is None
        else {"ci_id": fault.ci_id, "name": fault.name, "class": fault.class_label, "status": _status(fault.status)},
    }


def ci_answer(derived: Derived, position: int) -> dict:
    """A CI's details as the details panel shows them: record, status and why, incidents, changes, health events."""
    details = ci_details(derived, position)
    return {
        "ci_id": details.ci_id,
        "name": details.name,
        "class": details.class_label,
        "fields": dict(details.fields),
        "attributes": dict(details.attributes),
        "attributes_note": details.attributes_note or None,
        "status": _status(details.status),
        "status_rule": details.rule,
        "status_reason": details.reason,
        "status_decided_by": [{"ci_id": ci_id, "name": name} for ci_id, name in details.culprits],
        "incidents": [_record(row) for row in details.incidents],
        "changes": [_record(row) for row in details.changes],
        "health_events": _events(details),
        "dangling_relationships": list(details.dangling),
    }


def _events(details: CIDetails) -> list[dict]:
    events = details.events
    if not len(events):
        return []
    newest = events.sort_values("observed_at", ascending=False, kind="stable").head(MAX_EVENTS)
    return [_record(row) for row in newest.to_dict("records")]


def map_answer(derived: Derived, search: str, budget: int) -> dict | None:
    """The map of a view (the page's query string: root, dir, depth, filters, layout …), None for an unknown root."""
    state = parse(search)
    position = derived.snapshot.index.position(state.root) if state.root is not None else None
    if position is None:
        return None
    model = build_map(derived, state, position, budget=budget)
    return {**map_document(model, server_places(state.layout, len(model.nodes))), "impacted": _impacted(model)}


def impact_answer(derived: Derived, ci_id: int, budget: int) -> dict | None:
    """Every business service a failure of the CI would hit (upstream, every hop, across links), nearest first."""
    position = derived.snapshot.index.position(ci_id)
    if position is None:
        return None
    state = parse(f"root={ci_id}&dir=upstream&depth=all&impact=1")
    model = build_map(derived, state, position, budget=budget)
    return {"ci_id": ci_id, "name": model.root_name, "impacted": _impacted(model)}


def _impacted(model: MapModel) -> list[dict]:
    return [_impacted_service(s) for s in model.impacted]


def _impacted_service(service: ImpactedService) -> dict:
    return {
        "ci_id": service.ci_id,
        "name": service.name,
        "criticality": service.criticality or None,
        "status": _status(service.status),
        "open_incidents": service.open_incidents,
        "hops": service.hops,
    }


def whatif_answer(derived: Derived, query: WhatIfQuery) -> dict:
    """What-if: the chosen failures, the CIs they fail, and the business services whose status would change."""
    view: WhatIfView = whatif_view(derived, query)
    return {
        "chosen": [{"kind": c.kind, "key": c.key, "label": c.label, "failed": c.failed} for c in view.chosen],
        "cut": query.cut,
        "failed": view.failed,
        "services": [
            {
                "ci_id": s.ci_id,
                "name": s.name,
                "criticality": s.criticality or None,
                "users": s.users,
                "today": _status(s.today),
                "what_if": _status(s.what_if),
                "weight": s.weight,
            }
            for s in view.services
        ],
        "today_counts": {_status(h): n for h, n in view.today_counts.items()},
    }


def search_answer(derived: Derived, text: str) -> list[dict]:
    """CIs whose name starts with (a word of) the text, or whose id it is (`712`, `#712`), best first."""
    index = derived.snapshot.index
    positions = [int(p) for p in derived.search.prefix(text, MAX_SEARCH)]
    named = id_query(text)
    exact = index.position(named) if named is not None else None
    if exact is not None and exact not in positions:
        positions = [exact, *positions][:MAX_SEARCH]
    if not positions:
        return []
    statuses = derived.health.shown(np.array(positions, dtype=np.int64)).tolist()
    rows = derived.snapshot.ci.iloc[positions]  # only the matches' cells: not a million names as Python objects
    return [
        {
            "ci_id": int(index.ci_ids[p]),
            "name": _text(name),
            "class": class_label(str(class_name)),
            "status": _status(Health(s)),
        }
        for p, name, class_name, s in zip(positions, rows["name"], rows["class"], statuses, strict=True)
    ]


def _status(status: Health) -> str:
    return Health(status).name.lower()


def _record(row: dict) -> dict:
    return {str(k): _value(v) for k, v in row.items()}


def _value(value: object) -> object:
    """A cell as JSON: NaN/NaT/None → null, times as ISO 8601 UTC, numpy scalars as Python ones."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | datetime | np.datetime64):
        return _time(pd.Timestamp(value))
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value if isinstance(value, str | int | float | bool) else str(value)


def _time(value: object) -> str | None:
    if value is None or value is pd.NaT:
        return None
    stamp = pd.Timestamp(value)
    if pd.isna(stamp):
        return None
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return stamp.isoformat().replace("+00:00", "Z")


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
