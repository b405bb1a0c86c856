"""Filters through the app's callbacks: connectivity kept, groups, options from the CMDB, forged input, via details."""

import json

import pytest

from dashboard.app import create_app
from dashboard.settings import Settings
from layouts import ids
from layouts.filters import BOX, FILTER_IDS
from tests.callbacks import callback_key, callback_request, post, request_for_key
from tests.rows import ci, incident, rel, write


@pytest.fixture
def shop(sqlite_db):
    """shop → web → api → (srv-1, db); db runs on srv-2; 30 VMs on srv-1. Incidents on db, srv-2 and vm-3."""
    vms = [ci(100 + i, f"vm-{i}", "virtual_machine", location="DUB1", criticality=None) for i in range(30)]
    write(
        sqlite_db,
        ci=[
            ci(1, "shop", "business_service", criticality=None),
            ci(2, "web", "application", criticality=None),
            ci(3, "api", "application", environment="staging", criticality=None),
            ci(4, "srv-1", "server", location="AMS2", criticality=None),
            ci(5, "db", "database", criticality=None),
            ci(6, "srv-2", "server", criticality=None),
            *vms,
        ],
        relationship=[
            rel(1, 1, "depends on", 2),
            rel(2, 2, "depends on", 3),
            rel(3, 3, "runs on", 4),
            rel(4, 3, "depends on", 5),
            rel(5, 5, "runs on", 6),
            *(rel(100 + i, 100 + i, "runs on", 4) for i in range(30)),
        ],
        incident=[incident("INC1", 5), incident("INC2", 6, priority=1), incident("INC3", 103)],
    )
    return sqlite_db


def app_of(url, budget=2000):
    return create_app(Settings.from_env({}, database_url=url, refresh_seconds=0, anonymous=True, map_budget=budget))


def draw(app, search):
    values = {f"{ids.URL}.search": search, f"{ids.MAP_TRAIL_STORE}.data": []}
    status, data = post(app, callback_request(app, ids.MAP_GRAPH, "elements", values, "url.search"))
    assert status == 200
    return data["response"]


def elements(app, search):
    drawn = draw(app, search)[ids.MAP_GRAPH]["elements"]
    nodes = {e["data"]["id"]: e for e in drawn if "source" not in e["data"]}
    edges = {e["data"]["id"]: e for e in drawn if "source" in e["data"]}
    return nodes, edges


def test_fe030_only_incidents_keeps_the_paths_as_via_edges(shop):
    app = app_of(shop)
    nodes, edges = elements(app, "?root=1&depth=all&dir=downstream&only=incidents")
    assert set(nodes) == {"ci-1", "ci-5", "ci-6"}
    via = edges["via-ci-1-ci-5"]
    assert via["data"]["via"] == "via 2 hidden"
    assert via["data"]["through"] == ["ci-2", "ci-3"]
    assert "via" in via["classes"].split()
    assert any(e["data"]["source"] == "ci-5" and e["data"]["target"] == "ci-6" for e in edges.values())
    notice = json.dumps(draw(app, "?root=1&depth=all&only=incidents")[ids.MAP_NOTICE]["children"], ensure_ascii=False)
    assert "Showing 3 of 6 CIs: filtered by open incidents; 2 hidden CIs contracted into “via” edges." in notice


def test_fe031_attribute_filters_combine_and_keep_the_root(shop):
    app = app_of(shop)
    nodes, edges = elements(app, "?root=1&depth=all&loc=AMS2&class=server")
    assert set(nodes) == {"ci-1", "ci-4"}
    assert edges["via-ci-1-ci-4"]["data"]["hops"] == 2
    nodes, _ = elements(app, "?root=1&depth=all&env=staging&env=production&class=database")
    assert set(nodes) == {"ci-1", "ci-5"}


def test_fe032_a_group_stays_when_one_member_passes_and_stands_for_all(shop):
    # A budget that groups the VMs on srv-1 (upstream of srv-1: what runs on it).
    app = app_of(shop, budget=50)
    nodes, _ = elements(app, "?root=4&dir=upstream&depth=1")
    assert "group-4:virtual_machine" in nodes
    nodes, _ = elements(app, "?root=4&dir=upstream&depth=1&only=incidents")
    assert set(nodes) == {"ci-4", "group-4:virtual_machine"}
    assert "30 ×" in nodes["group-4:virtual_machine"]["data"]["label"]


