"""The JSON API's OpenAPI 3.1 document: every path, parameter and answer schema (tests validate answers against it)."""

from typing import Any

STATUS = {"type": "string", "enum": ["ok", "maintenance", "unknown", "degraded", "down"]}
TIME = {"type": ["string", "null"], "format": "date-time"}
CI_ID = {"type": "integer", "minimum": 0}
NAME = {"type": "string"}
NULLABLE_TEXT = {"type": ["string", "null"]}
SCALAR = {"type": ["string", "number", "integer", "boolean", "null"]}
RECORD = {"type": "object", "additionalProperties": SCALAR}


def _object(properties: dict[str, Any], optional: tuple[str, ...] = ()) -> dict:
    required = [name for name in properties if name not in optional]
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _array(items: dict) -> dict:
    return {"type": "array", "items": items}


SCHEMAS: dict[str, dict] = {
    "Error": _object({"error": {"type": "string"}, "status": {"type": "integer"}}),
    "Snapshot": _object(
        {
            "version": {"type": "integer"},
            "loaded_at": TIME,
            "checked_at": TIME,
            "stale": {"type": "boolean"},
            "stale_since": TIME,
        }
    ),
    "Status": STATUS,
    "Fault": _object({"ci_id": CI_ID, "name": NAME, "class": NAME, "status": _ref("Status")}),
    "Service": _object(
        {
            "ci_id": CI_ID,
            "name": NAME,
            "criticality": NULLABLE_TEXT,
            "status": _ref("Status"),
            "open_incidents": _object({f"p{p}": {"type": "integer", "minimum": 0} for p in range(1, 6)}),
            "trouble_since": TIME,
            "trouble_since_known": {"type": ["boolean", "null"]},
            "likely_fault": {"oneOf": [_ref("Fault"), {"type": "null"}]},
        }
    ),
    "CI": _object(
        {
            "ci_id": CI_ID,
            "name": NAME,
            "class": NAME,
            "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            "attributes": {"type": "object", "additionalProperties": {"type": "string"}},
            "attributes_note": NULLABLE_TEXT,
            "status": _ref("Status"),
            "status_rule": {"type": "string", "enum": ["own", "worst_of", "redundancy", "no_data"]},
            "status_reason": NAME,
            "status_decided_by": _array(_object({"ci_id": CI_ID, "name": NAME})),
            "incidents": _array(RECORD),
            "changes": _array(RECORD),
            "health_events": _array(RECORD),
            "dangling_relationships": _array({"type": "string"}),
        }
    ),
    "Node": _object(
        {
            "id": NAME,
            "label": NAME,
            "kind": {"type": "string", "enum": ["ci", "group"]},
            "ci_id": {"type": ["integer", "null"]},
            "class": NAME,
            "status": _ref("Status"),
            "open_incidents": {"type": "integer"},
            "worst_priority": {"type": ["integer", "null"]},
            "changes": {"type": "integer"},
            "root": {"type": "boolean"},
            "on_impact_path": {"type": "boolean"},
            "members": {"type": "integer"},
            "x": {"type": "number"},
            "y": {"type": "number"},
        },
        optional=("members", "x", "y"),
    ),
    "Edge": _object(
        {
            "id": NAME,
            "source": NAME,
            "target": NAME,
            "type": NAME,
            "merged": {"type": "boolean"},
            "symmetric": {"type": "boolean"},
            "on_impact_path": {"type": "boolean"},
            "hops": {"type": "integer"},
            "via": _array({"type": "string"}),
        },
        optional=("hops", "via"),
    ),
    "ImpactedService": _object(
        {
            "ci_id": CI_ID,
            "name": NAME,
            "criticality": NULLABLE_TEXT,
            "status": _ref("Status"),
            "open_incidents": {"type": "integer"},
            "hops": {"type": "integer"},
        }
    ),
    "Map": _object(
        {
            "view": _object(
                {
                    "root": CI_ID,
                    "root_name": NAME,
                    "root_class": NAME,
                    "direction": {"type": "string", "enum": ["downstream", "upstream", "both"]},
                    "depth": {"type": ["integer", "null"]},
                    "layout": NAME,
                    "positions": {"type": ["string", "null"], "enum": ["server", None]},
                    "as_of": NULLABLE_TEXT,
                }
            ),
            "counts": _object(
                {
                    "cis_in_view": {"type": "integer"},
                    "cis_inside_groups": {"type": "integer"},
                    "cis_left_out": {"type": "integer"},
                    "more_beyond_depth": {"type": "boolean"},
                    "nodes": {"type": "integer"},
                    "edges": {"type": "integer"},
                }
            ),
            "nodes": _array(_ref("Node")),
            "edges": _array(_ref("Edge")),
            "impacted": _array(_ref("ImpactedService")),
        }
    ),
    "Impact": _object({"ci_id": CI_ID, "name": NAME, "impacted": _array(_ref("ImpactedService"))}),
    "WhatIfRequest": {
        "type": "object",
        "properties": {
            "fail": {**_array(CI_ID), "maxItems": 100, "description": "CIs that fail"},
            "in": {**_array(CI_ID), "maxItems": 20, "description": "CIs that fail with everything in or behind them"},
            "site": {**_array({"type": "string", "maxLength": 128}), "maxItems": 10, "description": "whole sites"},
        },
        "additionalProperties": False,
    },
    "WhatIf": _object(
        {
            "chosen": _array(
                _object(
                    {
                        "kind": {"type": "string", "enum": ["ci", "in", "site"]},
                        "key": NAME,
                        "label": NAME,
                        "failed": {"type": "integer"},
                    }
                )
            ),
            "cut": {"type": "boolean"},
            "failed": {"type": "integer"},
            "services": _array(
                _object(
                    {
                        "ci_id": CI_ID,
                        "name": NAME,
                        "criticality": NULLABLE_TEXT,
                        "users": {"type": ["integer", "null"]},
                        "today": _ref("Status"),
                        "what_if": _ref("Status"),
                        "weight": {"type": "integer"},
                    }
                )
            ),
            "today_counts": {"type": "object", "additionalProperties": {"type": "integer"}},
        }
    ),
    "Match": _object({"ci_id": CI_ID, "name": NAME, "class": NAME, "status": _ref("Status")}),
}
ANSWERS = {
    "Services": ("services", _array(_ref("Service"))),
    "CIAnswer": ("ci", _ref("CI")),
    "MapAnswer": ("map", _ref("Map")),
    "ImpactAnswer": ("impact", _ref("Impact")),
    "WhatIfAnswer": ("whatif", _ref("WhatIf")),
    "SearchAnswer": ("matches", _array(_ref("Match"))),
}
for _name, (_key, _schema) in ANSWERS.items():
    SCHEMAS[_name] = _object({"snapshot": _ref("Snapshot"), _key: _schema})

