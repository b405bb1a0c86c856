"""The /health report sections on the demo sample: changes followed by incidents, incidents without CI and lifecycle
risk each have something to show, and their counts add up."""

import numpy as np
import pandas as pd
import pytest

from dashboard.change_failures import change_failures_view
from dashboard.cmdb.lifecycle_dates import FINDING_CODE
from dashboard.cmdb.snapshot import load_snapshot
from dashboard.domain.vocabulary import CRITICALITIES
from dashboard.incidents_without_ci import incidents_without_ci_view
from dashboard.lifecycle import lifecycle_view
from layouts.change_failures import build_change_failures
from layouts.incidents_without_ci import build_incidents_without_ci
from layouts.lifecycle import build_lifecycle

DAYS = np.timedelta64(90, "D")


@pytest.fixture(scope="module")
def demo(demo_cmdb):
    snapshot = load_snapshot(demo_cmdb, fingerprint="f", source="demo")
    now = np.datetime64(snapshot.loaded_at.replace(tzinfo=None), "ns")
    return snapshot, np.ones(snapshot.index.node_count, dtype=bool), now


def test_hr001_changes_followed_by_incidents_add_up(demo):
    snapshot, everything, now = demo
    view = change_failures_view(snapshot, everything, now - DAYS, now)
    assert view.changes > 0
    assert view.pairs
    assert 0 < view.failed <= view.changes
    assert len({p.change for p in view.pairs}) == view.failed
    for rates in (view.by_type, view.by_team):
        assert sum(r.changes for r in rates) == view.changes
        assert sum(r.failed for r in rates) == view.failed
    assert {r.label for r in view.by_type} <= {"standard", "normal", "emergency"}
    for pair in view.pairs:
        assert pair.changed_at <= pair.opened_at < pair.changed_at + pd.Timedelta(hours=24)
    assert build_change_failures(view).children


def test_hr002_incidents_with_and_without_ci_are_every_incident_in_range(demo):
    snapshot, everything, now = demo
    view = incidents_without_ci_view(snapshot, everything, now - DAYS, now)
    opened = pd.to_datetime(snapshot.tables["incident"]["opened_at"]).to_numpy(dtype="datetime64[ns]")
    assert view.with_ci + view.without_ci == view.total == int(((opened >= now - DAYS) & (opened < now)).sum())
    assert view.without_ci > 0
    assert view.incidents
    for counts in (view.by_group, view.by_category):
        assert sum(c.total for c in counts) == view.total
        assert sum(c.without_ci for c in counts) == view.without_ci
    assert build_incidents_without_ci(view).children


def test_hr003_lifecycle_risk_lists_hardware_under_services_and_reports_bad_dates(demo):
    snapshot, everything, now = demo
    view = lifecycle_view(snapshot, everything, now)
    assert view.at_risk > 0
    assert view.rows
    for count in view.counts:
        assert sum(count.counts.values()) == view.in_scope == snapshot.index.node_count
    assert sum(count.counts["Past"] + count.counts["Near"] for count in view.counts) >= view.at_risk
    assert any(row.services for row in view.rows)
    for row in view.rows:
        ranks = [_rank(service) for service in row.services]
        assert ranks == sorted(ranks)
    [finding] = view.findings
    assert finding.code == FINDING_CODE
    assert finding.count > 0
    assert build_lifecycle(view).children


def _rank(service: str) -> int:
    criticality = service.rsplit("(", 1)[1].rstrip(")")
    return CRITICALITIES.index(criticality) if criticality in CRITICALITIES else len(CRITICALITIES)


