"""The /health page through Flask's test client: built only for /health, filters write the URL, clicks select CIs;
on the demo, on a ServiceNow replica read through its profile and on a CMDB that holds only incidents."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from dashboard.app import create_app
from dashboard.settings import Settings
from layouts import ids
from tests.callbacks import callback_key, post
from tests.fixtures.servicenow.replica import build_replica
from tests.rows import ci, incident, write

BODY = (
    f"..{ids.HEALTH_FILTERS}.children...{ids.HEALTH_BODY}.children...{ids.HEALTH_SELECTION}.children"
    f"...{ids.HEALTH_BUILT}.data.."
)
FILTER = {"type": ids.HEALTH_FILTER, "name": "ALL"}


@pytest.fixture(scope="module")
def demo(demo_cmdb):
    return create_app(Settings.from_env({}, database_url=demo_cmdb, refresh_seconds=0, anonymous=True))


def show(app, pathname="/health", search="", filters=(), built=None):
    body = {
        "output": BODY,
        "outputs": [
            {"id": ids.HEALTH_FILTERS, "property": "children"},
            {"id": ids.HEALTH_BODY, "property": "children"},
            {"id": ids.HEALTH_SELECTION, "property": "children"},
            {"id": ids.HEALTH_BUILT, "property": "data"},
        ],
        "inputs": [{"id": ids.HEALTH_URL, "property": "data", "value": {"pathname": pathname, "search": search}}],
        "state": [list(filters), {"id": ids.HEALTH_BUILT, "property": "data", "value": built}],
        "changedPropIds": [f"{ids.HEALTH_URL}.data"],
    }
    return post(app, body)


def click(app, key, search=""):
    output = callback_key(app, ids.HEALTH_SELECTION, "children")
    chart = {"type": ids.HEALTH_CHART, "name": "mixclass"}
    value = {"points": [{"customdata": key}]}
    body = {
        "output": output,
        "outputs": [
            {"id": ids.HEALTH_SELECTION, "property": "children"},
            {"id": ids.URL, "property": "pathname"},
            {"id": ids.URL, "property": "search"},
        ],
        "inputs": [[{"id": chart, "property": "clickData", "value": value}]],
        "state": [{"id": ids.URL, "property": "search", "value": search}],
        "changedPropIds": [json.dumps(chart, separators=(",", ":"), sort_keys=True) + ".clickData"],
    }
    return post(app, body)


def figures(answer):
    """The ids and figures of the dcc.Graph components of an answer."""
    found = {}

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "Graph":
                found[node["props"]["id"]["name"]] = node["props"]["figure"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(answer)
    return found


def test_hp001_the_page_is_built_for_health_only(demo):
    status, answer = show(demo, pathname="/")
    assert status in (200, 204)
    assert not answer.get("response")  # nothing to update: the map page never gets the health charts
    status, answer = show(demo)
    assert status == 200
    charts = figures(answer["response"][ids.HEALTH_BODY])
    assert {"mixclass", "mixloc", "day", "inc", "svc", "class", "group", "pareto-inc"} <= set(charts)
    assert "Asset health" in json.dumps(answer["response"][ids.HEALTH_FILTERS])


def test_hp002_status_colours_come_from_the_vocabulary_and_marks_carry_their_keys(demo):
    _, answer = show(demo)
    bars = figures(answer["response"][ids.HEALTH_BODY])["mixclass"]["data"]
    down = next(trace for trace in bars if trace["name"] == "Down")
    assert down["marker"]["color"] == "#B22222"
    assert all(key.startswith("mixclass|") and key.endswith("|4") for key in down["customdata"])


def test_hp003_a_filter_narrows_the_scope_and_the_filters_write_the_url(demo):
    _, everything = show(demo)
    _, servers = show(demo, search="?class=server&days=7")
    assert "CIs in scope" in json.dumps(servers["response"][ids.HEALTH_BODY])
    scope = json.dumps(servers["response"][ids.HEALTH_BODY])
    assert "the last 7 days" in scope
    assert scope != json.dumps(everything["response"][ids.HEALTH_BODY])
    key = next(
        k
        for k in demo.callback_map
        if k.startswith(f"{ids.URL}.search@") and "health-filter" in str(demo.callback_map[k]["inputs"])
    )
    specs = [{"id": {"type": ids.HEALTH_FILTER, "name": name}, "property": "value"} for name in ("class", "days")]
    body = {
        "output": key,
        "outputs": {"id": ids.URL, "property": "search"},
        "inputs": [[spec | {"value": value} for spec, value in zip(specs, [["server"], "90"], strict=True)]],
        "state": [
            {"id": ids.URL, "property": "pathname", "value": "/health"},
            {"id": ids.URL, "property": "search", "value": ""},
        ],
        "changedPropIds": [],
    }
    status, answer = post(demo, body)
    assert status == 200
    assert answer["response"][ids.URL]["search"] == "?class=server&days=90"


def test_hp004_a_click_on_one_ci_opens_the_map_and_on_many_lists_them_with_links(demo):
    status, answer = click(demo, "ci|5")
    assert status == 200
    assert answer["response"][ids.URL] == {"pathname": "/", "search": "?root=5"}
    status, answer = click(demo, "mixclass|virtual_machine|0")
    listed = json.dumps(answer["response"][ids.HEALTH_SELECTION])
    assert "Virtual machine CIs that are OK now" in listed
    assert "(/?root=" in listed  # every row links to the map centred on its CI
    status, answer = click(demo, "mixclass|database|99")
    assert status in (200, 204)
    assert not answer.get("response")  # a forged status selects nothing


def test_hp005_a_servicenow_replica_read_through_its_profile_draws(sqlite_db):
    build_replica(sqlite_db)
    settings = Settings.from_env({}, database_url=sqlite_db, profile="servicenow", refresh_seconds=0, anonymous=True)
    status, answer = show(create_app(settings), search="?days=3650")
    assert status == 200
    charts = figures(answer["response"][ids.HEALTH_BODY])
    assert "mixclass" in charts
    assert "inc" in charts


def test_hp006_a_cmdb_of_incidents_only_says_what_is_missing_instead_of_empty_charts(sqlite_db):
    now = datetime.now(UTC).replace(tzinfo=None)
    write(
        sqlite_db,
        ci=[ci(1, "app-1", "application")],
        incident=[
            incident(f"INC{i}", 1 if i == 0 else None, priority=1 + i % 5, opened_at=now - timedelta(days=i))
            for i in range(12)
        ],
    )
    app = create_app(Settings.from_env({}, database_url=sqlite_db, refresh_seconds=0, anonymous=True))
    status, answer = show(app)
    assert status == 200
    text = json.dumps(answer["response"][ids.HEALTH_BODY])
    assert "holds no health events" in text
    assert "11 of the 12 incidents the CMDB holds name no CI" in text
    assert "every CI's status is unknown" in text
    charts = figures(answer["response"][ids.HEALTH_BODY])
    assert not {"mixclass", "mixloc", "day", "heat"} & set(charts)
    assert sum(sum(trace["y"]) for trace in charts["inc"]["data"]) == 12


@pytest.mark.parametrize(
    "forged",
    [
        "not a list",
        [{"id": {"type": "other", "name": "x"}, "property": "clickData", "value": None}],
        [{"id": {"type": ids.HEALTH_CHART, "name": True}, "property": "clickData", "value": None}],
        [{"id": {"type": ids.HEALTH_CHART, "name": "x", "extra": 1}, "property": "clickData", "value": None}],
        [{"id": {"type": ids.HEALTH_CHART, "name": "x"}, "property": "figure", "value": None}],
    ],
)
def test_hp007_a_forged_pattern_matching_input_is_refused(demo, forged):
    output = callback_key(demo, ids.HEALTH_SELECTION, "children")
    body = {
        "output": output,
        "outputs": [
            {"id": ids.HEALTH_SELECTION, "property": "children"},
            {"id": ids.URL, "property": "pathname"},
            {"id": ids.URL, "property": "search"},
        ],
        "inputs": [forged],
        "state": [{"id": ids.URL, "property": "search", "value": ""}],
        "changedPropIds": [],
    }
    status, _ = post(demo, body)
    assert status == 400


def test_hp008_an_empty_cmdb_says_so_and_a_click_finds_nothing(sqlite_db):
    write(sqlite_db, ci=[])
    app = create_app(Settings.from_env({}, database_url=sqlite_db, refresh_seconds=0, anonymous=True))
    status, answer = show(app, search="?service=5&days=0")
    assert status == 200
    text = json.dumps(answer["response"][ids.HEALTH_BODY])
    assert "0 CIs in scope" in text
    assert "holds no health events" in text
    assert "holds no incidents" in text
    assert not figures(answer["response"][ids.HEALTH_BODY])
    status, answer = click(app, "day|2026-11-30|4")
    assert status == 200
    assert ": 0 CIs" in json.dumps(answer["response"][ids.HEALTH_SELECTION])


def test_hp009_netbox_shaped_data_says_its_health_events_are_older_than_the_window(shared_data, sqlite_db):
    from dashboard.imports import import_batch, parse

    import_batch(sqlite_db, parse("netbox-json", [shared_data / "netbox-demo/netbox-demo-v3.6.json"]), progress=False)
    app = create_app(Settings.from_env({}, database_url=sqlite_db, refresh_seconds=0, anonymous=True))
    status, answer = show(app)
    assert status == 200
    text = json.dumps(answer["response"][ids.HEALTH_BODY])
    assert "holds no incidents" in text  # a NetBox estate has devices and statuses, no incidents
    assert "older than the 7-day health window" in text  # the fixture's events are from its export, years ago
    assert "SERVICEMAP_HEALTH_DAYS=" in text
    filters = json.dumps(answer["response"][ids.HEALTH_FILTERS])
    assert "Rack" in filters  # its classes are offered as filters


def test_he201_a_change_failure_bar_lists_the_cis_changed_and_a_no_ci_bar_says_how_many(demo):
    _, page = show(demo)
    by_type = figures(page)[ids.HEALTH_CHANGE_FAILURES_BY_TYPE]["data"][0]
    failed = [
        key for key, text in zip(by_type["customdata"], by_type["text"], strict=True) if not text.startswith("0%")
    ]
    assert failed, by_type
    status, answer = click(demo, failed[0])
    assert status == 200
    text = json.dumps(answer)
    assert "CIs changed by failed changes of change type" in text
    assert "open on map" in text or "?root=" in text
    by_group = figures(page)[ids.HEALTH_NO_CI_BY_GROUP]["data"][0]
    status, answer = click(demo, by_group["customdata"][0])
    assert status == 200
    assert "name no CI" in json.dumps(answer)


def test_he202_the_pager_of_change_pairs_answers_with_a_page_of_the_urls_pairs(demo):
    from dashboard.change_failures import LISTED
    from dashboard.domain.health_scope import parse_health
    from dashboard.health_data import health_data
    from dashboard.health_reports import health_reports

    derived = demo.server.extensions["servicemap"].current()
    view = health_reports(derived, health_data(derived), parse_health("?days=90")).changes
    assert view.pair_count, "the demo has changes followed by incidents"
    pager = {"type": ids.HEALTH_PAIRS_OLDER, "name": "changes"}
    key = callback_key(
        demo, json.dumps({"name": ["MATCH"], "type": ids.HEALTH_PAIRS_LIST}, separators=(",", ":")), "children"
    )
    body = {
        "output": key,
        "outputs": {"id": {"type": ids.HEALTH_PAIRS_LIST, "name": "changes"}, "property": "children"},
        "inputs": [
            {"id": {"type": ids.HEALTH_PAIRS_NEWER, "name": "changes"}, "property": "n_clicks", "value": None},
            {"id": pager, "property": "n_clicks", "value": 1},
        ],
        "state": [
            {"id": {"type": ids.HEALTH_PAIRS_PAGE, "name": "changes"}, "property": "data", "value": 0},
            {"id": ids.URL, "property": "search", "value": "?days=90"},
        ],
        "changedPropIds": [json.dumps(pager, separators=(",", ":"), sort_keys=True) + ".n_clicks"],
    }
    status, answer = post(demo, body)
    assert status == 200, answer
    text = json.dumps(answer)
    assert view.pairs[0].change in text
    pages = -(-view.pair_count // LISTED)
    assert ("Showing pairs" in text) == (pages > 1)
