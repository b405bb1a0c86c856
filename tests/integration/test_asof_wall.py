"""The wall as of a time (asof=) through the app's callbacks: tiles with the statuses, open incidents and likely
faults of then, a banner that says it is not live, the staleness answer still sent, a bad asof= ignored with a
notice."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from dashboard.app import create_app
from dashboard.settings import Settings
from layouts import ids
from tests.callbacks import callback_request, post
from tests.rows import ci, health, incident, rel, write

NOW = datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def ago(hours: float) -> datetime:
    return NOW - timedelta(hours=hours)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S" if moment.second else "%Y-%m-%dT%H:%M")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """Payments → pay-api → pay-db01 and Payroll → payroll-app. pay-db01 was down from 20 h to 18 h ago (OK now);
    pay-api had a P1 from 19 h to 17 h ago (resolved since); payroll-app is down now, OK before."""
    url = f"sqlite:///{tmp_path_factory.mktemp('asof_wall') / 'cmdb.sqlite'}"
    write(
        url,
        ci=[
            ci(1, "Payments", "business_service"),
            ci(2, "pay-api", "application"),
            ci(3, "pay-db01", "server"),
            ci(4, "Payroll", "business_service"),
            ci(5, "payroll-app", "application"),
        ],
        relationship=[rel(1, 1, "depends on", 2), rel(2, 2, "runs on", 3), rel(3, 4, "depends on", 5)],
        health=[
            health(1, 3, "ok", observed_at=ago(30)),
            health(2, 3, "down", observed_at=ago(20)),
            health(3, 3, "ok", observed_at=ago(18)),
            health(4, 2, "ok", observed_at=ago(30)),
            health(5, 5, "ok", observed_at=ago(30)),
            health(6, 5, "down", observed_at=ago(2)),
        ],
        incident=[
            incident("INC1", 2, 1, "resolved", opened_at=ago(19), resolved_at=ago(17), assignment_group="Apps"),
            incident("INC2", None, 2, "resolved", opened_at=ago(19.5), resolved_at=ago(16), assignment_group="DBA"),
        ],
    )
    return create_app(Settings.from_env({}, database_url=url, refresh_seconds=0, anonymous=True))


def refresh(app, search=""):
    values = {f"{ids.WALL_REQUEST}.data": {"tick": 1}, f"{ids.URL}.search": search}
    status, data = post(app, callback_request(app, ids.WALL_TILES, "children", values))
    assert status == 200
    return data["response"]


def tile_of(answer: dict, name: str) -> str:
    """The JSON of the tile whose name is `name`."""
    found = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            props = node.get("props", {})
            if "tile" in str(props.get("className", "")).split() and name in json.dumps(props.get("children")):
                found.append(json.dumps(node))
            for value in props.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(answer[ids.WALL_TILES]["children"])
    return min(found, key=len)


def test_aw001_a_service_down_then_and_ok_now_shows_down_with_its_fault_and_the_incident_open_then(app):
    live = refresh(app)
    assert "t-ok" in tile_of(live, "Payments")
    then = refresh(app, f"?asof={stamp(ago(18.5))}")
    payments = tile_of(then, "Payments")
    assert "t-down" in payments
    assert "Likely fault: " in payments
    assert "pay-db01" in payments
    assert "P1 1" in payments  # INC1 was open then (resolved 17 h ago, after the time)
    assert "since" in payments  # since 20 h before now: the start of the trouble of then
    assert "t-ok" in tile_of(then, "Payroll")  # down now, OK then


def test_aw002_the_banner_says_as_of_and_not_live_and_the_staleness_answer_still_comes(app):
    when = ago(18.5)
    answer = refresh(app, f"?asof={stamp(when)}&theme=light")
    heading = json.dumps(answer[ids.WALL_HEADING]["children"], ensure_ascii=False)
    assert f"AS OF {when.day} {when:%b} {when:%H:%M}" in heading
    assert "UTC — NOT LIVE" in heading
    assert "wall-as-of" in heading
    data = answer[ids.WALL_ANSWER]["data"]
    assert data["loaded_at"] > 0
    assert data["error"] is None
    assert data["as_of"] == stamp(when)
    assert "NOT LIVE" not in json.dumps(refresh(app)[ids.WALL_HEADING]["children"])


def test_aw003_the_page_class_marks_a_past_wall(app):
    body = callback_request(app, ids.WALL_TICK, "interval", {f"{ids.URL}.search": "?asof=2026-01-01"})
    status, data = post(app, body)
    assert status == 200
    assert "as-of" in data["response"][ids.PAGE_WALL]["className"]


@pytest.mark.parametrize("forged", ["yesterday", "2026-13-45", "9" * 30, "<script>", "0x10", 12, None, ["a"]])
def test_aw004_a_bad_asof_is_ignored_with_a_notice_never_a_traceback(app, forged):
    search = f"?asof={forged}" if isinstance(forged, str) else forged
    answer = refresh(app, search)
    heading = json.dumps(answer[ids.WALL_HEADING]["children"], ensure_ascii=False)
    assert "NOT LIVE" not in heading
    if isinstance(forged, str):
        assert "is not a time: this wall is live" in heading
    assert "t-down" in tile_of(answer, "Payroll")  # the live wall


def test_aw005_incidents_by_assignment_group_count_those_open_then(app):
    then = refresh(app, f"?asof={stamp(ago(18.5))}&tiles=assignment_group")
    assert "DBA" in json.dumps(then[ids.WALL_TILES]["children"])
    now = refresh(app, "?tiles=assignment_group")
    assert "DBA" not in json.dumps(now[ids.WALL_TILES]["children"])


def test_aw006_the_rotation_shows_the_trouble_map_of_then(app, monkeypatch):
    monkeypatch.setattr("callbacks.wall.rotation_step", lambda seconds, rotate, count: 0 if count else None)
    answer = refresh(app, f"?asof={stamp(ago(18.5))}&rotate=10")
    title = json.dumps(answer[ids.WALL_TITLE]["children"])
    assert "Payments" in title
    assert "pay-db01" in title


def test_aw007_the_warm_up_sorts_the_histories_of_asof_so_the_first_past_view_does_not(sqlite_db):
    write(sqlite_db, ci=[ci(1, "Payments", "business_service")], health=[health(1, 1, "ok")])
    fresh = create_app(Settings.from_env({}, database_url=sqlite_db, refresh_seconds=0, anonymous=True))
    services = fresh.server.extensions["servicemap"]
    derived = services.views.of(services.store.snapshot)
    assert derived.warmed.wait(30)
    assert {"asof_health", "asof_incidents"} <= set(derived.values)


def test_aw008_urls_with_many_times_cannot_grow_what_is_kept(app):
    from dashboard.asof import TIMES_KEPT

    for minutes in range(TIMES_KEPT + 3):
        refresh(app, f"?asof={stamp(ago(18.5) + timedelta(minutes=minutes))}")
    services = app.server.extensions["servicemap"]
    live = services.views.of(services.store.snapshot)
    assert len(live.values["asof_times"].kept) == TIMES_KEPT
