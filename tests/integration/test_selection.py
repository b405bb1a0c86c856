"""Selection, details and paths through the app's callbacks: sel= drives the panel, a sel-only change does not
re-draw the map, paths are marked on the map and listed as text, and the picker finds '#id'."""

import json

import pytest
from dash import html, no_update

from callbacks.roots import root_options
from callbacks.selection import follow, selected
from dashboard.app import create_app
from dashboard.domain.viewstate import ViewState, parse
from dashboard.settings import Settings
from layouts import ids
from tests.callbacks import callback_request, post
from tests.conftest import HOSTILE_NAMES

SCHEDULING, CLUSTER = 42, 347


@pytest.fixture(scope="module")
def app(demo_cmdb):
    return create_app(Settings.from_env({}, database_url=demo_cmdb, refresh_seconds=0, anonymous=True))


@pytest.fixture(scope="module")
def derived(app):
    services = app.server.extensions["servicemap"]
    return services.views.of(services.store.snapshot)


def draw(app, search, layout=None, triggered="url.search"):
    values = {f"{ids.URL}.search": search, f"{ids.MAP_TRAIL_STORE}.data": [], f"{ids.MAP_GRAPH}.layout": layout}
    return post(app, callback_request(app, ids.MAP_GRAPH, "elements", values, triggered))


def details(app, search, shown, node=None, triggered="url.search"):
    values = {
        f"{ids.URL}.search": search,
        f"{ids.MAP_SHOWN}.data": shown,
        f"{ids.MAP_PANEL}.data": {},
        f"{ids.MAP_GRAPH}.tapNodeData": node,
    }
    status, data = post(app, callback_request(app, ids.MAP_DETAILS, "children", values, triggered))
    assert status in (200, 204)
    return json.dumps(data, ensure_ascii=False) if status == 200 else ""


def test_dp201_a_selection_alone_does_not_draw_the_map_again(app):
    status, data = draw(app, "?root=5&depth=2")
    assert status == 200
    layout = data["response"][ids.MAP_GRAPH]["layout"]
    assert layout["view"] == "?root=5&depth=2"
    assert draw(app, f"?root=5&depth=2&sel={SCHEDULING}", layout)[1]["response"] == {}  # nothing to update
    assert draw(app, "?root=5&depth=3&sel=42", layout)[1]["response"]  # another view is drawn
    assert draw(app, "?root=5&depth=2&sel=42", layout, "snapshot-version.data")[1]["response"]  # new data is drawn


def test_dp213_back_from_a_ci_that_does_not_exist_draws_the_map_again(app):
    _, data = draw(app, "?root=5&depth=2")
    layout = data["response"][ids.MAP_GRAPH]["layout"]
    _, empty = draw(app, "?root=99999999&depth=2", layout)
    assert empty["response"][ids.MAP_GRAPH]["elements"] == []
    again = draw(app, "?root=5&depth=2", empty["response"][ids.MAP_GRAPH]["layout"])[1]["response"]
    assert again[ids.MAP_GRAPH]["elements"]


def test_dp202_the_selected_ci_is_selected_and_a_path_is_marked(app, derived):
    _, data = draw(app, f"?root={SCHEDULING}&sel={SCHEDULING}&path={CLUSTER}")
    drawn = data["response"][ids.MAP_GRAPH]["elements"]
    selected_ids = [e["data"]["id"] for e in drawn if e.get("selected")]
    on_path = {e["data"]["id"] for e in drawn if "path" in e["classes"].split()}
    assert selected_ids == [f"ci-{SCHEDULING}"]
    assert f"ci-{SCHEDULING}" in on_path
    assert f"ci-{CLUSTER}" in on_path
    assert any(i.startswith("rel-") for i in on_path)
    assert data["response"][ids.MAP_GRAPH]["layout"]["view"] == f"?root={SCHEDULING}&sel={SCHEDULING}&path={CLUSTER}"


def test_dp203_the_panel_shows_sel_only_while_it_is_on_the_map(app):
    shown = {"cis": [5, SCHEDULING], "edges": []}
    assert "Online Banking – Scheduling" in details(app, f"?root=5&sel={SCHEDULING}", shown)
    assert "Click a node or an edge" in details(app, f"?root=5&sel={SCHEDULING}", {"cis": [5], "edges": []})
    assert "Click a node or an edge" in details(app, "?root=5&sel=99999999", shown)


