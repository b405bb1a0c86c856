"""Map callbacks through Flask's test client against the demo CMDB: views, details, impact, search, forgeries."""

import json

import pytest

from dashboard.app import create_app
from dashboard.settings import Settings
from layouts import ids
from tests.callbacks import callback_request, post, request_for_key
from tests.conftest import HOSTILE_NAMES

ONLINE_BANKING = 5
CONTROLS = {
    f"{ids.MAP_SCOPE}.value": "downstream",
    f"{ids.MAP_DEPTH}.value": "3",
    f"{ids.MAP_LAYOUT}.value": "layered",
    f"{ids.MAP_ONLY}.value": [],
    f"{ids.MAP_CHANGES}.value": 0,
}


@pytest.fixture(scope="module")
def app(demo_cmdb):
    return create_app(Settings.from_env({}, database_url=demo_cmdb, refresh_seconds=0, anonymous=True))


def draw(app, search):
    body = callback_request(
        app, ids.MAP_GRAPH, "elements", {f"{ids.URL}.search": search, f"{ids.MAP_TRAIL_STORE}.data": []}, "url.search"
    )
    return post(app, body)


def elements(data):
    return data["response"][ids.MAP_GRAPH]["elements"]


def test_mp001_the_page_opens_on_the_worst_business_service(app):
    body = callback_request(app, ids.URL, "search", {f"{ids.URL}.search": "", **CONTROLS})
    status, data = post(app, body)
    assert status == 200
    search = data["response"][ids.URL]["search"]
    assert search.startswith("?root=")
    options = data["response"][ids.MAP_ROOT]["options"]
    assert {o["value"] for o in options} >= {search.removeprefix("?root=")}
    assert len(options) >= 12  # every business service of the sample is offered


def test_mp002_a_service_map_has_stable_ids_positions_and_status_classes(app):
    status, data = draw(app, f"?root={ONLINE_BANKING}")
    assert status == 200
    items = elements(data)
    nodes = [e for e in items if "source" not in e["data"]]
    ids_seen = [e["data"]["id"] for e in items]
    assert len(ids_seen) == len(set(ids_seen))
    assert all("position" in n for n in nodes)
    root = next(n for n in nodes if n["data"]["ci_id"] == ONLINE_BANKING)
    assert "root" in root["classes"]
    assert root["classes"].startswith("s-")
    assert data["response"][ids.MAP_GRAPH]["layout"]["name"] == "preset"
    again = elements(draw(app, f"?root={ONLINE_BANKING}")[1])
    assert again == items


def test_mp003_hostile_names_travel_as_plain_data(app):
    _, data = draw(app, f"?root={ONLINE_BANKING}&depth=2")
    labels = [e["data"].get("label", "") for e in elements(data)]
    assert any(label.startswith("<img src=x onerror") for label in labels)
    assert "dangerouslySetInnerHTML" not in json.dumps(data)


def test_mp004_clicking_a_node_shows_its_details_status_reason_and_links(app):
    body = callback_request(
        app,
        ids.MAP_DETAILS,
        "children",
        {f"{ids.MAP_GRAPH}.tapNodeData": {"ci_id": 42, "kind": "ci"}, f"{ids.URL}.search": "?root=5&depth=4"},
        f"{ids.MAP_GRAPH}.tapNodeData",
    )
    status, data = post(app, body)
    assert status == 200
    text = json.dumps(data)
    assert "Online Banking \\u2013 Scheduling" in text or "Online Banking – Scheduling" in text
    assert "?root=42&depth=4" in text  # focus here keeps the depth
    assert "impact=1" in text


def test_mp005_impact_lists_the_services_and_exports_csv(app):
    _, data = draw(app, "?root=900002&dir=upstream&depth=all&impact=1")
    impact = json.dumps(data["response"][ids.MAP_IMPACT]["children"])
    assert "Online Banking" in impact
    assert data["response"][ids.MAP_EXPORT]["hidden"] is False
    body = callback_request(
        app, ids.MAP_DOWNLOAD, "data", {f"{ids.MAP_EXPORT}.n_clicks": 1, f"{ids.URL}.search": "?root=900002&impact=1"}
    )
    status, data = post(app, body)
    assert status == 200
    csv = data["response"][ids.MAP_DOWNLOAD]["data"]["content"]
    assert csv.splitlines()[0] == "ci_id,name,criticality,status,open_incidents,hops"
    assert any(line.startswith("5,Online Banking,") for line in csv.splitlines())


def test_mp006_type_ahead_finds_names_words_and_ids(app):
    def options(typed):
        body = callback_request(
            app, ids.MAP_ROOT, "options", {f"{ids.MAP_ROOT}.search_value": typed, f"{ids.MAP_ROOT}.value": None}
        )
        return post(app, body)[1]["response"][ids.MAP_ROOT]["options"]

    assert any(o["label"]["props"]["title"].startswith("Payroll") for o in options("payr"))
    assert options("42")[0]["value"] == "42"
    assert options("<img")[0]["search"] == f"{HOSTILE_NAMES[900001]} #900001"


def test_mp007_a_big_neighbourhood_stays_within_the_element_budget(app):
    _, data = draw(app, "?root=1&dir=upstream&depth=all")  # a data centre: most of the estate stands on it
    assert len(elements(data)) <= 2000
    notice = json.dumps(data["response"][ids.MAP_NOTICE]["children"])
    assert "CIs in this view" in notice


@pytest.mark.parametrize(
    "search",
    ["?root=123456789", "?root=5&depth=1000000000", "?root=-1", "?root=5&open=" + "x" * 5000, "?root=<script>"],
)
def test_mp008_forged_views_give_a_message_or_a_clamped_map_never_an_error(app, search):
    status, _data = draw(app, search)
    assert status in (200, 204)