VIEW_PARAMETERS = [
    ("root", "integer", "the CI the map is centred on", True),
    ("dir", "string", "downstream (what it depends on), upstream (what depends on it) or both", False),
    ("depth", "string", "hops: 1–10 or all", False),
    ("layout", "string", "layered (the server places the nodes), breadthfirst, concentric, cose or dagre", False),
    ("open", "string", "group nodes opened (their keys, comma-separated)", False),
    ("impact", "string", "1: mark the impact path and list the business services hit", False),
    ("changes", "integer", "days of changes overlaid (1, 7, 30 or 90)", False),
    ("only", "string", "incidents: only the CIs with open incidents, and their paths", False),
    ("class", "string", "filter by class (repeated)", False),
    ("env", "string", "filter by environment (repeated)", False),
    ("loc", "string", "filter by location (repeated)", False),
    ("crit", "string", "filter by criticality (repeated)", False),
    ("asof", "string", "the map as it was at that time (ISO 8601, UTC)", False),
]


def _query(name: str, kind: str, description: str, required: bool) -> dict:
    return {"name": name, "in": "query", "required": required, "description": description, "schema": {"type": kind}}


def _answer(schema: str, description: str, *errors: int) -> dict:
    ok = {"200": {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}}
    ok["304"] = {"description": "not modified (If-None-Match matched the ETag)"}
    for status in (*errors, 401, 503):
        ok[str(status)] = {"description": ERRORS[status], "content": {"application/json": {"schema": _ref("Error")}}}
    return ok


ERRORS = {
    400: "the request is malformed",
    401: "not signed in",
    404: "no such CI",
    413: "the body is too large",
    503: "the CMDB has not been read yet",
}
CI_PATH = {"name": "ci_id", "in": "path", "required": True, "schema": CI_ID}


def document(server_url: str) -> dict:
    """The OpenAPI document, with the API's base URL (the app's prefix + api/v1)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "servicemap API",
            "version": "1.0.0",
            "description": "Read-only: business services, CIs, maps, impact, what-if and search, from the snapshot "
            "the pages show. Every answer says which snapshot it comes from and whether it is stale.",
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/services": {
                "get": {
                    "summary": "Every business service with its status",
                    "operationId": "services",
                    "responses": _answer("Services", "business services, worst first"),
                }
            },
            "/cis/{ci_id}": {
                "get": {
                    "summary": "A CI's details, incidents, changes and health",
                    "operationId": "ci",
                    "parameters": [CI_PATH],
                    "responses": _answer("CIAnswer", "the CI", 400, 404),
                }
            },
            "/cis/{ci_id}/impact": {
                "get": {
                    "summary": "The business services a failure of the CI would hit",
                    "operationId": "impact",
                    "parameters": [CI_PATH],
                    "responses": _answer("ImpactAnswer", "the impact", 400, 404),
                }
            },
            "/map": {
                "get": {
                    "summary": "A map view: nodes and edges with statuses, overlays and positions",
                    "operationId": "map",
                    "parameters": [_query(*p) for p in VIEW_PARAMETERS],
                    "responses": _answer("MapAnswer", "the map", 400, 404),
                }
            },
            "/whatif": {
                "post": {
                    "summary": "The impact of failing CIs, containers and sites",
                    "operationId": "whatif",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("WhatIfRequest")}},
                    },
                    "responses": _answer("WhatIfAnswer", "the what-if", 400, 413),
                }
            },
            "/search": {
                "get": {
                    "summary": "CIs by name prefix or id",
                    "operationId": "search",
                    "parameters": [_query("q", "string", "a name's start, `712` or `#712`", True)],
                    "responses": _answer("SearchAnswer", "up to 20 matches, best first", 400),
                }
            },
        },
        "components": {"schemas": SCHEMAS},
    }
