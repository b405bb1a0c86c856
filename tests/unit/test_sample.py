"""The sample CMDB generator: exact planted dirt, determinism, and an enterprise that looks like one."""

import json
from datetime import UTC, datetime, timedelta

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from dashboard.cmdb import schema
from dashboard.cmdb.sample import Planted, SampleSpec, generate
from dashboard.cmdb.sample.spec import sizes_for
from dashboard.cmdb.sample.tables import sample_tables
from dashboard.domain.vocabulary import (
    CHANGE_STATES,
    CI_CLASS_BY_NAME,
    CI_STATUSES,
    CRITICALITIES,
    ENVIRONMENTS,
    HEALTH_BY_NAME,
    INCIDENT_OPEN_STATES,
    INCIDENT_STATES,
    RELATIONSHIP_TYPE_BY_NAME,
)

AS_OF = datetime(2026, 11, 1, 6, 30)
DEMO = SampleSpec(cis=2000, seed=42, as_of=AS_OF)
PHYSICAL = ("server", "switch", "router", "firewall", "storage", "load_balancer", "cluster")


def read_tables(url: str) -> dict[str, pd.DataFrame]:
    engine = sa.create_engine(url)
    try:
        return {t.name: pd.read_sql(sa.select(t), engine) for t in schema.TABLES}
    finally:
        engine.dispose()


def write(tmp_path, spec: SampleSpec, name: str = "cmdb") -> tuple[Planted, dict[str, pd.DataFrame]]:
    url = f"sqlite:///{tmp_path / f'{name}.sqlite'}"
    planted = generate(url, spec, progress=False)
    return planted, read_tables(url)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Planted, dict[str, pd.DataFrame]]:
    return write(tmp_path_factory.mktemp("demo"), DEMO)


def recount(tables: dict[str, pd.DataFrame]) -> dict[str, int]:
    """Every Planted count, recomputed from the written rows with pandas and networkx alone."""
    ci, rel = tables["ci"], tables["relationship"]
    ids = set(ci["id"])
    valid = rel[rel["source_id"].isin(ids) & rel["target_id"].isin(ids)]
    linked = set(valid["source_id"]) | set(valid["target_id"])
    key = ci["name"].str.strip().str.casefold()
    repeated = key.value_counts()
    repeated = repeated[repeated > 1]
    updated = pd.to_datetime(ci["updated_at"])
    # Symmetric links ("connects to" between core switches and routers) carry no dependency: no dependency cycle.
    directed = valid[~valid["type"].map(lambda t: RELATIONSHIP_TYPE_BY_NAME[t].symmetric).astype(bool)]
    forward = directed["type"].map(lambda t: RELATIONSHIP_TYPE_BY_NAME[t].source_depends_on_target).astype(bool)
    graph = nx.DiGraph()
    graph.add_nodes_from(ids)
    graph.add_edges_from(
        zip(
            directed["source_id"].where(forward, directed["target_id"]),
            directed["target_id"].where(forward, directed["source_id"]),
            strict=True,
        )
    )
    cycles = [c for c in nx.strongly_connected_components(graph) if len(c) > 1]
    canonical = ci["class"].str.strip().str.lower()
    return {
        "orphan_cis": len(ids - linked),
        "dangling_relationships": len(rel) - len(valid),
        "duplicate_name_groups": len(repeated),
        "duplicate_name_cis": int(repeated.sum()),
        "stale_cis": int((updated < updated.max() - pd.Timedelta(days=180)).sum()),
        "cycles": len(cycles),
        "cycle_cis": sum(len(c) for c in cycles),
        "mixed_case_classes": int(((ci["class"] != canonical) & canonical.isin(CI_CLASS_BY_NAME)).sum()),
    }


def test_sg001_planted_counts_are_exact_at_demo_size(demo):
    planted, tables = demo
    assert recount(tables) == planted.as_dict()
    counts = planted.as_dict()
    assert 6 <= counts.pop("duplicate_name_cis") <= 9  # groups of two or three
    assert counts == {
        "orphan_cis": 5,
        "dangling_relationships": 6,
        "duplicate_name_groups": 3,
        "stale_cis": 20,
        "cycles": 1,
        "cycle_cis": 3,
        "mixed_case_classes": 8,
    }