@pytest.mark.parametrize(
    "node",
    [{"ci_id": "5; DROP TABLE ci"}, {"ci_id": [1, 2]}, {"ci_id": 10**30}, "text", None, {"kind": "group", "group": 7}],
)
def test_mp009_forged_clicks_get_a_safe_answer(app, node):
    body = callback_request(
        app,
        ids.MAP_DETAILS,
        "children",
        {f"{ids.MAP_GRAPH}.tapNodeData": node, f"{ids.URL}.search": "?root=5"},
        f"{ids.MAP_GRAPH}.tapNodeData",
    )
    status, _ = post(app, body)
    assert status in (200, 204)


def test_mp010_opening_a_group_adds_it_to_the_url(app):
    # The URL/controls sync writes url.search first; a tap's selection is registered as a duplicate (key@hash).
    key = _tap_to_url(app)
    tap = {"kind": "group", "group": "5:application"}
    body = request_for_key(
        app, key, {f"{ids.MAP_GRAPH}.tapNodeData": tap, f"{ids.URL}.search": "?root=5"}, f"{ids.MAP_GRAPH}.tapNodeData"
    )
    status, data = post(app, body)
    assert status == 200
    assert "open=5%3Aapplication" in data["response"][ids.URL]["search"]


def test_mp011_a_request_whose_outputs_do_not_match_its_callback_is_refused(app):
    body = callback_request(app, ids.MAP_DETAILS, "children", {f"{ids.URL}.search": "?root=5"})
    body["outputs"] = [{"id": ids.MAP_GRAPH, "property": "elements"}]
    status, _ = post(app, body)
    assert status == 400


def test_mp012_a_duplicate_output_request_as_the_browser_sends_it_is_accepted(app):
    # Dash's renderer names an allow_duplicate output "search@<hash>"; the guard once refused it with a 400.
    key = _tap_to_url(app)
    tap = {"kind": "ci", "ci_id": 5}
    body = request_for_key(app, key, {f"{ids.MAP_GRAPH}.tapNodeData": tap, f"{ids.URL}.search": "?root=5"})
    body["outputs"] = {"id": ids.URL, "property": key.split(".", 1)[1]}
    status, _ = post(app, body)
    assert status in (200, 204)


def test_mp013_details_mark_relationships_to_missing_cis(app):
    snapshot = app.server.extensions["servicemap"].store.snapshot
    dangling = next(f for f in snapshot.findings if f.code == "relationship.dangling")
    source = int(dangling.examples[0].split()[0])  # "249 depends on 2015": CI 249 points at a CI that does not exist
    body = callback_request(
        app,
        ids.MAP_DETAILS,
        "children",
        {f"{ids.MAP_GRAPH}.tapNodeData": {"ci_id": source, "kind": "ci"}, f"{ids.URL}.search": f"?root={source}"},
        f"{ids.MAP_GRAPH}.tapNodeData",
    )
    status, data = post(app, body)
    assert status == 200
    assert "Relationships to CIs that do not exist" in json.dumps(data, ensure_ascii=False)


def test_mp014_a_failed_refresh_dims_the_map_and_says_stale(tmp_path):
    import shutil

    from tests.rows import ci, rel, write

    url = f"sqlite:///{tmp_path / 'cmdb.sqlite'}"
    write(
        url,
        ci=[ci(1, "Payroll", "business_service"), ci(2, "app", "application")],
        relationship=[rel(1, 1, "depends on", 2)],
    )
    app = create_app(Settings.from_env({}, database_url=url, refresh_seconds=0, anonymous=True))
    shutil.move(tmp_path / "cmdb.sqlite", tmp_path / "gone.sqlite")
    assert app.server.extensions["servicemap"].store.refresh() is False
    body = callback_request(
        app, ids.OVERVIEW_STATUS, "children", {f"{ids.OVERVIEW_TICK}.n_intervals": 1, f"{ids.URL}.pathname": "/quality"}
    )
    status, data = post(app, body)
    assert status == 200
    assert data["response"][ids.MAP_GRAPH]["className"] == "map stale"
    assert "STALE" in json.dumps(data["response"][ids.OVERVIEW_STATUS])
    _, drawn = draw(app, "?root=1")
    assert len(elements(drawn)) == 3  # the last good snapshot (2 CIs, 1 edge) is still drawn, marked stale


def test_mp015_group_nodes_count_their_members_and_carry_the_worst_status(demo_cmdb):
    small = create_app(Settings.from_env({}, database_url=demo_cmdb, refresh_seconds=0, anonymous=True, map_budget=400))
    _, data = draw(small, "?root=1&dir=upstream&depth=all")
    items = elements(data)
    assert len(items) <= 400
    groups = [e for e in items if e["data"].get("kind") == "group"]
    assert groups
    for group in groups:
        count = int(group["data"]["label"].split(" × ")[0])
        assert count >= 3
        assert group["classes"].split()[0] in {"s-ok", "s-maintenance", "s-unknown", "s-degraded", "s-down"}
        assert group["data"]["id"] == f"group-{group['data']['group']}"


def _tap_to_url(app) -> str:
    """The key of the callback that writes a tap on the map into the URL (a duplicate output: "url.search@<hash>")."""
    tap = {"id": ids.MAP_GRAPH, "property": "tapNodeData"}
    return next(
        key for key, spec in app.callback_map.items() if key.startswith(f"{ids.URL}.search@") and tap in spec["inputs"]
    )
