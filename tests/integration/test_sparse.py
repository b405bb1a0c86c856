"""Sparse CMDBs through Flask's test client: no business services, no CIs, no relationships, only old health.

Each CMDB is written with the native schema into SQLite; every screen must say what it shows, or why it shows
nothing and what to do.
"""

import json
from datetime import datetime

import pytest

from dashboard.app import create_app
from dashboard.cli import main
from dashboard.settings import Settings
from layouts import ids
from tests.callbacks import callback_request, post
from tests.rows import ci, health, incident, rel, write

OLD = datetime(2022, 8, 23, 10, 0, 0)


def app_of(url):
    return create_app(Settings.from_env({}, database_url=url, refresh_seconds=0, anonymous=True))


def opened_search(app):
    values = {
        f"{ids.URL}.search": "",
        f"{ids.URL}.pathname": "/",
        f"{ids.MAP_SCOPE}.value": "downstream",
        f"{ids.MAP_DEPTH}.value": "3",
        f"{ids.MAP_LAYOUT}.value": "layered",
        f"{ids.MAP_ONLY}.value": [],
        f"{ids.MAP_CHANGES}.value": 0,
    }
    status, data = post(app, callback_request(app, ids.URL, "search", values))
    assert status == 200
    return data["response"]


def draw(app, search):
    values = {f"{ids.URL}.search": search, f"{ids.MAP_TRAIL_STORE}.data": []}
    status, data = post(app, callback_request(app, ids.MAP_GRAPH, "elements", values, "url.search"))
    assert status == 200
    return data["response"]


def wall(app, search=""):
    values = {f"{ids.WALL_REQUEST}.data": {"tick": 1}, f"{ids.URL}.search": search}
    status, data = post(app, callback_request(app, ids.WALL_TILES, "children", values))
    assert status == 200
    return data["response"]


def quality(app):
    values = {f"{ids.OVERVIEW_TICK}.n_intervals": 0, f"{ids.URL}.pathname": "/quality"}
    status, data = post(app, callback_request(app, ids.OVERVIEW_STATUS, "children", values))
    assert status == 200
    return json.dumps(data["response"][ids.OVERVIEW_BODY]["children"])


@pytest.fixture
def network(sqlite_db):
    """Routers, switches and servers, no business service: core-1 carries the most; orphan 9 carries nothing."""
    write(
        sqlite_db,
        ci=[
            ci(1, "core-1", "router", location="FRA1", owner="Network"),
            ci(2, "edge-1", "router", location="FRA1", owner="Network"),
            ci(3, "sw-1", "switch", location="FRA1", owner="Network"),
            ci(4, "sw-2", "switch", location="AMS2", owner="Network"),
            ci(5, "db-1", "server", location="AMS2", owner="DBA"),
            ci(6, "web-1", "server", location=None, owner="Web"),
            ci(9, "lonely", "server", location="AMS2", owner="Web"),
        ],
        relationship=[
            rel(1, 2, "connects to", 1),
            rel(2, 3, "connects to", 1),
            rel(3, 4, "connects to", 1),
            rel(4, 5, "uplinked to", 4),
            rel(5, 6, "uplinked to", 3),
        ],
        health=[health(1, 4, "down"), health(2, 5, "ok"), health(3, 1, "ok")],
        incident=[incident("INC1", 9, priority=1), incident("INC2", 4, priority=2)],
    )
    return app_of(sqlite_db)


def test_sp001_without_business_services_the_map_opens_on_a_ci_that_matters_not_an_orphan(network):
    response = opened_search(network)
    # sw-2 (4) has an open incident and a dependent; lonely (9) has a P1 but no relationship at all.
    assert response[ids.URL]["search"] == "?root=4&dir=both"  # both ways: what depends on it is why it matters
    offered = [o["label"]["props"]["title"] for o in response[ids.MAP_ROOT]["options"]]
    assert any(label.startswith("sw-2") for label in offered)


def test_sp002_without_business_services_the_wall_shows_the_most_troubled_cis_and_says_so(network):
    answer = wall(network)
    heading = json.dumps(answer[ids.WALL_HEADING]["children"])
    assert "No business services in this CMDB" in heading
    tiles = json.dumps(answer[ids.WALL_TILES]["children"])
    assert tiles.index("sw-2") < tiles.index("lonely") < tiles.index("core-1")  # down, then P1, then dependents
    assert "Switch" in tiles
    assert "dependent" in tiles