def test_fe033_a_filter_that_leaves_only_the_root_says_so(shop):
    app = app_of(shop)
    notice = json.dumps(draw(app, "?root=1&depth=all&loc=Nowhere")[ids.MAP_NOTICE]["children"])
    assert "None of the 6 CIs in this view passes the filters." in notice
    nodes, edges = elements(app, "?root=1&depth=all&loc=Nowhere")
    assert list(nodes) == ["ci-1"]
    assert edges == {}


def filter_request(app, values, triggered):
    key = next(k for k in app.callback_map if FILTER_IDS["classes"] + ".options" in k)
    return request_for_key(app, key, values, triggered)


def test_fe034_a_cmdb_attribute_without_values_is_not_offered_and_chosen_values_stay_offered(shop):
    app = app_of(shop)
    values = {f"{ids.URL}.search": "?root=1&loc=Mars", f"{ids.URL}.pathname": "/", f"{ids.SNAPSHOT_VERSION}.data": 1}
    status, data = post(app, filter_request(app, values, "url.search"))
    assert status == 200
    answer = data["response"]
    assert answer[FILTER_IDS["criticalities"] + BOX]["hidden"] is True  # every criticality is NULL here
    assert answer[FILTER_IDS["locations"] + BOX]["hidden"] is False
    locations = {o["value"]: o["label"] for o in answer[FILTER_IDS["locations"]]["options"]}
    assert locations == {"DUB1": "DUB1 (30)", "FRA1": "FRA1 (5)", "AMS2": "AMS2 (1)", "Mars": "Mars (0)"}
    assert answer[FILTER_IDS["locations"]]["value"] == ["Mars"]
    classes = [o["label"] for o in answer[FILTER_IDS["classes"]]["options"]]
    assert classes[0] == "Virtual machine (30)"
    assert answer[ids.MAP_FILTERS]["open"] is True


@pytest.mark.parametrize(
    "forged",
    [["server", 5, None, {"a": 1}, ["x"]], "server", 12, {"x": "y"}, ["x" * 5000], ["5&impact=1&root=9"]],
)
def test_fe035_forged_dropdown_values_give_a_valid_url_never_an_error(shop, forged):
    app = app_of(shop)
    values = {
        f"{ids.URL}.search": "?root=1&depth=2",
        f"{ids.URL}.pathname": "/",
        f"{ids.SNAPSHOT_VERSION}.data": 1,
        f"{FILTER_IDS['classes']}.value": forged,
    }
    status, data = post(app, filter_request(app, values, f"{FILTER_IDS['classes']}.value"))
    assert status in (200, 204)
    if status == 200:
        search = data["response"].get(ids.URL, {}).get("search", "?root=1&depth=2")
        assert search.startswith("?root=1&depth=2")
        assert "impact" not in search.split("&class=")[0]


def test_fe036_via_edge_details_name_the_hidden_cis_and_survive_forged_data(shop):
    app = app_of(shop)
    key = callback_key(app, ids.MAP_DETAILS, "children")
    edge = {"id": "via-ci-1-ci-5", "source": "ci-1", "target": "ci-5", "via": "via 2 hidden", "hops": 2}
    for through in (["ci-2", "ci-3"], "ci-2", [{"x": 1}, None, 7], ["ci-2"] * 500):
        values = {f"{ids.MAP_GRAPH}.tapEdgeData": edge | {"through": through}, f"{ids.URL}.search": "?root=1"}
        status, data = post(app, request_for_key(app, key, values, f"{ids.MAP_GRAPH}.tapEdgeData"))
        assert status == 200
        text = json.dumps(data["response"][ids.MAP_DETAILS]["children"])
        assert "shop" in text
        assert "db" in text
    values = {f"{ids.MAP_GRAPH}.tapEdgeData": edge | {"through": ["ci-2", "ci-3"]}, f"{ids.URL}.search": "?root=1"}
    text = json.dumps(post(app, request_for_key(app, key, values, f"{ids.MAP_GRAPH}.tapEdgeData"))[1]["response"])
    assert "web" in text
    assert "api" in text
    assert "via 2 hidden" in text
