"""Asset lifecycle risk on hand-made CIs: past, near and fine, dates that are not dates, critical services first."""

import json
from datetime import datetime

import dash_ag_grid as dag
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.cmdb.lifecycle_dates import FINDING_CODE, lifecycle_dates
from dashboard.cmdb.snapshot import build_snapshot
from dashboard.domain.lifecycle import (
    NO_SERVICE,
    Bucket,
    DateKind,
    aged_on,
    buckets,
    lifecycle_risk,
    parse_date,
    parse_dates,
    service_ranks,
    standing_services,
)
from dashboard.lifecycle import lifecycle_basis, lifecycle_view
from layouts import ids
from layouts.lifecycle import build_lifecycle
from tests.rows import ci, frames, rel
from tests.unit.graphs import graph

NOW = np.datetime64("2026-11-01T12:00:00", "s")
NEAR = np.timedelta64(90, "D")
SECOND = np.timedelta64(1, "s")


@pytest.mark.parametrize(
    ("offset", "bucket"),
    [
        (-SECOND, Bucket.PAST),
        (np.timedelta64(0, "s"), Bucket.NEAR),  # due now: not yet past
        (NEAR - SECOND, Bucket.NEAR),
        (NEAR, Bucket.FINE),  # exactly `near` ahead: fine
    ],
)
def test_lc001_past_near_and_fine_meet_at_now_and_now_plus_near(offset, bucket):
    dates = np.array([NOW + offset], dtype="datetime64[s]")
    assert buckets(dates, np.array([False]), NOW, NEAR).tolist() == [bucket]


def test_lc002_no_date_is_unknown_and_a_bad_date_is_not_a_date():
    dates = np.array(["NaT", "NaT"], dtype="datetime64[s]")
    assert buckets(dates, np.array([False, True]), NOW, NEAR).tolist() == [Bucket.UNKNOWN, Bucket.UNPARSEABLE]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-31", "2025-03-31T00:00:00"),
        ("2025/03/31", "2025-03-31T00:00:00"),
        (" 2025-03-31 10:00:00 ", "2025-03-31T10:00:00"),
        ("2025-03-31T10:00:00Z", "2025-03-31T10:00:00"),
        ("2025-03-31T10:00:00+02:00", "2025-03-31T08:00:00"),
    ],
)
def test_lc003_iso_dates_parse_as_naive_utc(text, expected):
    assert parse_date(text) == np.datetime64(expected, "s")


@pytest.mark.parametrize("text", ["31/03/2025", "03/04/2025", "TBD", "2025-02-30", "n/a", 20250331, ["2025-01-01"]])
def test_lc004_anything_else_is_not_a_date(text):
    assert parse_date(text) is None


def test_lc005_empty_values_are_no_date_and_bad_ones_are_flagged():
    dates, bad = parse_dates([None, "", "2025-01-01", "soon", float("nan")])
    assert np.isnat(dates).tolist() == [True, True, False, True, True]
    assert bad.tolist() == [False, False, False, True, False]


def test_lc006_hardware_ages_on_its_anniversary():
    installed = np.array(["2021-11-01T09:00", "2020-02-29", "NaT"], dtype="datetime64[s]")
    assert aged_on(installed, 5).astype(str).tolist() == ["2026-11-01T00:00:00", "2025-03-01T00:00:00", "NaT"]
    risk = lifecycle_risk(
        {}, (installed, np.zeros(3, dtype=bool)), np.array([True, False, True]), NOW, near_days=90, max_age_years=5
    )
    assert risk.buckets[DateKind.AGE].tolist() == [Bucket.PAST, Bucket.UNKNOWN, Bucket.UNKNOWN]  # 2: not hardware


@given(
    st.lists(
        st.one_of(st.none(), st.integers(-400, 400), st.sampled_from(["TBD", "31/12/2027"])), min_size=1, max_size=30
    ),
    st.integers(0, 365),
)
def test_lc007_every_ci_is_in_exactly_one_bucket_per_date_kind(offsets, near_days):
    values = [str((NOW + np.timedelta64(o, "D")).astype("datetime64[D]")) if isinstance(o, int) else o for o in offsets]
    dates, bad = parse_dates(values)
    n = len(values)
    risk = lifecycle_risk(
        dict.fromkeys((DateKind.END_OF_SUPPORT, DateKind.WARRANTY), (dates, bad)),
        (dates, bad),
        np.ones(n, dtype=bool),
        NOW,
        near_days,
    )
    for codes in risk.buckets.values():
        membership = np.stack([codes == b for b in Bucket])
        assert (membership.sum(axis=0) == 1).all()
    support = risk.buckets[DateKind.END_OF_SUPPORT]
    assert ((support == Bucket.UNPARSEABLE) == bad).all()
    assert ((support == Bucket.UNKNOWN) == (np.isnat(dates) & ~bad)).all()
    past = ~np.isnat(dates) & (dates < NOW)
    assert ((support == Bucket.PAST) == past).all()


