"""The wall's refresh callback through Flask's test client: tiles worst first, the rotation's map, staleness."""

import json
import shutil
import threading
from datetime import UTC, datetime, timedelta

import pytest

import callbacks.wall
from dashboard.app import create_app
from dashboard.auth import HIDDEN_CAUSE
from dashboard.cmdb.derived import RECENT
from dashboard.settings import Settings
from layouts import ids
from tests.callbacks import callback_request, post
from tests.rows import ci, health, rel, write


@pytest.fixture
def cmdb(sqlite_db):
    write(
        sqlite_db,
        ci=[
            ci(1, "Payroll", "business_service"),
            ci(2, "payroll-app", "application"),
            ci(3, "Online Banking", "business_service"),
            ci(4, "ob-app", "application"),
        ],
        relationship=[rel(1, 1, "depends on", 2), rel(2, 3, "depends on", 4)],
        health=[health(1, 4, "down"), health(2, 2, "ok")],
    )
    return sqlite_db


def refresh(app, search=""):
    body = callback_request(
        app, ids.WALL_TILES, "children", {f"{ids.WALL_REQUEST}.data": {"tick": 1}, f"{ids.URL}.search": search}
    )
    status, data = post(app, body)
    assert status == 200
    return data["response"]


def test_wa001_tiles_come_worst_first_with_the_likely_fault(cmdb):
    app = create_app(Settings.from_env({}, database_url=cmdb, refresh_seconds=0, anonymous=True))
    answer = refresh(app)
    text = json.dumps(answer[ids.WALL_TILES]["children"])
    assert text.index("Online Banking") < text.index("Payroll")
    assert "Likely fault: " in text
    assert "ob-app" in text
    assert answer[ids.WALL_ANSWER]["data"]["loaded_at"] > 0
    assert abs(answer[ids.WALL_ANSWER]["data"]["checked_at"] - answer[ids.WALL_ANSWER]["data"]["loaded_at"]) < 60_000
    assert answer[ids.WALL_ANSWER]["data"]["error"] is None


def test_wa008_a_critical_service_comes_before_medium_ones_with_the_same_status_and_incidents(sqlite_db):
    write(
        sqlite_db,
        ci=[ci(1, "A medium", "business_service"), ci(2, "B medium", "business_service"),
            ci(3, "C critical", "business_service", criticality="critical"),
            ci(4, "D unknown", "business_service", criticality=None)],
    )  # fmt: skip
    app = create_app(Settings.from_env({}, database_url=sqlite_db, refresh_seconds=0, anonymous=True))
    text = json.dumps(refresh(app)[ids.WALL_TILES]["children"])
    assert text.index("C critical") < text.index("A medium") < text.index("B medium") < text.index("D unknown")


def test_wa009_since_is_the_start_of_the_current_trouble_from_the_health_history(sqlite_db):
    now = datetime.now(UTC).replace(tzinfo=None, second=0, microsecond=0)
    write(
        sqlite_db,
        ci=[ci(1, "Payroll", "business_service"), ci(2, "payroll-app", "application")],
        relationship=[rel(1, 1, "depends on", 2)],
        health=[health(1, 2, "ok", observed_at=now - timedelta(hours=5)),
                health(2, 2, "degraded", observed_at=now - timedelta(hours=3)),
                health(3, 2, "down", observed_at=now - timedelta(minutes=20))],
    )  # fmt: skip
    app = create_app(Settings.from_env({}, database_url=sqlite_db, refresh_seconds=0, anonymous=True))
    text = json.dumps(refresh(app)[ids.WALL_TILES]["children"])
    started = now - timedelta(hours=3)
    day = "" if started.date() == now.date() else f"{started:%d}\\u00a0{started:%b}\\u00a0"
    assert f"since\\u00a0{day}{started:%H:%M}\\u00a0UTC" in text  # not 20 min ago (degraded → down)


def test_wa002_rotation_shows_the_trouble_map_of_a_service_that_is_not_ok(cmdb, monkeypatch):
    monkeypatch.setattr(callbacks.wall, "rotation_step", lambda *_: 0)  # a step showing the first map
    app = create_app(Settings.from_env({}, database_url=cmdb, refresh_seconds=0, anonymous=True))
    answer = refresh(app, "?rotate=20")
    assert answer[ids.WALL_TILES]["hidden"] is True
    assert answer[ids.WALL_ROTATION]["hidden"] is False
    cytoscape = answer[ids.WALL_MAP]["children"]
    labels = [e["data"].get("label") for e in cytoscape["props"]["elements"]]
    assert "Online Banking" in labels
    assert "ob-app" in labels
    assert "Payroll" not in labels


