"""CMDB health score: the arithmetic on hand-made verdicts, the checks on a hand-made CMDB, and the kept trend."""

import json
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.cmdb.cmdb_health import CHECKS, judge
from dashboard.cmdb.health_trend import read_trend, record, trend_file
from dashboard.domain.cmdb_health import ALL_CLASSES, Check, Verdicts, percent, score
from layouts.cmdb_health import build_cmdb_health, grade
from tests.unit.graphs import graph

T = True
F = False
FILL = Check("f", "completeness", "filled")
FILL2 = Check("g", "completeness", "also filled")
UNIQUE = Check("u", "correctness", "unique")
VOCAB = Check("v", "compliance", "in vocabulary")


def verdicts(applies: list[bool], passes: list[bool]) -> Verdicts:
    return Verdicts(np.array(applies), np.array(passes))


def test_ch001_a_ci_scores_the_share_of_its_applicable_checks_and_a_class_the_mean_of_its_cis():
    # CI 0 (server): passes f, fails g → 0.5; CI 1 (server): g does not apply, passes f → 1.0;
    # CI 2 (application): fails both → 0
    result = score(
        np.array([0, 0, 1]),
        ["server", "application"],
        [FILL, FILL2, UNIQUE, VOCAB],
        {
            "f": verdicts([T, T, T], [T, T, F]),
            "g": verdicts([T, F, T], [F, F, F]),
            "u": verdicts([T, T, T], [T, F, T]),
            "v": verdicts([F, F, F], [F, F, F]),  # applies to nobody: the dimension is unknown, not 0 and not 100 %
        },
    )
    server = next(c for c in result.classes if c.cls == "server")
    assert server.completeness == pytest.approx(0.75)
    assert server.correctness == pytest.approx(0.5)
    assert server.compliance is None
    assert server.overall == pytest.approx(0.625)  # the mean of the known dimensions
    assert result.total.cls == ALL_CLASSES
    assert result.total.cis == 3
    assert result.total.completeness == pytest.approx(0.5)
    assert result.total.correctness == pytest.approx(2 / 3)
    assert [c.cls for c in result.classes] == ["application", "server"]  # worst first


def test_ch002_check_results_count_failures_among_the_cis_they_apply_to_most_failures_first():
    result = score(
        np.array([0, 0, 0]),
        ["server"],
        [FILL, FILL2],
        {"f": verdicts([T, T, F], [T, F, F]), "g": verdicts([T, T, T], [F, F, T])},
    )
    first, second = result.checks
    assert (first.check.code, first.checked, first.failing, first.examples) == ("g", 3, 2, (0, 1))
    assert (second.check.code, second.checked, second.failing, second.examples) == ("f", 2, 1, (1,))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.booleans(), st.booleans(), st.booleans(), st.booleans()), max_size=40))
def test_ch003_scores_are_fractions_and_the_total_is_the_ci_weighted_mean_of_the_classes(rows):
    codes = np.array([r[0] for r in rows], dtype=np.int64)
    applies_f, passes_f = np.array([r[1] for r in rows], bool), np.array([r[2] for r in rows], bool)
    applies_u, passes_u = np.array([r[3] for r in rows], bool), np.array([r[4] for r in rows], bool)
    result = score(
        codes, ["a", "b", "c"], [FILL, UNIQUE], {"f": Verdicts(applies_f, passes_f), "u": Verdicts(applies_u, passes_u)}
    )
    assert sum(c.cis for c in result.classes) == len(rows)
    for c in (*result.classes, result.total):
        for value in (c.completeness, c.correctness, c.compliance, c.overall):
            assert value is None or 0.0 <= value <= 1.0
    counted = [(c, (codes == ["a", "b", "c"].index(c.cls)) & applies_f) for c in result.classes]
    weighted = [(c.completeness, int(m.sum())) for c, m in counted if m.any()]
    if weighted:
        mean = sum(v * n for v, n in weighted) / sum(n for _, n in weighted)
        assert result.total.completeness == pytest.approx(mean)
    assert result.checks[0].failing + (result.checks[1].failing) == int(
        (applies_f & ~passes_f).sum() + (applies_u & ~passes_u).sum()
    )