def test_lc008_services_on_a_ci_come_most_critical_first():
    built = graph(
        {1: "business_service", 2: "business_service", 3: "business_service", 4: "application", 5: "server"},
        [(1, "depends on", 4), (2, "depends on", 4), (3, "depends on", 4), (4, "runs on", 5)],
    )
    index = built.index
    rank = np.zeros(index.node_count, dtype=np.int64)
    rank[index.locate(np.array([1, 2, 3]))] = [3, 0, 1]  # low, critical, high
    services = standing_services(index, int(index.locate(np.array([5]))[0]), rank)
    assert index.ci_ids[services].tolist() == [2, 3, 1]


SNAP_NOW = datetime(2026, 11, 1, 12, 0)


def attributes(**dates: object) -> str:
    return json.dumps({"os": "RHEL 9", **dates})


def snapshot():
    cis = [
        ci(1, "Payments", "business_service", criticality="critical"),
        ci(2, "Intranet", "business_service", criticality="low"),
        ci(3, "payments-app", "application"),
        ci(
            4,
            "old-server",
            "server",
            attributes=attributes(warranty_expiration="2026-01-31", install_date="2019-05-01"),
        ),
        ci(5, "fine-server", "server", attributes=attributes(end_of_support="2030-01-01", install_date="2025-01-01")),
        ci(6, "near-switch", "switch", attributes=attributes(end_of_support="2026-12-01")),
        ci(7, "typo-server", "server", attributes=attributes(warranty_expiration="31/02/2027")),
        ci(8, "bare-server", "server", attributes="not json at all"),
    ]
    rels = [
        rel(1, 1, "depends on", 3),
        rel(2, 2, "depends on", 3),
        rel(3, 3, "runs on", 4),
        rel(4, 2, "depends on", 6),
    ]
    return build_snapshot(frames(ci=cis, relationship=rels), fingerprint="f", source="t")


def test_lc009_the_view_lists_cis_at_risk_with_their_services_and_reports_bad_dates():
    snap = snapshot()
    view = lifecycle_view(snap, np.ones(snap.index.node_count, dtype=bool), np.datetime64(SNAP_NOW))
    assert (view.in_scope, view.at_risk) == (8, 2)
    assert [r.name for r in view.rows] == ["old-server", "near-switch"]  # past before near
    old = view.rows[0]
    assert old.services == ("Payments (critical)", "Intranet (low)")
    assert old.dates["Warranty"] == "Past 2026-01-31"
    assert old.dates["Aged hardware"] == "Past 2024-05-01"
    assert view.rows[1].dates["End of support"] == "Near 2026-12-01"
    for count in view.counts:
        assert sum(count.counts.values()) == 8
    [finding] = view.findings
    assert (finding.code, finding.count) == (FINDING_CODE, 1)
    assert finding.examples == ("typo-server: warranty_expiration = 31/02/2027",)
    assert finding.ci_ids == (7,)


def test_lc010_scope_and_the_near_window_are_the_callers():
    snap = snapshot()
    scope = np.zeros(snap.index.node_count, dtype=bool)
    scope[snap.index.locate(np.array([6]))] = True
    view = lifecycle_view(snap, scope, np.datetime64(SNAP_NOW), near_days=10)
    assert (view.in_scope, view.at_risk, view.rows) == (1, 0, ())


def test_lc011_the_section_draws_buckets_cis_and_the_finding():
    snap = snapshot()
    view = lifecycle_view(snap, np.ones(snap.index.node_count, dtype=bool), np.datetime64(SNAP_NOW))
    section = build_lifecycle(view)
    assert section.id == ids.HEALTH_LIFECYCLE
    chart, finding, table = section.children[2:]
    assert chart.id == {"type": ids.HEALTH_CHART, "name": ids.HEALTH_LIFECYCLE_BUCKETS}
    assert [bar["name"] for bar in chart.figure["data"]] == ["Past", "Near", "Not a date", "Fine"]
    assert chart.figure["data"][1]["customdata"][0] == "life|end_of_support|1"  # a click lists them (health_marks.py)
    assert finding.id == ids.HEALTH_LIFECYCLE_FINDINGS
    assert isinstance(table, dag.AgGrid)
    assert [row["name"] for row in table.rowData] == ["old-server", "near-switch"]
    assert table.rowData[0]["services"] == "Payments (critical), Intranet (low)"