def test_wa003_a_failed_refresh_is_reported_to_the_wall(cmdb, tmp_path):
    app = create_app(Settings.from_env({}, database_url=cmdb, refresh_seconds=0, anonymous=True))
    shutil.move(tmp_path / "cmdb.sqlite", tmp_path / "gone.sqlite")
    app.server.extensions["servicemap"].store.refresh()
    answer = refresh(app)[ids.WALL_ANSWER]["data"]
    assert answer["error"] == HIDDEN_CAUSE  # anonymous viewers: a sentence; the cause is logged under the error id
    assert answer["error_id"]
    assert answer["failed_at"] >= answer["loaded_at"]


def test_wa010_every_other_rotation_step_is_the_overview_of_every_service(cmdb, monkeypatch):
    monkeypatch.setattr(callbacks.wall, "rotation_step", lambda *_: None)
    app = create_app(Settings.from_env({}, database_url=cmdb, refresh_seconds=0, anonymous=True))
    answer = refresh(app, "?rotate=20")
    assert answer[ids.WALL_TILES]["hidden"] is False
    assert answer[ids.WALL_ROTATION]["hidden"] is True
    assert "Payroll" in json.dumps(answer[ids.WALL_TILES]["children"])


def test_wa011_a_wall_of_troubled_cis_says_since_when_each_is_in_trouble(cmdb):
    app = create_app(Settings.from_env({}, database_url=cmdb, refresh_seconds=0, anonymous=True))
    answer = refresh(app, "?tiles=ci")
    text = json.dumps(answer[ids.WALL_TILES]["children"])
    assert "ob-app" in text
    assert "since\\u00a0before" in text  # its one event is the first the history holds: it began then or earlier


def test_wa012_a_url_naming_no_service_of_the_cmdb_says_so(cmdb):
    app = create_app(Settings.from_env({}, database_url=cmdb, refresh_seconds=0, anonymous=True))
    text = json.dumps(refresh(app, "?services=999")[ids.WALL_TILES]["children"])
    assert "None of the services the URL names is in the CMDB." in text


DOWN_COUNT = "✕\u00a0{}\u00a0Down"  # the band's count of services down


def test_wa013_while_a_reload_warms_the_wall_shows_the_previous_data_and_says_its_time(cmdb):
    app = create_app(Settings.from_env({}, database_url=cmdb, refresh_seconds=0, anonymous=True))
    services = app.server.extensions["servicemap"]
    first = services.store.snapshot
    assert services.views.of(first).warmed.wait(30)
    warming = threading.Event()
    services.views.warmers = (lambda derived: warming.wait(30),)  # the next snapshot's warm-up takes its time
    try:
        write(cmdb, health=[health(3, 4, "ok", observed_at=datetime.now(UTC).replace(tzinfo=None))])
        assert services.store.refresh(force=True)
        second = services.store.snapshot
        assert second is not first
        answer = refresh(app)
        assert answer[ids.WALL_ANSWER]["data"]["loaded_at"] == int(first.loaded_at.timestamp() * 1000)
        # Online Banking is down in the first snapshot's data (ob-app's event), not in the second's.
        assert DOWN_COUNT.format(1) in json.dumps(answer[ids.WALL_TILES]["children"], ensure_ascii=False)
    finally:
        warming.set()
    assert services.views.of(second).warmed.wait(30)
    answer = refresh(app)
    assert answer[ids.WALL_ANSWER]["data"]["loaded_at"] == int(second.loaded_at.timestamp() * 1000)
    assert DOWN_COUNT.format(0) in json.dumps(answer[ids.WALL_TILES]["children"], ensure_ascii=False)


def test_wa014_each_kind_of_wall_is_computed_once_per_snapshot_and_urls_cannot_grow_what_is_kept(cmdb):
    app = create_app(Settings.from_env({}, database_url=cmdb, refresh_seconds=0, anonymous=True))
    derived = app.server.extensions["servicemap"].views.of(app.server.extensions["servicemap"].store.snapshot)
    builds = []
    for key in [*range(RECENT + 1), 0]:
        derived.recent(("test", key), lambda key=key: builds.append(key))
    assert builds == [*range(RECENT + 1), 0]  # key 0 was the least recent when RECENT + 1 were asked for
    derived.recent(("test", RECENT), lambda: builds.append("again"))
    assert builds[-1] == 0  # the most recent ones are kept
    first = refresh(app, "?refresh=30&theme=light")
    assert derived.recent(("wall", "", frozenset()), lambda: builds.append("wall")) is not None
    assert refresh(app, "?refresh=10")[ids.WALL_TILES] == first[ids.WALL_TILES]
    assert builds[-1] == 0  # refresh and theme share the kept wall
