"""A business service's availability in its details panel: from a hand-made CMDB, through the app's callbacks."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from dashboard.app import create_app
from dashboard.availability import service_availability
from dashboard.settings import Settings
from layouts import ids
from tests.callbacks import callback_request, post
from tests.rows import ci, health, incident, rel, write

HOURS = 3600


@pytest.fixture(scope="module")
def cmdb(tmp_path_factory):
    """Service 1 (target 99.5 % as an attribute) → app 2 → server 3; service 4 has no attribute and nothing below."""
    url = f"sqlite:///{tmp_path_factory.mktemp('sla') / 'cmdb.sqlite'}"
    now = datetime.now(UTC).replace(tzinfo=None)
    write(
        url,
        ci=[
            ci(1, "Payments", "business_service", attributes=json.dumps({"sla_target": "99.5 %"})),
            ci(2, "pay-api", "application"),
            ci(3, "pay-db01", "server"),
            ci(4, "Intranet", "business_service", attributes=json.dumps({"sla_target": "high"})),
            ci(5, "Shop", "business_service", attributes=json.dumps({"sla_pct": 99.95})),
            ci(6, "Broken", "business_service"),
            ci(7, "broken-app", "application"),
        ],
        relationship=[rel(1, 1, "depends on", 2), rel(2, 2, "runs on", 3), rel(3, 6, "depends on", 7)],
        health=[
            health(1, 3, "ok", observed_at=now - timedelta(hours=30)),
            health(2, 3, "down", observed_at=now - timedelta(hours=20)),
            health(3, 3, "ok", observed_at=now - timedelta(hours=18)),
            health(5, 7, "down", observed_at=now - timedelta(hours=2)),  # down for the last two hours
        ],
        incident=[
            # Overlaps the health outage by an hour: 20 h ago to 17 h ago in all.
            incident(
                "INC1", 2, 1, "resolved", opened_at=now - timedelta(hours=19), resolved_at=now - timedelta(hours=17)
            ),
            incident(
                "INC2", 2, 2, "resolved", opened_at=now - timedelta(hours=5), resolved_at=now - timedelta(hours=4)
            ),
        ],
    )
    return url


@pytest.fixture(scope="module")
def app(cmdb):
    return create_app(Settings.from_env({}, database_url=cmdb, refresh_seconds=0, anonymous=True, sla_target=99.0))


def derived_of(app):
    services = app.server.extensions["servicemap"]
    return services.views.of(services.store.snapshot)


def test_sla001_outages_from_health_and_p1_incidents_are_merged_against_the_attribute_target(app):
    derived = derived_of(app)
    view = service_availability(derived, derived.snapshot.index.position(1), default_target=99.0)
    result = view.report
    assert result.outage_seconds == pytest.approx(3 * HOURS, abs=2)
    assert result.target == pytest.approx(99.5)
    assert result.target_source == "sla_target"
    assert result.incidents_counted == 1  # the P2 is a degradation
    assert result.budget_left_seconds == pytest.approx(30 * 86400 * 0.005 - 3 * HOURS, abs=2)
    assert sum(d.outage_seconds for d in result.days) == pytest.approx(result.outage_seconds)
    oldest = derived.snapshot.tables["health"]["observed_at"].min()  # 30 h ago
    assert view.health_note.startswith(f"Health history from {oldest:%Y-%m-%d %H:%M} UTC;")


def test_sla002_p2_incidents_count_when_the_setting_says_so(app):
    derived = derived_of(app)
    view = service_availability(derived, derived.snapshot.index.position(1), default_target=99.0, count_p2=True)
    assert view.report.outage_seconds == pytest.approx(4 * HOURS, abs=2)


def details(app, sel):
    values = {
        f"{ids.URL}.search": f"?root={sel}&sel={sel}",
        f"{ids.MAP_SHOWN}.data": {"cis": [sel], "edges": []},
        f"{ids.MAP_PANEL}.data": {},
    }
    status, data = post(app, callback_request(app, ids.MAP_DETAILS, "children", values, "url.search"))
    assert status == 200
    return json.dumps(data, ensure_ascii=False)


def test_sla003_the_details_of_a_service_say_its_availability_target_and_budget(app):
    shown = details(app, 1)
    assert "Availability 30 d: 99.58 % (target 99.5 %, budget +36 min)" in shown
    assert "its sla_target attribute" in shown
    assert "availability-chart" in shown


def test_sla004_a_service_without_an_attribute_takes_the_setting_and_says_it_has_no_health_history(app):
    shown = details(app, 4)
    assert "Availability 30 d: 100.00 % (target 99 %, budget +7.2 h)" in shown
    assert "No health events below this service" in shown


def test_sla005_other_cis_have_no_availability(app):
    assert "Availability 30 d" not in details(app, 3)


def test_sla006_the_sample_generators_sla_pct_is_a_target_too(app):
    derived = derived_of(app)
    view = service_availability(derived, derived.snapshot.index.position(5), default_target=99.0)
    assert view.report.target == pytest.approx(99.95)
    assert view.report.target_source == "sla_pct"


def wall_tiles(app, search):
    values = {f"{ids.WALL_REQUEST}.data": {"tick": 1}, f"{ids.URL}.search": search}
    status, data = post(app, callback_request(app, ids.WALL_TILES, "children", values))
    assert status == 200
    return json.dumps(data["response"][ids.WALL_TILES]["children"], ensure_ascii=False)


def test_sla007_with_sla_1_a_wall_tile_says_the_services_availability(app):
    shown = wall_tiles(app, "?sla=1")
    # Down for two hours of 30 days against the 99 % setting: 7.2 h allowed, 5.2 h left.
    assert "99.72 % · budget\u00a0+5.2 h" in shown
    assert "tile-sla" in shown
    assert "tile-sla" not in wall_tiles(app, "")
