"""Names that would pass for other names, and names too long for a heading, through the app (found by a user)."""

import json

import pytest

from dashboard.app import create_app
from dashboard.domain.names import MAX_HEADING
from dashboard.domain.viewstate import WALL_TILES
from dashboard.settings import Settings
from layouts import ids
from tests.callbacks import callback_request, post
from tests.rows import ci, rel, write

TRICK = "\u202etxt.exe"  # drawn as "exe.txt"
SHOWN = "⟨U+202E⟩txt.exe"
LONG = "Payroll " + "x" * 100_000


@pytest.fixture
def app(sqlite_db):
    write(
        sqlite_db,
        ci=[ci(1, TRICK, "business_service"), ci(2, LONG, "business_service"), ci(3, "pay\u200broll", "application")],
        relationship=[rel(1, 1, "depends on", 3), rel(2, 2, "depends on", 3)],
    )
    return create_app(Settings.from_env({}, database_url=sqlite_db, refresh_seconds=0, anonymous=True))


def answer(app, output, prop, values, triggered=None):
    status, data = post(app, callback_request(app, output, prop, values, triggered))
    assert status == 200
    return json.dumps(data["response"], ensure_ascii=False)


def map_answer(app, search):
    values = {f"{ids.URL}.search": search, f"{ids.MAP_TRAIL_STORE}.data": []}
    return answer(app, ids.MAP_GRAPH, "elements", values, f"{ids.URL}.search")


def test_nc001_hidden_characters_are_shown_on_the_map_in_options_on_the_wall_and_in_details(app):
    drawn = map_answer(app, "?root=1")
    assert SHOWN in drawn
    assert "pay⟨U+200B⟩roll" in drawn
    options = answer(app, ids.MAP_ROOT, "options", {f"{ids.MAP_ROOT}.search_value": "", f"{ids.MAP_ROOT}.value": None})
    assert SHOWN in options
    wall = answer(app, ids.WALL_TILES, "children", {f"{ids.WALL_REQUEST}.data": {"tick": 1}, f"{ids.URL}.search": ""})
    assert SHOWN in wall
    tapped = {f"{ids.MAP_GRAPH}.tapNodeData": {"ci_id": 1, "kind": "ci"}, f"{ids.URL}.search": "?root=1"}
    details = answer(app, ids.MAP_DETAILS, "children", tapped, f"{ids.MAP_GRAPH}.tapNodeData")
    assert SHOWN in details
    for text in (drawn, options, wall, details):
        assert TRICK not in text


def test_nc002_such_names_are_a_data_quality_finding(app):
    findings = {f.code: f for f in app.server.extensions["servicemap"].store.status.snapshot.findings}
    found = findings["ci.hidden_characters"]
    assert found.count == 2
    assert SHOWN in found.examples


def test_nc003_a_100_kb_name_is_cut_in_the_heading_and_labels_and_whole_in_the_details(app):
    drawn = map_answer(app, "?root=2")
    assert len(drawn) < 20_000
    assert "Payroll xxx" in drawn
    assert "x" * MAX_HEADING not in drawn
    wall = answer(app, ids.WALL_TILES, "children", {f"{ids.WALL_REQUEST}.data": {"tick": 1}, f"{ids.URL}.search": ""})
    assert len(wall) < 20_000
    tapped = {f"{ids.MAP_GRAPH}.tapNodeData": {"ci_id": 2, "kind": "ci"}, f"{ids.URL}.search": "?root=2"}
    details = answer(app, ids.MAP_DETAILS, "children", tapped, f"{ids.MAP_GRAPH}.tapNodeData")
    assert LONG in details


@pytest.mark.parametrize("tiles", WALL_TILES)
def test_nc004_every_kind_of_wall_shows_names_visibly_and_cut(app, tiles):
    values = {f"{ids.WALL_REQUEST}.data": {"tick": 1}, f"{ids.URL}.search": f"?tiles={tiles}"}
    wall = answer(app, ids.WALL_TILES, "children", values)
    assert TRICK not in wall
    assert "x" * MAX_HEADING not in wall
