"""/health as of a time (asof=) through the app's callbacks: the status then, the range ending then, incidents
resolved later counted as open, the not-live banner, filters and clicks that keep asof=, a bad asof= ignored."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from dashboard.app import create_app
from dashboard.domain.vocabulary import Health
from dashboard.settings import Settings
from layouts import ids
from tests.callbacks import post
from tests.integration.test_asof_wall import app as app  # the same hand-made CMDB (a fixture)
from tests.integration.test_health import click, show

NOW = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
THEN = NOW - timedelta(hours=18.5)  # pay-db01 down (OK now), INC1 P1 on pay-api open (resolved since)
AS_OF = THEN.strftime("%Y-%m-%dT%H:%M:%S" if THEN.second else "%Y-%m-%dT%H:%M")
SHOWN = THEN.strftime("%Y-%m-%d %H:%M")


def body(app, search: str) -> str:
    status, answer = show(app, search=search)
    assert status == 200
    return json.dumps(answer["response"][ids.HEALTH_BODY], ensure_ascii=False)


def test_ah001_the_status_then_lists_the_server_down_then_and_ok_now(app):
    down = f"mixclass|server|{int(Health.DOWN)}"
    then = json.dumps(click(app, down, f"?asof={AS_OF}")[1]["response"][ids.HEALTH_SELECTION])
    assert "pay-db01" in then
    assert f"that are Down at {AS_OF.replace('T', ' ')} UTC" in then
    assert f"(/?asof={AS_OF.replace(':', '%3A')}&root=3)" in then  # each row opens the map at the same time
    now = json.dumps(click(app, down)[1]["response"][ids.HEALTH_SELECTION])
    assert "pay-db01" not in now


def test_ah002_the_range_ends_then_and_incidents_resolved_later_count_as_open(app):
    text = body(app, f"?asof={AS_OF}&days=7")
    assert f"– {SHOWN} UTC)" in text  # the last 7 days up to the time
    assert f"At {SHOWN} UTC, 2 incidents in scope were open (P1 1, P2 1)." in text  # INC1 on pay-api and INC2 on no CI
    assert "Status at " in text
    assert "incidents in scope were open" not in body(app, "?days=7")


def test_ah003_a_banner_says_the_page_is_not_live(app):
    text = body(app, f"?asof={AS_OF}")
    assert "n-asof-past" in text
    assert "— not live." in text
    assert "n-asof-past" not in body(app, "")


@pytest.mark.parametrize("forged", ["tomorrow", "2026-02-30T10:00", "1" * 41, "%00"])
def test_ah004_a_bad_asof_is_ignored_with_a_notice(app, forged):
    text = body(app, f"?asof={forged}")
    assert "is not a time: this page is live" in text
    assert "n-asof-past" not in text


def test_ah005_a_filter_change_keeps_the_time_in_the_url(app):
    key = next(
        k
        for k in app.callback_map
        if k.startswith(f"{ids.URL}.search@") and "health-filter" in str(app.callback_map[k]["inputs"])
    )
    specs = [{"id": {"type": ids.HEALTH_FILTER, "name": name}, "property": "value"} for name in ("class", "days")]
    request = {
        "output": key,
        "outputs": {"id": ids.URL, "property": "search"},
        "inputs": [[spec | {"value": value} for spec, value in zip(specs, [["server"], "7"], strict=True)]],
        "state": [
            {"id": ids.URL, "property": "pathname", "value": "/health"},
            {"id": ids.URL, "property": "search", "value": f"?asof={AS_OF}"},
        ],
        "changedPropIds": [],
    }
    status, answer = post(app, request)
    assert status == 200
    assert answer["response"][ids.URL]["search"] == f"?class=server&days=7&asof={AS_OF.replace(':', '%3A')}"


def test_ah006_a_click_on_one_ci_opens_the_map_at_the_same_time(app):
    status, answer = click(app, "ci|3", f"?asof={AS_OF}")
    assert status == 200
    assert answer["response"][ids.URL] == {"pathname": "/", "search": f"?root=3&asof={AS_OF.replace(':', '%3A')}"}


def test_ah007_the_demo_draws_as_of_a_day_ago(demo_cmdb):
    demo = create_app(Settings.from_env({}, database_url=demo_cmdb, refresh_seconds=0, anonymous=True))
    when = (NOW - timedelta(days=1)).strftime("%Y-%m-%dT%H:00")
    text = body(demo, f"?asof={when}")
    assert "CIs in scope" in text
    assert "n-asof-past" in text


def test_ah008_availability_is_not_shown_as_of_a_time_and_says_why(app):
    assert "Not shown as of a time: availability is worked out" in body(app, f"?asof={AS_OF}")
    assert "Not shown as of a time" not in body(app, "")
