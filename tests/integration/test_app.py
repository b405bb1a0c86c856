"""The Dash app through Flask's test client: pages, callbacks, forged requests."""

import json

import pytest

from dashboard.app import create_app
from dashboard.settings import Settings
from layouts import ids
from tests.callbacks import callback_request
from tests.rows import ci, rel, write


@pytest.fixture
def app(sqlite_db):
    write(
        sqlite_db,
        ci=[ci(1, "Online Banking", "business_service"), ci(2, "<img src=x onerror=alert(1)>", "application")],
        relationship=[rel(1, 1, "depends on", 2), rel(2, 2, "runs on", 99)],
    )
    return create_app(Settings.from_env({}, database_url=sqlite_db, refresh_seconds=0, anonymous=True))


def overview_request(app, tick=0, pathname="/quality"):
    values = {f"{ids.OVERVIEW_TICK}.n_intervals": tick, f"{ids.URL}.pathname": pathname}
    return callback_request(app, ids.OVERVIEW_STATUS, "children", values)


def test_ap001_page_and_layout_are_served(app):
    client = app.server.test_client()
    page = client.get("/")
    assert page.status_code == 200
    assert b"servicemap" in page.data
    layout = client.get("/_dash-layout")
    assert layout.status_code == 200
    assert ids.OVERVIEW_TICK in layout.get_data(as_text=True)


def test_ap002_overview_shows_counts_age_and_findings(app):
    response = app.server.test_client().post("/_dash-update-component", json=overview_request(app))
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Data loaded" in text
    assert "Relationships to or from a CI that does not exist" in text
    # A hostile name travels as a JSON string (React renders it as text), never as markup Dash would inject.
    body = json.loads(text)["response"][ids.OVERVIEW_BODY]["children"]
    assert "dangerouslySetInnerHTML" not in json.dumps(body)


def test_ap003_every_callback_id_exists_in_the_layout(app):
    layout = app.server.test_client().get("/_dash-layout").get_data(as_text=True)
    for callback in app.callback_map.values():
        for item in [*callback["inputs"], *callback["state"]]:
            if item["id"].startswith("{"):  # a pattern-matching id: components a callback puts in later (/health)
                assert json.loads(item["id"])["type"] in vars(ids).values(), item
                continue
            assert f'"{item["id"]}"' in layout, item
    for output, callback in app.callback_map.items():
        if callback.get("no_output"):  # registered under a hash of its inputs: nothing to find in the layout
            continue
        for part in output.strip(".").split("..."):
            if part.startswith("{"):  # a pattern-matching id (MATCH): components a callback puts in later (/health)
                assert json.loads(part.rsplit(".", 1)[0])["type"] in vars(ids).values(), part
                continue
            assert f'"{part.split(".")[0]}"' in layout, part


@pytest.mark.parametrize(
    "payload",
    [
        {"output": "nope.children", "outputs": {"id": "nope", "property": "children"}, "inputs": [], "state": []},
        {"garbage": True},
        [],
    ],
)
def test_ap004_forged_callback_requests_get_4xx_not_500(app, payload):
    response = app.server.test_client().post("/_dash-update-component", json=payload)
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)[:300]


def test_ap005_shows_a_clear_message_when_the_cmdb_cannot_be_read(tmp_path):
    app = create_app(
        Settings.from_env({}, database_url=f"sqlite:///{tmp_path / 'gone.sqlite'}", refresh_seconds=0, anonymous=True)
    )
    response = app.server.test_client().post("/_dash-update-component", json=overview_request(app))
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "could not be read" in text
    assert "error id" in text


def test_pl003_the_page_layout_carries_the_snapshot_version_so_the_status_does_not_redraw_the_map(app):
    version = app.server.extensions["servicemap"].store.snapshot.version
    layout = json.loads(app.server.test_client().get("/_dash-layout").get_data(as_text=True))
    stores = [c for c in _components(layout) if c.get("props", {}).get("id") == ids.SNAPSHOT_VERSION]
    assert [s["props"]["data"] for s in stores] == [version]
    values = {f"{ids.OVERVIEW_TICK}.n_intervals": 0, f"{ids.SNAPSHOT_VERSION}.data": version}
    body = callback_request(app, ids.OVERVIEW_STATUS, "children", values)
    answer = app.server.test_client().post("/_dash-update-component", json=body).get_json()
    assert ids.SNAPSHOT_VERSION not in answer["response"]  # unchanged: the map is not drawn again


def _components(node: object) -> list[dict]:
    """Every component in a serialised layout."""
    if isinstance(node, list):
        return [c for child in node for c in _components(child)]
    if not isinstance(node, dict) or "props" not in node:
        return []
    return [node, *_components(node["props"].get("children"))]


def test_pl004_the_data_quality_body_is_sent_only_while_its_page_is_shown(app):
    on_map = app.server.test_client().post("/_dash-update-component", json=overview_request(app, pathname="/"))
    assert ids.OVERVIEW_BODY not in on_map.get_json()["response"]  # the map's cold load does not render a hidden page
    assert ids.OVERVIEW_STATUS in on_map.get_json()["response"]
    on_quality = app.server.test_client().post("/_dash-update-component", json=overview_request(app))
    assert "Relationships to or from a CI" in json.dumps(on_quality.get_json()["response"][ids.OVERVIEW_BODY])


def test_ch101_the_quality_page_shows_the_cmdb_health_score_and_each_snapshot_adds_a_trend_point(app):
    from dashboard.cmdb.health_trend import read_trend, trend_file
    from dashboard.settings import data_home

    snapshot = app.server.extensions["servicemap"].store.snapshot
    answer = app.server.test_client().post("/_dash-update-component", json=overview_request(app)).get_json()
    text = json.dumps(answer["response"][ids.OVERVIEW_BODY])
    assert "CMDB health" in text
    assert "Completeness" in text
    assert "By class, worst first" in text
    points = read_trend(trend_file(data_home(), snapshot.source))
    assert points[-1].loaded_at == snapshot.loaded_at