def test_hr004_a_cmdb_of_incidents_only_shows_them_all_as_without_ci():
    from datetime import datetime

    from dashboard.cmdb.snapshot import build_snapshot
    from tests.rows import frames, incident

    opened = datetime(2026, 11, 1, 12)
    rows = [incident(f"INC{i}", None, opened_at=opened, assignment_group="Service Desk") for i in range(5)]
    snapshot = build_snapshot(frames(incident=rows), fingerprint="f", source="desk")
    scope, now = np.zeros(0, dtype=bool), np.datetime64(opened, "ns")
    changes = change_failures_view(snapshot, scope, now - DAYS, now + DAYS)
    assert (changes.changes, changes.pairs, changes.by_type) == (0, (), ())
    desk = incidents_without_ci_view(snapshot, scope, now - DAYS, now + DAYS)
    assert (desk.total, desk.with_ci, desk.without_ci) == (5, 0, 5)
    assert [(c.label, c.without_ci) for c in desk.by_group] == [("Service Desk", 5)]
    lifecycle = lifecycle_view(snapshot, scope, now)
    assert (lifecycle.in_scope, lifecycle.at_risk, lifecycle.rows, lifecycle.findings) == (0, 0, (), ())
    for section in (build_change_failures(changes), build_incidents_without_ci(desk), build_lifecycle(lifecycle)):
        assert section.children


def test_hr005_a_csv_bundle_imports_the_change_type_and_team(tmp_path, sqlite_db):
    from dashboard.cmdb.load import load_frames
    from dashboard.cmdb.snapshot import build_snapshot
    from dashboard.imports import import_batch, parse

    (tmp_path / "ci.csv").write_text("id,name,class\n1,web-01,server\n")
    (tmp_path / "change.csv").write_text(
        "number,ci_id,state,summary,actual_end,updated_at,type,assignment_group\n"
        "CHG1,1,closed,Patch,2026-10-01 22:00:00,2026-10-02 08:00:00,emergency,Unix Ops\n"
    )
    import_batch(sqlite_db, parse("csv", [tmp_path]), progress=False)
    snapshot = build_snapshot(load_frames(sqlite_db), fingerprint="f", source="t")
    change = snapshot.tables["change"]
    assert change[["type", "assignment_group"]].iloc[0].tolist() == ["emergency", "Unix Ops"]


def test_hr006_the_health_page_ends_with_the_three_sections_and_links_their_cis_to_the_map(demo_cmdb):
    import json

    from dashboard.app import create_app
    from dashboard.settings import Settings
    from layouts import ids
    from tests.integration.test_health import figures, show

    app = create_app(Settings.from_env({}, database_url=demo_cmdb, refresh_seconds=0, anonymous=True))
    status, answer = show(app, search="?days=90")
    assert status == 200
    body = answer["response"][ids.HEALTH_BODY]
    text = json.dumps(body)
    for section in (ids.HEALTH_CHANGE_FAILURES, ids.HEALTH_NO_CI, ids.HEALTH_LIFECYCLE):
        assert f'"id": "{section}"' in text
    drawn = figures(body)
    assert {ids.HEALTH_CHANGE_FAILURES_BY_TYPE, ids.HEALTH_NO_CI_BY_GROUP, ids.HEALTH_LIFECYCLE_BUCKETS} <= set(drawn)
    assert "[open on map](/?root=" in text
    narrowed = json.dumps(show(app, search="?days=90&class=server")[1]["response"][ids.HEALTH_BODY])
    assert narrowed != text  # the sections follow the page's filters


def test_hr007_a_click_on_a_lifecycle_bar_lists_its_cis_and_a_forged_one_selects_nothing(demo_cmdb):
    import json

    from dashboard.app import create_app
    from dashboard.settings import Settings
    from layouts import ids
    from tests.integration.test_health import click, show

    app = create_app(Settings.from_env({}, database_url=demo_cmdb, refresh_seconds=0, anonymous=True))
    show(app, search="?days=90")  # the page as shown first: the lifecycle basis is kept with the snapshot
    status, answer = click(app, "life|warranty_expiration|0", "?days=90")
    assert status == 200
    text = json.dumps(answer["response"][ids.HEALTH_SELECTION]["children"])
    assert "Warranty: CIs past" in text
    assert "open on map" in text
    for forged in ("life|warranty_expiration|9", "life|nonsense|0", "life|end_of_life|x"):
        status, answer = click(app, forged, "?days=90")
        assert status in (200, 204)
        if status == 200 and ids.HEALTH_SELECTION in answer.get("response", {}):
            assert "open on map" not in json.dumps(answer["response"][ids.HEALTH_SELECTION])