def test_sp003_the_wall_groups_cis_by_location_owner_or_class_on_request(network):
    answer = wall(network, "?tiles=location")
    heading = json.dumps(answer[ids.WALL_HEADING]["children"])
    assert "CIs by location: 3 locations" in heading
    tiles = json.dumps(answer[ids.WALL_TILES]["children"])
    assert tiles.index("AMS2") < tiles.index("FRA1")  # AMS2 holds the down switch
    assert "(no location given)" in tiles
    assert "3 CIs \\u00b7 2 degraded or down" in tiles  # sw-2 down, and db-1 on it
    assert "Router" in json.dumps(wall(network, "?tiles=class")[ids.WALL_TILES]["children"])
    assert "DBA" in json.dumps(wall(network, "?tiles=owner")[ids.WALL_TILES]["children"])


def test_sp004_asking_for_services_that_do_not_exist_says_what_to_do(network):
    tiles = json.dumps(wall(network, "?tiles=services")[ids.WALL_TILES]["children"])
    assert "no business services" in tiles
    assert "?tiles=ci" in tiles


def test_sp005_a_filter_that_leaves_nothing_says_so(network):
    notice = json.dumps(draw(network, "?root=2&depth=1&only=incidents")[ids.MAP_NOTICE]["children"])
    assert "None of the 2 CIs in this view has an open incident" in notice


def test_sp006_a_root_that_does_not_exist_says_what_to_do(network):
    response = draw(network, "?root=777")
    assert response[ids.MAP_GRAPH]["elements"] == []
    notice = json.dumps(response[ids.MAP_NOTICE]["children"])
    assert "no CI with id 777" in notice
    assert "Pick another" in notice


def test_sp007_with_business_services_the_wall_stays_as_it_is_unless_asked(sqlite_db):
    write(
        sqlite_db,
        ci=[ci(1, "Payroll", "business_service"), ci(2, "payroll-app", "application")],
        relationship=[rel(1, 1, "depends on", 2)],
    )
    app = app_of(sqlite_db)
    answer = wall(app)
    assert answer[ids.WALL_HEADING]["children"] == []
    assert "Payroll" in json.dumps(answer[ids.WALL_TILES]["children"])
    asked = wall(app, "?tiles=ci")
    assert "most" in json.dumps(asked[ids.WALL_HEADING]["children"])
    assert "No business services" not in json.dumps(asked[ids.WALL_HEADING]["children"])


def test_sp008_an_empty_cmdb_says_so_on_the_map_the_wall_and_the_quality_page(sqlite_db):
    write(sqlite_db)
    app = app_of(sqlite_db)
    assert "root=" not in json.dumps(opened_search(app))
    response = draw(app, "")
    assert response[ids.MAP_GRAPH]["elements"] == []
    notice = json.dumps(response[ids.MAP_NOTICE]["children"])
    assert "This CMDB has no CIs." in notice
    assert "python -m dashboard import" in notice
    answer = wall(app)
    assert "This CMDB has no CIs." in json.dumps(answer[ids.WALL_TILES]["children"])
    assert answer[ids.WALL_TILES]["className"] == "tiles single"
    assert "This CMDB has no CIs." in quality(app)


def test_sp009_cis_without_relationships_say_every_map_is_one_ci(sqlite_db):
    write(sqlite_db, ci=[ci(1, "a"), ci(2, "b")], relationship=[rel(1, 1, "depends on", 99)])
    app = app_of(sqlite_db)
    notice = json.dumps(draw(app, "?root=1")[ids.MAP_NOTICE]["children"])
    assert "2 CIs but no relationships" in notice
    assert "All 1 relationship rows were left out" in notice
    assert "no relationships" in quality(app)


def test_sp010_health_older_than_the_window_is_said_on_every_screen_and_by_check(sqlite_db, capsys):
    write(
        sqlite_db,
        ci=[ci(1, "core-1", "router"), ci(2, "sw-1", "switch")],
        relationship=[rel(1, 2, "connects to", 1)],
        health=[health(1, 1, "down", observed_at=OLD), health(2, 2, "ok", observed_at=OLD.replace(hour=9))],
    )
    app = app_of(sqlite_db)
    said = "The newest health event is from 2022-08-23, older than the 7-day health window"
    assert said in json.dumps(wall(app)[ids.WALL_HEADING]["children"])
    assert said in json.dumps(draw(app, "?root=1")[ids.MAP_NOTICE]["children"])
    assert said in quality(app)
    assert main(["check", "--database-url", sqlite_db]) == 0
    out = capsys.readouterr().out
    assert "health.old" in out
    assert "SERVICEMAP_HEALTH_DAYS=" in out


def test_sp011_health_inside_the_window_says_nothing_about_age(sqlite_db):
    write(sqlite_db, ci=[ci(1, "core-1", "router")], health=[health(1, 1, "ok")])
    app = app_of(sqlite_db)
    assert app.server.extensions["servicemap"].store.snapshot.old_health is None
    assert "health window" not in json.dumps(wall(app)[ids.WALL_HEADING]["children"])