@pytest.mark.parametrize("seed", [42, 7])
def test_sg002_planted_counts_are_exact_at_20000_cis(tmp_path, seed):
    planted, tables = write(tmp_path, SampleSpec(cis=20_000, seed=seed, as_of=AS_OF))
    assert recount(tables) == planted.as_dict()
    assert len(tables["ci"]) == 20_000
    assert planted.orphan_cis >= 40
    assert planted.stale_cis >= 150
    assert planted.cycles == 1


def test_sg003_the_same_spec_writes_identical_rows(tmp_path, demo):
    _, again = write(tmp_path, DEMO, "again")
    for name, frame in demo[1].items():
        pd.testing.assert_frame_equal(frame, again[name], obj=name)


def test_sg004_another_seed_writes_other_rows():
    first, _ = sample_tables(DEMO)
    other, _ = sample_tables(SampleSpec(cis=2000, seed=43, as_of=AS_OF))
    assert not np.array_equal(first["ci"]["name"], other["ci"]["name"])


@pytest.mark.parametrize("cis", [300, 301, 2001, 12_345])
def test_sg005_the_ci_count_is_exact(cis):
    assert sizes_for(cis).total == cis
    tables, dirty = sample_tables(SampleSpec(cis=cis, seed=1, as_of=AS_OF))
    assert len(tables["ci"]["id"]) == cis
    assert dirty.planted.cycles == 1
    assert dirty.planted.orphan_cis >= 3


def test_sg006_dirt_scales_gently_and_cycles_stay_few():
    small, large = sizes_for(2000), sizes_for(1_000_000)
    assert (small.cycles, large.cycles) == (1, 6)
    assert large.dangling > 100 * small.dangling
    assert large.stale == 500 * small.stale
    assert large.business_services == 400
    assert large.user_groups == 10_000


@pytest.mark.parametrize("cis", [299, 1_000_001])
def test_sg007_sizes_out_of_range_are_refused(cis):
    with pytest.raises(ValueError, match="300"):
        SampleSpec(cis=cis)


def test_sg008_a_filled_database_is_kept_unless_replace(tmp_path):
    url = f"sqlite:///{tmp_path / 'cmdb.sqlite'}"
    small = SampleSpec(cis=300, as_of=AS_OF)
    generate(url, small, progress=False)
    with pytest.raises(ValueError, match="replace"):
        generate(url, small, progress=False)
    planted = generate(url, SampleSpec(cis=400, as_of=AS_OF), progress=False, replace=True)
    tables = read_tables(url)
    assert len(tables["ci"]) == 400
    assert recount(tables) == planted.as_dict()


def test_sg009_an_engine_is_written_to_and_left_open():
    engine = sa.create_engine("sqlite://", poolclass=StaticPool)
    planted = generate(engine, SampleSpec(cis=300, as_of=AS_OF), progress=False)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM ci")).scalar() == 300
        indexes = {row[1] for row in connection.execute(sa.text("PRAGMA index_list(relationship)"))}
        journal = connection.execute(sa.text("PRAGMA journal_mode")).scalar()
    assert {"ix_relationship_source", "ix_relationship_target"} <= indexes
    assert journal != "off"
    assert planted.orphan_cis == 3


def test_sg010_default_as_of_is_today_midnight_utc():
    now = SampleSpec().now()
    assert now == datetime.now(UTC).replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
    aware = SampleSpec(as_of=datetime(2026, 1, 1, 12, 0, 0, 500, tzinfo=UTC)).now()
    assert aware == datetime(2026, 1, 1, 12, 0, 0)


def test_sg011_cis_use_the_vocabulary_and_carry_json_attributes(demo):
    ci = demo[1]["ci"]
    classes = set(ci["class"].str.strip().str.lower())
    assert classes <= set(CI_CLASS_BY_NAME)
    assert len(classes) == 14  # every class of the made-up enterprise; NetBox's kinds (rack, site, …) are not made up
    assert set(ci["status"]) <= set(CI_STATUSES)
    assert set(ci["criticality"]) <= set(CRITICALITIES)
    assert set(ci["environment"]) <= set(ENVIRONMENTS)
    assert (ci["environment"] == "production").mean() > 0.8
    assert (ci["status"] == "operational").mean() > 0.85
    assert ci["id"].tolist() == list(range(1, 2001))
    attributes = ci["attributes"].map(json.loads)
    by_class = dict(zip(ci["class"].str.strip().str.lower(), attributes, strict=False))
    assert {"os", "cpu_cores", "memory_gb"} <= set(by_class["virtual_machine"])
    assert {"engine", "version"} <= set(by_class["database"])
    assert {"vendor", "model"} <= set(by_class["switch"])
    assert "members" in by_class["user_group"]
    assert "url" in by_class["business_service"]


