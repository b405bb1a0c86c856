"""The request guard's checks on a parsed callback body, without a server."""

import pytest

from dashboard.guard import MAX_JSON_DEPTH, callback_request_problem, depth_at_most

CALLBACKS = {
    "out.children": {
        "callback": object(),
        "inputs": [{"id": "in", "property": "value"}],
        "state": [],
    }
}


def body(**changes: object) -> dict:
    base = {
        "output": "out.children",
        "outputs": {"id": "out", "property": "children"},
        "inputs": [{"id": "in", "property": "value", "value": 1}],
        "state": [],
        "changedPropIds": ["in.value"],
    }
    return {**base, **changes}


def test_gd001_a_well_formed_body_passes():
    assert callback_request_problem(CALLBACKS, body()) is None
    assert callback_request_problem(CALLBACKS, {k: v for k, v in body().items() if k != "changedPropIds"}) is None


@pytest.mark.parametrize(
    "changes",
    [
        {"changedPropIds": None},
        {"changedPropIds": "in.value"},
        {"changedPropIds": [None]},
        {"changedPropIds": [["in.value"]]},
        {"output": None},
        {"output": ["out.children"]},
        {"outputs": None},
        {"outputs": [{"id": "out", "property": "children"}, 5]},
        {"inputs": None},
        {"inputs": [None]},
        {"inputs": [{"id": "other", "property": "value"}]},
        {"state": {"id": "in"}},
    ],
)
def test_gd002_a_field_of_the_wrong_type_or_shape_is_a_problem(changes):
    assert callback_request_problem(CALLBACKS, body(**changes)) is not None


def test_gd003_nesting_depth_is_counted_without_recursion():
    assert depth_at_most(body(), MAX_JSON_DEPTH)
    deep: list = []
    for _ in range(200_000):
        deep = [deep]
    assert not depth_at_most(deep, MAX_JSON_DEPTH)
    nested = {"a": 1}
    for _ in range(MAX_JSON_DEPTH - 1):
        nested = {"a": nested}
    assert depth_at_most(nested, MAX_JSON_DEPTH)
    assert not depth_at_most({"a": nested}, MAX_JSON_DEPTH)


def test_gd004_a_browser_side_callback_without_outputs_is_refused_not_a_500():
    # A clientside callback with no output is registered under a bare hash (found by test_fuzz's fz001): its key names
    # no output, and reading one out of it raised (a 500).
    callbacks = {**CALLBACKS, "a61630660e3e": {"no_output": True, "inputs": [{"id": "w", "property": "data"}]}}
    forged = body(output="a61630660e3e", outputs={}, inputs=[{"id": "w", "property": "data", "value": None}])
    assert callback_request_problem(callbacks, forged) == "a browser-side callback"
    server_side = {"a61630660e3e": {**callbacks["a61630660e3e"], "callback": object(), "state": []}}
    assert callback_request_problem(server_side, forged) == "outputs do not match the callback"
