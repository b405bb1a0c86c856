"""Build `_dash-update-component` request bodies from an app's registered callbacks, as the browser would."""

import json

from dash import Dash


def callback_key(app: Dash, output_id: str, prop: str) -> str:
    """The callback_map key of the callback whose first output is output_id.prop."""
    for key in app.callback_map:
        first = key.strip(".").split("...")[0]
        if first.split("@")[0] == f"{output_id}.{prop}":
            return key
    raise KeyError(f"no callback outputs {output_id}.{prop}")


def callback_request(
    app: Dash, output_id: str, prop: str, values: dict[str, object], triggered: str | None = None
) -> dict:
    """A request body for that callback: inputs and state filled from values ("id.prop" → value)."""
    return request_for_key(app, callback_key(app, output_id, prop), values, triggered)


def request_for_key(app: Dash, key: str, values: dict[str, object], triggered: str | None = None) -> dict:
    """A request body for the callback registered under `key` (see callback_request)."""
    registered = app.callback_map[key]
    outputs = [
        {"id": _one(part.split("@")[0].rsplit(".", 1)[0]), "property": part.split("@")[0].rsplit(".", 1)[1]}
        for part in key.strip(".").split("...")
        if not registered.get("no_output")  # a callback without outputs is registered under a hash
    ]

    def filled(items: list[dict]) -> list:
        # A pattern-matching (ALL) id stands for a list of components: none of them is on the page here; a MATCH id
        # for the one component that fired (the "name" STAND_IN).
        return [
            ([] if '["ALL"]' in item["id"] else {**item, "id": _one(item["id"]), "value": None})
            if item["id"].startswith("{")
            else {**item, "value": values.get(f"{item['id']}.{item['property']}")}
            for item in items
        ]

    return {
        "output": key,
        "outputs": outputs[0] if len(outputs) == 1 else outputs,
        "inputs": filled(registered["inputs"]),
        "state": filled(registered["state"]),
        "changedPropIds": [triggered] if triggered else [],
    }


STAND_IN = "changes"


def _one(component_id: str) -> str | dict:
    """A plain id as it is; a MATCH pattern id as the id of one component it matches (its wildcards: STAND_IN)."""
    if not component_id.startswith("{"):
        return component_id
    return {k: STAND_IN if v == ["MATCH"] else v for k, v in json.loads(component_id).items()}


def post(app: Dash, body: dict) -> tuple[int, dict]:
    """POST a callback request through Flask's test client: status code and JSON answer."""
    response = app.server.test_client().post("/_dash-update-component", json=body)
    try:
        data = response.get_json(silent=True) or {}
    except ValueError:
        data = {}
    return response.status_code, data