def _cmdb() -> tuple[pd.DataFrame, object]:
    now = datetime(2026, 11, 30)
    ci = pd.DataFrame(
        {
            "id": [1, 2, 3, 4, 9],
            "name": ["Payments", "pay-app", "PAY-APP ", "db-1", "Cashiers"],
            "class": ["business_service", "application", "application", "database", "user_group"],
            "status": ["operational", "operational", "bogus", None, "operational"],
            "owner": ["Team A", "Team A", "  ", "Team B", "Team C"],
            "criticality": ["critical", "high", "high", "urgent", None],
            "environment": ["production"] * 4 + [None],
            "location": [None, None, None, "FRA1", None],
            "updated_at": [now, now, now - timedelta(days=400), None, now],
        }
    )
    built = graph(
        dict(zip(ci["id"], ci["class"], strict=True)),
        [(1, "depends on", 2), (2, "runs on", 4), (1, "used by", 9)],
    )
    return ci, built.index


def test_ch004_each_check_judges_the_cis_it_applies_to():
    ci, index = _cmdb()
    v = judge(ci, index)
    assert set(v) == {c.code for c in CHECKS}
    failing = {code: np.flatnonzero(x.applies & ~x.passes).tolist() for code, x in v.items()}
    assert failing["complete.owner"] == [2]  # blank is not filled
    assert failing["complete.status"] == [3]
    assert failing["complete.criticality"] == []  # not asked of the user group (position 4)
    assert failing["complete.location"] == []  # asked of the database only, which has one
    assert failing["correct.unique_name"] == [1, 2]  # pay-app and 'PAY-APP ' are one name up to case and spaces
    assert failing["correct.related"] == [2]  # the orphan
    assert failing["correct.fresh"] == [2, 3]  # 400 days old, and no updated_at at all
    assert failing["comply.status"] == [2]
    assert failing["comply.criticality"] == [3]
    assert failing["comply.service_depends"] == []
    assert v["comply.service_depends"].applies.tolist() == [T, F, F, F, F]


def test_ch005_the_trend_keeps_one_point_per_snapshot_and_skips_what_servicemap_did_not_write(tmp_path):
    ci, index = _cmdb()
    from dashboard.cmdb.cmdb_health import CHECKS as checks

    result = score(np.zeros(len(ci), dtype=np.int64), ["all"], checks, judge(ci, index))
    path = trend_file(tmp_path, "sqlite:///cmdb.sqlite")
    t0 = datetime(2026, 11, 29, 8)
    assert record(path, "fp1", t0, result)
    assert record(path, "fp1", t0 + timedelta(minutes=1), result)  # the same snapshot from another worker
    with path.open("a") as out:
        out.write("not json\n" + json.dumps({"fingerprint": "x", "loaded_at": "soon", "overall": 2}) + "\n")
    assert record(path, "fp2", t0 + timedelta(hours=1), result)
    points = read_trend(path)
    assert [p.loaded_at for p in points] == [t0, t0 + timedelta(hours=1)]
    assert points[0].overall == pytest.approx(result.total.overall)


def test_ch006_an_unwritable_trend_is_no_failure(tmp_path):
    ci, index = _cmdb()
    result = score(np.zeros(len(ci), dtype=np.int64), ["all"], CHECKS, judge(ci, index))
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert record(trend_file(blocker, "x"), "fp", datetime(2026, 11, 29), result) is False
    assert read_trend(trend_file(blocker, "x")) == []


def test_ch007_the_section_writes_every_score_as_a_number_and_links_failing_cis_by_id(tmp_path):
    from dashboard.cmdb_health_view import CheckRow, CmdbHealthView
    from dashboard.domain.cmdb_health import ClassScore

    total = ClassScore(ALL_CLASSES, 5, 0.9, 0.7, None)
    view = CmdbHealthView(
        total,
        (ClassScore("server", 5, 0.9, 0.7, None),),
        (CheckRow("correct.related", "correctness", "has a relationship", 5, 1, ((42, "<b>x</b>"),)),),
        (),
    )
    text = json.dumps(build_cmdb_health(view, "/").to_plotly_json(), default=lambda o: o.to_plotly_json())
    assert "90.0 %" in text
    assert "70.0 %" in text
    assert "n/a" in text
    assert "/?root=42" in text
    assert "<b>x</b>" in text
    assert "The trend starts with this snapshot" in text
    assert (percent(0.8734), grade(0.95), grade(0.8), grade(0.1), grade(None)) == (
        "87.3 %",
        "good",
        "fair",
        "poor",
        "none",
    )