def test_sg012_names_look_like_an_enterprise(demo):
    ci = demo[1]["ci"]
    cls = ci["class"].str.strip().str.lower()
    services = set(ci.loc[cls == "business_service", "name"])
    assert {"Online Banking", "Payroll", "E-Mail", "Payments Hub", "Intranet", "Identity & Access"} <= services
    vms = ci.loc[cls == "virtual_machine", "name"].str.strip().str.lower()
    assert vms.str.fullmatch(r"[a-z]{3}\d-vm-\d{4}\.corp\.example\.com").mean() > 0.99
    switches = ci.loc[cls == "switch", "name"]
    assert switches.str.fullmatch(r"[a-z]{3}\d-sw-(acc|core)-\d{2}").all()
    assert set(ci.loc[cls == "datacenter", "name"]) == {"FRA1", "AMS2", "LON3", "DUB1"}
    physical = ci[cls.isin(PHYSICAL)]
    assert physical["location"].isin(["FRA1", "AMS2", "LON3", "DUB1"]).all()
    assert {"DBA Team", "Unix Ops", "Network Engineering", "Payments Platform Team"} <= set(ci["owner"])
    critical = dict(zip(ci["name"], ci["criticality"], strict=False))
    assert [critical[s] for s in ("Payments Hub", "Online Banking", "Intranet")] == ["critical", "critical", "low"]


def test_sg013_exactly_two_hostile_names_on_clean_connected_cis(demo):
    ci, rel = demo[1]["ci"], demo[1]["relationship"]
    img = ci[ci["name"].str.contains("<img src=x onerror=alert(1)>", regex=False)]
    script = ci[ci["name"].str.contains("javascript:alert(1)", regex=False)]
    assert len(img) == 1
    assert len(script) == 1
    for row in (img.iloc[0], script.iloc[0]):
        assert len(row["name"]) > len("javascript:alert(1)") + 3  # inside an otherwise normal name
        assert (ci["name"].str.strip().str.casefold() == row["name"].strip().casefold()).sum() == 1
        assert ((rel["source_id"] == row["id"]) | (rel["target_id"] == row["id"])).any()


def test_sg014_shared_infrastructure_hits_several_business_services(demo):
    ci, rel = demo[1]["ci"], demo[1]["relationship"]
    rel = rel[~rel["type"].map(lambda t: RELATIONSHIP_TYPE_BY_NAME[t].symmetric).astype(bool)]
    forward = rel["type"].map(lambda t: RELATIONSHIP_TYPE_BY_NAME[t].source_depends_on_target).astype(bool)
    # Edges point from a CI to what depends on it, so descendants are everything a failure rolls up to.
    graph = nx.DiGraph()
    graph.add_edges_from(
        zip(
            rel["target_id"].where(forward, rel["source_id"]),
            rel["source_id"].where(forward, rel["target_id"]),
            strict=True,
        )
    )
    services = set(ci.loc[ci["class"] == "business_service", "id"])
    attributes = ci["attributes"].map(json.loads)
    for cls, role in (("switch", "access"), ("storage", None), ("cluster", None)):
        chosen = ci[(ci["class"] == cls) & attributes.map(lambda a, r=role: r is None or a.get("role") == r)]
        hit = [len(nx.descendants(graph, i) & services) for i in chosen["id"]]
        assert max(hit) >= 3, (cls, hit)
    db_servers = ci.loc[ci["name"].str.contains("-dbs-"), "id"]
    assert max(len(nx.descendants(graph, i) & services) for i in db_servers) >= 3
    counts = rel.loc[rel["type"] == "used by", "target_id"].value_counts()
    assert counts.between(1, 6).all()