def test_lc012_a_servicenow_export_keeps_its_lifecycle_dates_as_native_attributes(tmp_path):
    from dashboard.imports import parse

    export = tmp_path / "cmdb_ci_server.csv"
    export.write_text(
        "sys_id,name,sys_class_name,warranty_expiration,install_date,eol_date\n"
        "a1,web-01,cmdb_ci_server,2027-03-31,2021-04-01 10:00:00,\n"
        "a2,web-02,cmdb_ci_server,soon,,2030-01-01\n"
    )
    cis = parse("servicenow", [export]).cis
    decoded = [json.loads(text) for text in cis["attributes"]]
    assert decoded[0] == {
        "sys_id": "a1",
        "sys_class_name": "cmdb_ci_server",
        "warranty_expiration": "2027-03-31",
        "install_date": "2021-04-01 10:00:00",
    }
    assert (decoded[1]["warranty_expiration"], decoded[1]["end_of_life"]) == ("soon", "2030-01-01")


def test_lc013_the_snapshot_reports_lifecycle_dates_that_are_not_dates_among_its_findings():
    found = {f.code: f for f in snapshot().findings}
    assert found[FINDING_CODE].count == 1
    assert found[FINDING_CODE].ci_ids == (7,)


def test_lc017_the_snapshot_decodes_its_lifecycle_dates_once_for_the_findings_and_the_basis():
    snap = snapshot()
    dates = snap.lifecycle_dates()
    decoded = lifecycle_dates(snap.ci, snap.index, snap.attributes())  # the direct decoding
    for kind in decoded.expiry:
        assert dates.expiry[kind][0].tolist() == decoded.expiry[kind][0].tolist()
        assert dates.expiry[kind][1].tolist() == decoded.expiry[kind][1].tolist()
    assert dates.installed[0].tolist() == decoded.installed[0].tolist()
    assert dates.installed[1].tolist() == decoded.installed[1].tolist()
    assert dates.hardware.tolist() == decoded.hardware.tolist()
    assert dates.findings == decoded.findings
    assert set(dates.findings) <= set(snap.findings)
    assert lifecycle_basis(snap).dates is dates  # not decoded a second time


@given(
    st.lists(
        st.tuples(
            st.integers(0, 7), st.sampled_from(["depends on", "runs on", "connects to", "used by"]), st.integers(0, 7)
        ),
        max_size=20,
    ),
    st.lists(st.integers(0, 4), min_size=8, max_size=8),
    st.lists(st.booleans(), min_size=8, max_size=8),
)
def test_lc014_a_cis_service_rank_is_that_of_the_most_critical_service_on_it(relationships, ranks, is_service):
    cis = {i: "business_service" if is_service[i] else "server" for i in range(8)}
    index = graph(cis, relationships).index
    rank = np.array(ranks, dtype=np.int64)[index.ci_ids]  # by position
    best = service_ranks(index, rank, index.class_mask("business_service"))
    for position in range(index.node_count):
        on_it = standing_services(index, position, rank)
        assert best[position] == (rank[on_it].min() if len(on_it) else NO_SERVICE)


def test_lc015_a_kept_basis_lists_the_same_rows_again_from_the_services_it_remembers():
    snap = snapshot()
    everything = np.ones(snap.index.node_count, dtype=bool)
    basis = lifecycle_basis(snap)
    first = lifecycle_view(snap, everything, np.datetime64(SNAP_NOW), basis=basis)
    assert len(basis.standing) == 2  # the two CIs listed
    again = lifecycle_view(snap, everything, np.datetime64(SNAP_NOW), basis=basis)
    assert again == first == lifecycle_view(snap, everything, np.datetime64(SNAP_NOW))


@given(
    st.lists(
        st.sampled_from(["2027-01-31", " 2027/01/31 ", "2027-01-31T10:00:00Z", "TBD", "", "  ", None, float("nan"),
                         datetime(2026, 5, 1, 12), 7, np.str_("2027-01-31")]),
        max_size=40,
    )
)  # fmt: skip
def test_lc016_parse_dates_reading_each_text_once_equals_parsing_every_value(values):
    dates, bad = parse_dates(values)
    one_by_one = [parse_date(value) for value in values]
    assert bad.tolist() == [p is None for p in one_by_one]
    assert [str(d) for d in dates] == [str(np.datetime64("NaT", "s") if p is None else p) for p in one_by_one]
