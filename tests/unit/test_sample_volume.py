"""Extra sample volume on request (issue 13): counts as asked, invariants, and earlier rows unchanged for a seed."""

from datetime import datetime

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.cli import main
from dashboard.cmdb.sample import SampleSpec
from dashboard.cmdb.sample.tables import sample_tables
from dashboard.cmdb.sample.volume import HEALTH_WINDOW_DAYS
from dashboard.domain.vocabulary import HEALTH_BY_NAME, INCIDENT_STATES

AS_OF = datetime(2026, 11, 1, 6, 30)
NOW = np.datetime64(AS_OF, "s")
BASE = SampleSpec(cis=2000, seed=42, as_of=AS_OF)
MORE = SampleSpec(cis=2000, seed=42, as_of=AS_OF, health_events=30_000, incidents=6_000)


@pytest.fixture(scope="module")
def tables() -> tuple[dict, dict]:
    return sample_tables(BASE)[0], sample_tables(MORE)[0]


def test_sv001_counts_are_as_asked(tables):
    _, more = tables
    assert len(more["health"]["id"]) == 30_000
    assert len(more["incident"]["number"]) == 6_000


def test_sv002_the_rows_of_the_seed_come_first_unchanged(tables):
    base, more = tables
    for name in base:
        for column, values in base[name].items():
            head = more[name][column][: len(values)]
            assert pd.Series(head).equals(pd.Series(values)), (name, column)
    assert len(more["ci"]["id"]) == len(base["ci"]["id"])


def test_sv003_asking_for_fewer_rows_than_generated_adds_none(tables):
    base, _ = tables
    few = sample_tables(SampleSpec(cis=2000, seed=42, as_of=AS_OF, health_events=10, incidents=10))[0]
    assert len(few["health"]["id"]) == len(base["health"]["id"])
    assert len(few["incident"]["number"]) == len(base["incident"]["number"])


def test_sv004_extra_incidents_are_resolved_history_over_the_incident_days(tables):
    base, more = tables
    extra = pd.DataFrame(more["incident"]).iloc[len(base["incident"]["number"]) :]
    assert extra["number"].is_unique
    assert pd.Series(more["incident"]["number"]).is_unique
    assert (extra["resolved_at"] >= extra["opened_at"]).all()
    assert (extra["updated_at"] >= extra["opened_at"]).all()
    assert (extra["opened_at"] >= NOW - np.timedelta64(BASE.incident_days, "D")).all()
    assert (extra["resolved_at"] <= NOW).all()
    assert set(extra["state"]) == {"resolved", "closed", "canceled"}
    assert set(extra["state"]) <= set(INCIDENT_STATES)
    assert set(extra["priority"]) == {1, 2, 3, 4, 5}
    assert extra["opened_at"].is_monotonic_increasing
    assert extra["assignment_group"].notna().all()
    assert extra["category"].notna().all()
    no_ci = extra["ci_id"].isna().mean()
    assert 0.05 < no_ci < 0.10


def test_sv005_extra_incidents_name_real_cis_but_never_the_orphans(tables):
    base, more = tables
    extra = pd.Series(more["incident"]["ci_id"][len(base["incident"]["number"]) :]).dropna().astype(int)
    assert extra.between(1, len(base["ci"]["id"])).all()
    orphans = sample_tables(BASE)[1].enterprise.hosts.orphan_ids
    assert not extra.isin(orphans.tolist()).any()


def test_sv006_extra_health_events_lie_in_the_window_before_each_latest_row(tables):
    base, more = tables
    n = len(base["health"]["id"])
    observed, ids = more["health"]["observed_at"][n:], more["health"]["ci_id"][n:]
    assert (observed >= NOW - np.timedelta64(HEALTH_WINDOW_DAYS, "D")).all()
    assert (observed < NOW - np.timedelta64(300, "s")).all()
    assert np.all(np.diff(observed.astype(np.int64)) >= 0)
    assert set(ids.tolist()) <= set(base["health"]["ci_id"].tolist())
    assert set(more["health"]["status"][n:].tolist()) <= set(HEALTH_BY_NAME)
    assert pd.Series(more["health"]["id"]).is_unique


def test_sv007_the_same_spec_gives_the_same_extra_rows(tables):
    _, more = tables
    again = sample_tables(MORE)[0]
    for name in ("health", "incident"):
        for column, values in more[name].items():
            assert pd.Series(again[name][column]).equals(pd.Series(values)), (name, column)


def test_sv008_negative_volumes_are_refused():
    with pytest.raises(ValueError, match="negative"):
        SampleSpec(cis=2000, incidents=-1)


def test_sv009_generate_writes_the_volumes_asked_on_the_command_line(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'big.sqlite'}"
    argv = ["generate", "--database-url", url, "--cis", "300", "--seed", "3", "--quiet"]
    assert main([*argv, "--health-events", "5000", "--incidents", "2000", "--incident-days", "365"]) == 0
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            tables = ("health", "incident")
            count = {t: connection.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar() for t in tables}
            oldest = connection.exec_driver_sql("SELECT min(opened_at) FROM incident").scalar()
    finally:
        engine.dispose()
    assert count == {"health": 5000, "incident": 2000}
    assert pd.Timestamp(oldest) < pd.Timestamp.now() - pd.Timedelta(days=100)