def test_dp204_the_path_is_listed_as_text_with_links_or_said_to_be_missing(app):
    shown = {"cis": [SCHEDULING], "edges": []}
    panel = details(app, f"?root={SCHEDULING}&sel={SCHEDULING}&path={CLUSTER}", shown)
    assert "3 shortest paths, 3 hops, in blue on the map" in panel
    assert "not on this map" in panel  # only the first CI is on this (pretend) map
    assert f'"href": "/?root={SCHEDULING}&sel={SCHEDULING}&path={CLUSTER}"' in panel  # its own map shows them all
    assert f'"href": "/?root={CLUSTER}&sel={CLUSTER}"' in panel  # each CI of a path links to its own map
    assert "No dependency path between" in details(app, f"?root=5&sel={SCHEDULING}&path=41", shown)


@pytest.mark.parametrize(
    "shown", [None, "x", {"cis": "1,2"}, {"cis": [True, "42", None], "edges": [1, {}]}, {"cis": [10**30]}]
)
def test_dp205_a_forged_list_of_shown_elements_gets_the_hint(app, shown):
    assert "Click a node or an edge" in details(app, f"?root=5&sel={SCHEDULING}", shown)


def test_dp206_a_tap_shows_the_ci_at_once_and_selects_it():
    state = parse("?root=5&sel=41&path=347")
    assert selected(state, {"kind": "ci", "ci_id": 42}, False) == ViewState(root=5, sel=42)
    assert selected(state, {"kind": "ci", "ci_id": 41}, False) == state  # the same CI keeps its path
    assert selected(state, {"kind": "ci", "ci_id": "5; DROP"}, False) == state
    assert selected(state, None, True) == ViewState(root=5)
    opened = selected(state, {"kind": "group", "group": "5:application"}, False)
    assert opened == ViewState(root=5, expanded=frozenset({"5:application"}))


def test_dp207_an_opened_group_offers_to_close_it_and_a_closed_one_gives_the_hint(derived):
    panel = {"group": "5:application", "label": "12 × Application"}
    state = ViewState(root=5, expanded=frozenset({"5:application"}))
    shown_panel, kept = follow(derived, state, (set(), set()), panel, "/")
    assert "Close this group again" in str(shown_panel)
    assert "href='/?root=5'" in str(shown_panel)
    assert kept == panel
    cleared, _ = follow(derived, ViewState(root=5), (set(), set()), panel, "/")
    assert "Click a node" in str(cleared)


def test_dp208_the_opened_groups_are_listed_above_the_map_with_a_close_link(app):
    body = callback_request(app, ids.MAP_OPENED, "children", {f"{ids.URL}.search": "?root=5&open=5%3Aapplication"})
    status, data = post(app, body)
    assert status == 200
    text = json.dumps(data, ensure_ascii=False)
    assert "Application group of Online Banking" in text
    assert '"href": "/?root=5"' in text


def test_dp209_the_picker_finds_a_ci_by_hash_id_and_shows_status_and_class(derived):
    options = root_options(derived, "#712", None)
    assert options[0]["value"] == "712"
    assert "#712" in options[0]["search"]
    label = options[0]["label"]
    assert isinstance(label, html.Span)
    assert label.title.endswith("· Virtual machine · Down")
    assert root_options(derived, "712", None)[0]["value"] == "712"


def test_dp210_typed_matches_come_before_the_current_choice(derived):
    options = root_options(derived, "Service Desk", "5")
    assert options[0]["label"].title.startswith("Service Desk")
    assert options[-1]["value"] == "5"


def test_dp211_hostile_names_in_options_and_paths_stay_text(app, derived):
    option = root_options(derived, "", "900001")[0]
    assert option["label"].title.startswith(HOSTILE_NAMES[900001])
    assert "dangerouslySetInnerHTML" not in json.dumps(option["label"].to_plotly_json(), default=str)
    panel = details(app, "?root=900001&sel=900001&path=900002", {"cis": [900001], "edges": []})
    assert "dangerouslySetInnerHTML" not in panel


def test_dp212_an_edge_stays_in_the_panel_while_it_is_drawn(derived):
    panel = {"edge": "rel-7"}
    kept = follow(derived, ViewState(root=5), ({5}, {"rel-7"}), panel, "/")
    assert kept == (no_update, no_update)
    cleared, store = follow(derived, ViewState(root=9), ({9}, {"rel-8"}), panel, "/")
    assert "Click a node" in str(cleared)
    assert store == {}


def test_dp214_an_opened_group_is_shown_even_when_the_panel_record_came_back_late(app):
    group = {"kind": "group", "group": "5:application", "label": "12 × Application"}
    panel = details(app, "?root=5&open=5%3Aapplication", {"cis": [5], "edges": []}, node=group)
    assert "Close this group again" in panel
    assert "Click a node" in details(app, "?root=5", {"cis": [5], "edges": []}, node=group)  # closed since