def test_sg015_incidents_are_consistent_and_realistic(demo):
    inc = demo[1]["incident"]
    assert inc["number"].str.fullmatch(r"INC\d{7}").all()
    assert inc["number"].is_unique
    assert set(inc["state"]) == set(INCIDENT_STATES)
    is_open = inc["state"].isin(INCIDENT_OPEN_STATES)
    assert (inc["resolved_at"].isna() == is_open).all()
    opened, updated = pd.to_datetime(inc["opened_at"]), pd.to_datetime(inc["updated_at"])
    resolved = pd.to_datetime(inc["resolved_at"])
    assert (updated >= opened).all()
    assert (resolved.dropna() >= opened[~is_open]).all()
    assert opened.min() >= pd.Timestamp(AS_OF - timedelta(days=90))
    assert updated.max() <= pd.Timestamp(AS_OF)
    assert 30 <= is_open.sum() <= 60  # about 2% of the CIs
    shares = inc["priority"].value_counts(normalize=True)
    assert shares[4] > shares[3] > shares[5] > shares[2]
    assert set(shares.index) == {1, 2, 3, 4, 5}
    with_ci = inc["ci_id"].notna()
    assert inc.loc[with_ci, "ci_id"].isin(demo[1]["ci"]["id"]).all()
    assert 0.05 < 1 - with_ci.mean() < 0.1  # closed service-desk tickets that name no CI
    assert not is_open[~with_ci].any()
    assert (inc["summary"].str.len() <= 255).all()


def test_sg016_current_outages_have_open_p1_p2_incidents_and_bad_health(demo):
    ci, inc, health = demo[1]["ci"], demo[1]["incident"], demo[1]["health"]
    latest = health.sort_values("observed_at").groupby("ci_id").tail(1).set_index("ci_id")["status"]
    failing = latest[latest.isin(["down", "degraded"])].index
    urgent = inc[inc["priority"].le(2) & inc["state"].isin(INCIDENT_OPEN_STATES)]
    outages = urgent[urgent["summary"].str.endswith(("is down", "is degraded"))]
    assert len(outages) == 3
    assert set(outages["ci_id"]) <= set(failing)
    names = ci.set_index("id").loc[outages["ci_id"], "name"]
    assert names.str.contains("-sw-acc-").any()
    assert names.str.contains("-dbs-").any()
    assert names.str.contains("-esx-").any()
    hit_services = urgent["ci_id"].isin(ci.loc[ci["class"] == "business_service", "id"])
    assert hit_services.sum() >= 2


def test_sg017_health_is_bounded_and_uses_the_vocabulary(demo):
    ci, health, change = demo[1]["ci"], demo[1]["health"], demo[1]["change"]
    assert len(health) <= 3 * len(ci)
    assert set(health["status"]) <= set(HEALTH_BY_NAME)
    assert set(health["metric"]) == {"availability", "cpu_pct", "latency_ms"}
    latest = health[health["metric"] == "availability"]
    assert latest["ci_id"].is_unique
    assert (latest["status"] == "ok").mean() > 0.9
    observed = pd.to_datetime(health["observed_at"])
    assert observed.max() <= pd.Timestamp(AS_OF)
    assert observed.min() >= pd.Timestamp(AS_OF - timedelta(days=7))
    series_cis = health.loc[health["metric"] != "availability", "ci_id"].nunique()
    assert 0 < series_cis <= 0.03 * len(ci)
    maintenance = set(latest.loc[latest["status"] == "maintenance", "ci_id"])
    assert maintenance
    assert maintenance <= set(change.loc[change["state"] == "implement", "ci_id"])


def test_sg018_changes_have_windows_that_fit_their_state(demo):
    change = demo[1]["change"]
    assert change["number"].str.fullmatch(r"CHG\d{7}").all()
    assert change["number"].is_unique
    assert set(change["state"]) <= set(CHANGE_STATES)
    assert (change["state"] == "implement").any()
    start, end = pd.to_datetime(change["planned_start"]), pd.to_datetime(change["planned_end"])
    assert (end > start).all()
    assert start.min() >= pd.Timestamp(AS_OF - timedelta(days=91))
    assert start.max() <= pd.Timestamp(AS_OF + timedelta(days=15))
    done = change["state"].isin(["review", "closed"])
    assert change.loc[done, ["actual_start", "actual_end"]].notna().all().all()
    implementing = change["state"] == "implement"
    assert change.loc[implementing, "actual_start"].notna().all()
    assert change.loc[implementing, "actual_end"].isna().all()
    assert change.loc[~done & ~implementing, ["actual_start", "actual_end"]].isna().all().all()
    assert (pd.to_datetime(change["updated_at"]) <= pd.Timestamp(AS_OF)).all()


def test_sg019_planted_as_dict_keeps_field_order():
    planted = Planted(1, 2, 3, 4, 5, 6, 7, 8)
    assert list(planted.as_dict().values()) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert next(iter(planted.as_dict())) == "orphan_cis"
