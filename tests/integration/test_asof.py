"""The map as of a time (asof=) through the app's callbacks: statuses, incidents and changes as they were, a banner
that says it is not live and that the topology is today's, and a bad asof= ignored with a notice."""

from datetime import UTC, datetime, timedelta

import pytest

from dashboard.app import create_app
from dashboard.settings import Settings
from layouts import ids
from tests.callbacks import callback_request, post, request_for_key
from tests.rows import ci, health, incident, rel, write

NOW = datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def ago(hours: float) -> datetime:
    return NOW - timedelta(hours=hours)


def stamp(moment: datetime) -> str:
    """The time as asof= keeps it: seconds only when not zero (a run started on a whole minute must match too)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S" if moment.second else "%Y-%m-%dT%H:%M")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """Service 1 → app 2 → server 3; the server was down from 20 h to 18 h ago, the app had a P1 from 19 h to 17 h
    ago, the server a change 21 h ago."""
    url = f"sqlite:///{tmp_path_factory.mktemp('asof') / 'cmdb.sqlite'}"
    write(
        url,
        ci=[ci(1, "Payments", "business_service"), ci(2, "pay-api", "application"), ci(3, "pay-db01", "server")],
        relationship=[rel(1, 1, "depends on", 2), rel(2, 2, "runs on", 3)],
        health=[
            health(1, 3, "ok", observed_at=ago(30)),
            health(2, 3, "down", observed_at=ago(20)),
            health(3, 3, "ok", observed_at=ago(18)),
            health(4, 2, "ok", observed_at=ago(30)),
        ],
        incident=[incident("INC1", 2, 1, "resolved", opened_at=ago(19), resolved_at=ago(17))],
        change=[
            {
                "number": "CHG1",
                "ci_id": 3,
                "state": "closed",
                "summary": "Patch",
                "planned_start": ago(21),
                "planned_end": ago(20.5),
                "actual_start": ago(21),
                "actual_end": ago(20.5),
                "updated_at": ago(20),
            }
        ],
    )
    return create_app(Settings.from_env({}, database_url=url, refresh_seconds=0, anonymous=True))


def draw(app, search):
    values = {f"{ids.URL}.search": search, f"{ids.MAP_TRAIL_STORE}.data": [], f"{ids.MAP_GRAPH}.layout": None}
    status, data = post(app, callback_request(app, ids.MAP_GRAPH, "elements", values, "url.search"))
    assert status == 200
    response = data["response"]
    classes = {e["data"]["id"]: e["classes"].split() for e in response[ids.MAP_GRAPH]["elements"]}
    return classes, str(response[ids.MAP_NOTICE])


def test_ao001_the_map_as_of_t_shows_the_statuses_and_incidents_of_then(app):
    classes, notice = draw(app, f"?root=1&asof={stamp(ago(18.5))}")
    assert "s-down" in classes["ci-3"]
    assert "s-down" in classes["ci-1"]  # rolled up as it was
    assert {"inc", "p-high"} <= set(classes["ci-2"])
    assert f"As of {stamp(ago(18.5)).replace('T', ' ')} UTC — not live." in notice
    assert "the topology is today's (the CMDB keeps no history of it)" in notice


def test_ao002_the_live_map_shows_now_and_no_banner(app):
    classes, notice = draw(app, "?root=1")
    assert "s-ok" in classes["ci-3"]
    assert "s-ok" in classes["ci-1"]
    assert "inc" not in classes["ci-2"]
    assert "not live" not in notice


def test_ao003_changes_are_counted_in_the_days_before_t(app):
    classes, _ = draw(app, f"?root=1&changes=1&asof={stamp(ago(20))}")
    assert "chg" in classes["ci-3"]
    classes, _ = draw(app, f"?root=1&changes=1&asof={stamp(ago(22))}")  # before the change
    assert "chg" not in classes["ci-3"]


def test_ao004_a_bad_asof_is_ignored_with_a_notice_never_a_traceback(app):
    classes, notice = draw(app, "?root=1&asof=last%20tuesday")
    assert "s-ok" in classes["ci-3"]
    assert "is not a time: this map is live" in notice
    assert "not live" not in notice.replace("this map is live", "")


def test_ao005_before_the_health_window_the_map_says_statuses_are_unknown(app):
    classes, notice = draw(app, f"?root=1&asof={stamp(ago(24 * 30))}")
    assert "s-unknown" in classes["ci-1"]
    assert (
        f"before the health history the snapshot holds (oldest event: {stamp(ago(30))[:16].replace('T', ' ')} UTC)"
        in notice
    )


def test_ao006_only_cis_with_incidents_keeps_those_open_then(app):
    classes, _ = draw(app, f"?root=1&only=incidents&asof={stamp(ago(18))}")
    assert "ci-2" in classes  # its P1 was open 18 h ago
    classes, _ = draw(app, "?root=1&only=incidents")
    assert "ci-2" not in classes  # resolved since


def slider(app, search):
    values = {f"{ids.URL}.search": search, f"{ids.SNAPSHOT_VERSION}.data": 1}
    status, data = post(app, callback_request(app, ids.MAP_ASOF, "min", values, "url.search"))
    assert status == 200
    return data["response"]


def travel(app, search, value, start, end, triggered=f"{ids.MAP_ASOF}.value"):
    values = {
        f"{ids.MAP_ASOF}.value": value,
        f"{ids.MAP_ASOF_LIVE}.n_clicks": 1,
        f"{ids.URL}.search": search,
        f"{ids.MAP_ASOF}.min": start,
        f"{ids.MAP_ASOF}.max": end,
    }
    key = next(k for k, c in app.callback_map.items() if any(i["id"] == ids.MAP_ASOF_LIVE for i in c["inputs"]))
    status, data = post(app, request_for_key(app, key, values, triggered))
    assert status in (200, 204)
    return data.get("response", {}).get(ids.URL, {}).get("search")  # None: nothing written


def seconds(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp())


def test_ao007_the_slider_spans_the_health_history_and_sits_at_now_when_live(app):
    answer = slider(app, "?root=1")
    start, end = answer[ids.MAP_ASOF]["min"], answer[ids.MAP_ASOF]["max"]
    assert start == seconds(ago(30)) - seconds(ago(30)) % 3600  # the oldest event, whole hours down
    # The right end is when the snapshot was read (NOW is when this module was imported: minutes earlier in a full run).
    loaded = app.server.extensions["servicemap"].store.snapshot.loaded_at
    assert abs(end - int(loaded.timestamp())) < 120
    assert answer[ids.MAP_ASOF]["value"] == end
    assert answer[ids.MAP_ASOF_SHOWN]["children"] == "Live"
    assert answer[ids.MAP_ASOF_LIVE]["hidden"] is True
    then = slider(app, f"?root=1&asof={stamp(ago(19))}")
    assert then[ids.MAP_ASOF]["value"] == seconds(ago(19))
    assert then[ids.MAP_ASOF_SHOWN]["children"].endswith("UTC — not live")
    assert then[ids.MAP_ASOF_LIVE]["hidden"] is False


def test_ao008_moving_the_slider_writes_asof_and_its_right_end_or_the_button_goes_live(app):
    start, end = seconds(ago(30)), seconds(NOW)
    moved = travel(app, "?root=1&depth=2", seconds(ago(19)), start, end)
    assert moved == f"?root=1&depth=2&asof={stamp(ago(19)).replace(':', '%3A')}"
    assert travel(app, moved, end, start, end) == "?root=1&depth=2"
    assert travel(app, moved, seconds(ago(19)), start, end) is None  # the URL set the slider: nothing moved
    assert travel(app, moved, seconds(ago(19)), start, end, f"{ids.MAP_ASOF_LIVE}.n_clicks") == "?root=1&depth=2"


def elements(app, search):
    values = {f"{ids.URL}.search": search, f"{ids.MAP_TRAIL_STORE}.data": [], f"{ids.MAP_GRAPH}.layout": None}
    _, data = post(app, callback_request(app, ids.MAP_GRAPH, "elements", values, "url.search"))
    return {e["data"]["id"]: e for e in data["response"][ids.MAP_GRAPH]["elements"]}


def test_ao009_diff_marks_the_cis_whose_status_changed_and_lists_what_changed(app):
    search = f"?root=1&asof={stamp(ago(18.5))}&diff={stamp(ago(25))}"
    drawn = elements(app, search)
    changed = {i for i, e in drawn.items() if "diff" in e["classes"].split()}
    assert changed == {"ci-1", "ci-2", "ci-3"}  # the server went down, and with it what stands on it
    assert drawn["ci-3"]["data"]["was"] == "OK → Down"
    _, notice = draw(app, search)
    assert "3 CIs changed status (marked on the map), 1 incident opened, 0 resolved, 1 change." in notice
    assert "INC1 P1 · pay-api" in notice
    assert "CHG1 · pay-db01" in notice


def test_ao010_diff_without_asof_compares_with_now_and_a_bad_diff_is_reported(app):
    _, notice = draw(app, f"?root=1&diff={stamp(ago(19.5))}")
    assert f"Between {stamp(ago(19.5))[:16].replace('T', ' ')} UTC and now on this map" in notice
    assert "1 incident opened, 1 resolved" in notice
    classes, notice = draw(app, "?root=1&diff=whenever")
    assert "“diff=whenever” is not a time: nothing is compared." in notice
    assert not any("diff" in c for c in classes.values())


def test_ao011_the_details_panel_says_it_is_live_while_the_map_is_as_of_a_time(app):
    values = {
        f"{ids.URL}.search": f"?root=1&sel=3&asof={stamp(ago(19))}",
        f"{ids.MAP_SHOWN}.data": {"cis": [3], "edges": []},
        f"{ids.MAP_PANEL}.data": {},
    }
    _, data = post(app, callback_request(app, ids.MAP_DETAILS, "children", values, "url.search"))
    assert "these details (status, record, incidents) are live" in str(data["response"][ids.MAP_DETAILS])
