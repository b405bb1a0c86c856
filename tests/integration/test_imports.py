"""Importers into servicemap's own database: the framework (dry run, re-import, refusal, rejections, hostile names,
PostgreSQL), the CSV bundle, GraphML, edge lists, metrics, alerts, and the real Nezha Online Boutique data set."""

import json
import time
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.cli import main
from dashboard.cmdb.derived import Derived
from dashboard.cmdb.store import SnapshotStore
from dashboard.domain.viewstate import ViewState
from dashboard.imports import import_batch, parse
from dashboard.imports.batch import ORIGIN, PARTS
from dashboard.imports.csvfile import read_csv
from dashboard.imports.monitoring import alert_number
from dashboard.maps import build_map, node_id

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
NEZHA = "nezha-online-boutique"


def run(url: str, fmt: str, *paths: Path, dry_run: bool = False, join_by: str | None = None):
    return import_batch(url, parse(fmt, list(paths)), dry_run=dry_run, progress=False, join_by=join_by)


def table(url: str, name: str) -> pd.DataFrame:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            quoted = engine.dialect.identifier_preparer.quote(name)  # "change" needs quotes, in each dialect's own
            return pd.read_sql(sa.text(f"SELECT * FROM {quoted}"), connection)
    finally:
        engine.dispose()


def counts(report) -> dict[str, tuple[int, int, int, int]]:
    return {name: (p.added, p.updated, p.unchanged, p.rejected) for name, p in report.parts.items()}


def ci_id(url: str, name: str) -> int:
    cis = table(url, "ci")
    return int(cis.loc[cis["name"] == name, "id"].item())


def reasons(report) -> dict[str, str]:
    return {r.origin: r.reason for r in report.rejected}


# --- the framework, through the CSV bundle -------------------------------------------------------------------------


def test_im001_csv_bundle_imports_every_part_and_lists_each_rejected_row_with_its_reason(sqlite_db):
    report = run(sqlite_db, "csv", FIXTURES / "bundle")
    assert counts(report) == {
        "cis": (5, 0, 0, 1),
        "relationships": (4, 0, 0, 2),
        "incidents": (2, 0, 0, 1),
        "health": (2, 0, 0, 1),
        "changes": (1, 0, 0, 0),
    }
    why = reasons(report)
    assert why["ci.csv line 7"] == "no name"
    assert why["relationship.csv line 6"] == "target: no CI with the key or name 'ghost' in csv:bundle"
    assert "relationship type 'teleports to' is not one of" in why["relationship.csv line 7"]
    assert why["incident.csv line 4"] == "priority '9' is not 1 to 5"
    assert "health status 'purple'" in why["health.csv line 4"]
    incidents = table(sqlite_db, "incident").set_index("number")
    assert incidents.loc["INC0001002", "ci_id"] == ci_id(sqlite_db, "shop-db")  # referred to by name


def test_im002_a_dry_run_writes_nothing(sqlite_db, tmp_path):
    report = run(sqlite_db, "csv", FIXTURES / "bundle", dry_run=True)
    assert report.dry_run
    assert report.parts["cis"].added == 5
    assert not Path(sqlite_db.removeprefix("sqlite:///")).exists()
    run(sqlite_db, "csv", FIXTURES / "bundle")
    before = {name: len(table(sqlite_db, name)) for name in ("ci", "relationship", "health")}
    run(sqlite_db, "graphml", FIXTURES / "graph.graphml", dry_run=True)
    assert {name: len(table(sqlite_db, name)) for name in before} == before


def test_im003_importing_again_changes_nothing_and_duplicates_nothing(sqlite_db):
    run(sqlite_db, "csv", FIXTURES / "bundle")
    again = run(sqlite_db, "csv", FIXTURES / "bundle")
    assert counts(again)["cis"] == (0, 0, 5, 1)
    assert counts(again)["relationships"] == (0, 0, 4, 2)
    assert counts(again)["incidents"] == (0, 0, 2, 1)
    assert counts(again)["health"] == (0, 0, 2, 1)
    assert len(table(sqlite_db, "ci")) == 5
    assert len(table(sqlite_db, "relationship")) == 4
    assert len(table(sqlite_db, "incident")) == 2


def test_im004_a_database_with_foreign_tables_is_refused(sqlite_db):
    engine = sa.create_engine(sqlite_db)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE cmdb_ci (sys_id TEXT)"))
    engine.dispose()
    with pytest.raises(ValueError, match=r"not servicemap's own database .*cmdb_ci"):
        run(sqlite_db, "csv", FIXTURES / "bundle")


def test_im005_hostile_names_are_stored_as_plain_text(sqlite_db):
    run(sqlite_db, "csv", FIXTURES / "bundle")
    cis = table(sqlite_db, "ci")
    assert "<img src=x onerror=alert(1)>" in set(cis["name"])
    evil = ci_id(sqlite_db, "<img src=x onerror=alert(1)>")
    relationships = table(sqlite_db, "relationship")
    assert ((relationships["source_id"] == evil) & (relationships["target_id"] == ci_id(sqlite_db, "shop-web"))).any()


def test_im006_the_command_line_reports_and_writes_every_rejection(sqlite_db, tmp_path, capsys):
    rejects = tmp_path / "rejects.csv"
    code = main(["import", "csv", str(FIXTURES / "bundle"), "--database-url", sqlite_db, "--quiet",
                 "--rejects", str(rejects)])  # fmt: skip
    assert code == 3  # some rows rejected, the rest written
    out = capsys.readouterr().out
    assert "rejected  relationship.csv line 6: target: no CI with the key or name 'ghost' in csv:bundle" in out
    listed = pd.read_csv(rejects)
    assert len(listed) == 5
    assert set(listed["part"]) == {"cis", "relationships", "incidents", "health"}


@pytest.mark.postgresql
def test_im007_postgresql_as_the_target(postgresql_db):
    first = run(postgresql_db, "csv", FIXTURES / "bundle")
    assert counts(first)["cis"] == (5, 0, 0, 1)
    edges = run(postgresql_db, "edges", FIXTURES / "edges.csv")
    assert counts(edges)["cis"] == (4, 0, 1, 0)  # shop-db is the bundle's database
    again = run(postgresql_db, "csv", FIXTURES / "bundle")
    assert counts(again)["incidents"] == (0, 0, 2, 1)
    assert len(table(postgresql_db, "ci")) == 9
    assert "<img src=x onerror=alert(1)>" in set(table(postgresql_db, "ci")["name"])


# --- GraphML -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "name", "header"),
    [("csv", "ci.csv", "ID,Name"), ("edges", "edges.csv", "source,target"),
     ("metrics", "metrics.csv", "timestamp,ci,metric,value"), ("alerts", "alerts.csv", "time,ci,type")],
)  # fmt: skip
def test_im008_origins_name_the_line_a_row_starts_on_after_multi_line_fields(tmp_path, fmt, name, header):
    # Rows start on lines 2 ("a⏎b"), 4 ("c⏎d⏎e", with a CRLF inside) and 8 (after a blank line 7).
    padding = "," * header.count(",")
    path = tmp_path / name
    path.write_bytes(f'\ufeff{header}\n"a\nb"{padding}\n"c\r\nd\ne"{padding}\n\nf{padding}\n'.encode())
    batch = parse(fmt, [path])
    rows = (chunk for part in PARTS for chunk in batch.chunks(part))
    origins = [*(r.origin for r in batch.rejected), *(o for chunk in rows for o in chunk[ORIGIN])]
    assert {int(origin.removeprefix(f"{name} line ")) for origin in origins} == {2, 4, 8}


def test_im009_the_csv_reader_keeps_text_and_fails_clearly(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes('\ufeff Number ,Short Description,Value\nINC1,"two\nlines",007\n\nINC2\n'.encode())
    table = read_csv(path)
    assert table.rows.to_dict("list") == {
        "number": ["INC1", "INC2"], "short description": ["two\nlines", None], "value": ["007", None]
    }  # fmt: skip
    assert table.origins() == ["x.csv line 2", "x.csv line 5"]
    for content, message in ((b"a\n\xff\n", "codec can't decode"), (b'a,b\n1,"open\n', "line 2: unexpected end"),
                             (b"a,b\n1,2,3\n", "line 2 has 3 fields, the header 2")):  # fmt: skip
        path.write_bytes(content)
        with pytest.raises(ValueError, match=f"x.csv: not a readable CSV file .*{message}"):
            read_csv(path)


def test_im010_graphml_nodes_become_cis_and_edges_relationships_as_directed(sqlite_db):
    report = run(sqlite_db, "graphml", FIXTURES / "graph.graphml")
    assert counts(report)["cis"] == (5, 0, 0, 0)
    assert counts(report)["relationships"] == (4, 0, 0, 1)
    assert (
        reasons(report)["graph.graphml edge 5 (n2 → n9)"]
        == "target: no CI with the key or name 'n9' in graphml:graph.graphml"
    )
    cis = table(sqlite_db, "ci").set_index("name")
    assert cis.loc["payments-db", "class"] == "database"
    assert cis.loc["payments-db", "status"] == "maintenance"
    assert cis.loc["fraud-check", "class"] == "application"  # no class given
    assert json.loads(cis.loc["payments-api", "attributes"])["team"] == "Payments Team"
    assert json.loads(cis.loc["payments-db", "attributes"])["team"] == "Platform"  # the key's default
    rels = table(sqlite_db, "relationship")
    names = cis.reset_index().set_index("id")["name"]
    typed = {
        (names[s], names[t], k) for s, t, k in zip(rels["source_id"], rels["target_id"], rels["type"], strict=True)
    }
    assert typed == {
        ("Payments", "payments-api", "depends on"),
        ("payments-api", "payments-db", "depends on"),
        ("payments-api", "k8s-node-7", "runs on"),
        ("payments-api", "fraud-check", "depends on"),
    }


def test_im011_joined_by_name_a_graphml_node_is_the_ci_of_that_name(sqlite_db, tmp_path):
    run(sqlite_db, "csv", FIXTURES / "bundle")
    graph = tmp_path / "g.graphml"
    graph.write_text(
        '<graphml><key id="n" for="node" attr.name="label"/><graph edgedefault="directed">'
        '<node id="a"><data key="n">shop-web</data></node><node id="b"><data key="n">cache</data></node>'
        '<edge source="a" target="b"/></graph></graphml>'
    )
    apart = run(sqlite_db, "graphml", graph, dry_run=True)
    assert counts(apart)["cis"] == (2, 0, 0, 0)  # by default a file's nodes are its own CIs
    report = run(sqlite_db, "graphml", graph, join_by="name")
    assert counts(report)["cis"] == (1, 0, 0, 0)
    assert report.parts["cis"].joined == 1
    assert "--join-by name: 1 CI joined a CI of another file by name" in report.notes
    rels = table(sqlite_db, "relationship")
    assert (
        (rels["source_id"] == ci_id(sqlite_db, "shop-web")) & (rels["target_id"] == ci_id(sqlite_db, "cache"))
    ).any()
    assert (table(sqlite_db, "ci")["name"] == "shop-web").sum() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("<graphml><graph><node id='a'></graph></graphml>", r"not well-formed XML \(line 1, column"),
        ("<graph><node id='a'/></graph>", "not GraphML"),
        (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
            "<graphml><graph><node id='&lol2;'/></graph></graphml>",
            "refused: the file declares a DOCTYPE",
        ),
    ],
)
def test_im012_a_malformed_or_dangerous_graphml_file_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "bad.graphml"
    path.write_text(content)
    with pytest.raises(ValueError, match=message):
        parse("graphml", [path])


# --- edge lists ----------------------------------------------------------------------------------------------------


def test_im020_an_edge_list_creates_unknown_names_and_refers_to_known_ones(sqlite_db):
    run(sqlite_db, "csv", FIXTURES / "bundle")
    report = run(sqlite_db, "edges", FIXTURES / "edges.csv")
    assert counts(report)["cis"] == (4, 0, 1, 0)  # checkout, payments, inventory, vm-pay-01; shop-db is known
    assert counts(report)["relationships"] == (4, 0, 0, 1)
    assert reasons(report)["edges.csv line 6"] == "target: no CI given"
    cis = table(sqlite_db, "ci")
    assert (cis["name"] == "shop-db").sum() == 1
    by_name = cis.set_index("name")
    assert by_name.loc["inventory", "class"] == "application"  # no class given: the default
    assert by_name.loc["vm-pay-01", "class"] == "virtual_machine"
    rels = table(sqlite_db, "relationship")
    payments, shop_db = ci_id(sqlite_db, "payments"), ci_id(sqlite_db, "shop-db")
    row = rels.loc[(rels["source_id"] == payments) & (rels["target_id"] == shop_db)]
    assert row["type"].tolist() == ["depends on"]
    checkout = ci_id(sqlite_db, "checkout")
    assert rels.loc[(rels["source_id"] == checkout) & (rels["target_id"] == payments), "type"].item() == "depends on"
    again = run(sqlite_db, "edges", FIXTURES / "edges.csv")
    assert counts(again)["relationships"] == (0, 0, 4, 1)
    assert len(table(sqlite_db, "ci")) == len(cis)


def test_im021_a_file_without_source_and_target_is_rejected_whole(sqlite_db, tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("from,to\na,b\n")
    report = run(sqlite_db, "edges", path)
    assert reasons(report)["wrong.csv"].startswith("not an edge list: no source or target column")


# --- monitoring ----------------------------------------------------------------------------------------------------


def test_im030_metrics_become_health_events_with_the_files_status(sqlite_db):
    run(sqlite_db, "csv", FIXTURES / "bundle")
    report = run(sqlite_db, "metrics", FIXTURES / "metrics.csv")
    assert counts(report)["health"] == (3, 0, 0, 2)
    why = reasons(report)
    assert why["metrics.csv line 5"] == "CI: no CI with the key or name 'nobody'"
    assert why["metrics.csv line 6"] == "value is not a number"
    health = table(sqlite_db, "health")
    web = health.loc[(health["ci_id"] == ci_id(sqlite_db, "shop-web")) & (health["metric"] == "cpu_pct")]
    assert sorted(zip(web["status"], web["value"], strict=True)) == [("degraded", 97.0), ("ok", 41.5)]
    db = health.loc[health["metric"] == "connections"]
    assert db["status"].item() == "ok"
    assert pd.Timestamp(db["observed_at"].item()) == pd.Timestamp("2026-11-01 09:02:00")  # Unix time, UTC


def test_im031_metrics_without_a_status_are_kept_as_unknown(sqlite_db, tmp_path):
    run(sqlite_db, "csv", FIXTURES / "bundle")
    path = tmp_path / "cpu.csv"
    path.write_text("time,ci,metric,value\n2026-11-01 10:00:00,shop-web,cpu_pct,12.5\n")
    report = run(sqlite_db, "metrics", path)
    assert counts(report)["health"] == (1, 0, 0, 0)
    health = table(sqlite_db, "health")
    assert health.loc[health["metric"] == "cpu_pct", ["status", "value"]].values.tolist() == [["unknown", 12.5]]


def test_im032_alerts_become_incidents_and_health_events(sqlite_db):
    run(sqlite_db, "csv", FIXTURES / "bundle")
    report = run(sqlite_db, "alerts", FIXTURES / "alerts.csv", FIXTURES / "alerts.json")
    assert counts(report)["incidents"] == (4, 0, 0, 1)
    assert counts(report)["health"] == (6, 0, 0, 0)  # 5 alerts raised, 1 resolved
    assert "priority 'apocalyptic' is not 1 to 5" in reasons(report)["alerts.csv line 4"]
    incidents = table(sqlite_db, "incident").set_index("number")
    http = incidents.loc[alert_number("2026-11-01T08:00:00", "shop-web", "http_5xx")]
    assert (http["priority"], http["state"], http["summary"]) == (1, "resolved", "HTTP 5xx above 5 %")
    assert pd.Timestamp(http["resolved_at"]) == pd.Timestamp("2026-11-01 08:20:00")
    disk = incidents.loc[alert_number("2026-11-01T09:30:00", "shop-db", "disk_full")]
    assert (disk["priority"], disk["state"], disk["summary"]) == (3, "new", "disk_full on shop-db")
    assert pd.isna(disk["resolved_at"])
    restart = incidents.loc[alert_number("2026-11-01T09:00:00", "shop-web", "pod_restart")]  # Unix time in JSON
    assert (restart["priority"], restart["ci_id"]) == (4, ci_id(sqlite_db, "shop-web"))
    health = table(sqlite_db, "health")
    alerts = health.loc[health["metric"] == "alert"].sort_values("observed_at")
    web = alerts.loc[alerts["ci_id"] == ci_id(sqlite_db, "shop-web"), "status"].tolist()
    assert web == ["down", "ok", "degraded"]  # 08:00 critical, 08:20 resolved, 09:00 low
    again = run(sqlite_db, "alerts", FIXTURES / "alerts.csv", FIXTURES / "alerts.json")
    assert counts(again)["incidents"] == (0, 0, 4, 1)
    assert counts(again)["health"] == (0, 0, 6, 0)  # the alert of unknown severity still marks shop-db degraded


# --- the Nezha Online Boutique data set -------------------------------------------------------------------------------

SERVICES = {"frontend", "checkoutservice", "cartservice", "currencyservice", "emailservice", "paymentservice",
            "productcatalogservice", "recommendationservice", "shippingservice", "adservice",
            "loadgenerator"}  # fmt: skip
NODES = {f"33.33.33.{n}" for n in (60, 76, 79, 80, 82, 115, 116, 155, 167, 227)}
FAULTS_PER_SERVICE = {"frontend": 8, "checkoutservice": 8, "adservice": 7, "recommendationservice": 6,
                      "emailservice": 5, "productcatalogservice": 5, "shippingservice": 5, "cartservice": 4,
                      "currencyservice": 4, "paymentservice": 4}  # fmt: skip


@pytest.fixture(scope="module")
def nezha(shared_data, tmp_path_factory) -> str:
    """The whole Nezha folder imported into a new SQLite database."""
    url = f"sqlite:///{tmp_path_factory.mktemp('nezha') / 'nezha.sqlite'}"
    started = time.perf_counter()
    report = run(url, "nezha", shared_data / NEZHA)
    seconds = time.perf_counter() - started
    assert not report.rejected, report.rejected[:5]
    print(f"nezha import: {seconds:.2f} s, {counts(report)}")
    return url


def named_edges(url: str) -> set[tuple[str, str, str]]:
    names = table(url, "ci").set_index("id")["name"]
    rels = table(url, "relationship")
    return {(names[s], names[t], k) for s, t, k in zip(rels["source_id"], rels["target_id"], rels["type"], strict=True)}


def test_im040_nezha_services_and_nodes_become_cis(nezha):
    cis = table(nezha, "ci")
    by_class = cis.groupby("class")["name"].agg(set).to_dict()
    assert by_class == {"business_service": {"Online Boutique"}, "application": SERVICES, "virtual_machine": NODES}


def test_im041_nezha_calls_are_depends_on_and_placement_runs_on(nezha):
    edges = named_edges(nezha)
    assert len(edges) == 27
    assert {
        ("Online Boutique", "frontend", "depends on"),
        ("frontend", "checkoutservice", "depends on"),
        ("checkoutservice", "paymentservice", "depends on"),
        ("recommendationservice", "productcatalogservice", "depends on"),
        ("paymentservice", "33.33.33.115", "runs on"),
        ("productcatalogservice", "33.33.33.115", "runs on"),
        ("loadgenerator", "33.33.33.60", "runs on"),
        ("loadgenerator", "33.33.33.79", "runs on"),
    } <= edges
    assert sum(1 for e in edges if e[2] == "depends on") == 15
    assert sum(1 for e in edges if e[2] == "runs on") == 12


def test_im042_nezha_faults_are_incidents_on_their_service_at_their_time(nezha):
    incidents = table(nezha, "incident")
    names = table(nezha, "ci").set_index("id")["name"]
    assert len(incidents) == 56
    assert incidents["ci_id"].map(names).value_counts().to_dict() == FAULTS_PER_SERVICE
    assert set(incidents["state"]) == {"resolved"}  # each when its fault window ends, as its health events do
    opened, resolved = pd.to_datetime(incidents["opened_at"]), pd.to_datetime(incidents["resolved_at"])
    assert ((resolved - opened) == pd.Timedelta(minutes=5)).all()
    by_number = incidents.set_index("number")
    # Numbers are NZ-, the Unix time, and a digest of pod and type: the same on every import.
    first = by_number.loc["NZ-1661140434-d1fdd4e9"]  # 2022-08-22 03:53:54, frontend-579b9bff58-t2dbm, cpu_contention
    assert names[first["ci_id"]] == "frontend"
    assert pd.Timestamp(first["opened_at"]) == pd.Timestamp("2022-08-22 03:53:54")
    assert pd.Timestamp(first["resolved_at"]) == pd.Timestamp("2022-08-22 03:58:54")
    assert first["summary"] == "Injected fault cpu_contention into pod frontend-579b9bff58-t2dbm"
    later = by_number.loc["NZ-1661256085-d1fdd4e9"]  # 2022-08-23 12:01:25, frontend, cpu_contention (the second list)
    assert pd.Timestamp(later["opened_at"]) == pd.Timestamp("2022-08-23 12:01:25")
    # The one fault whose inject_time (07:10:43) disagrees with its Unix timestamp (07:09:43): the timestamp wins, as
    # the pod's metrics change more after it.
    odd = by_number.loc["NZ-1661152183-d4f9e1ed"]
    assert names[odd["ci_id"]] == "recommendationservice"
    assert pd.Timestamp(odd["opened_at"]) == pd.Timestamp("2022-08-22 07:09:43")
    assert "inject_time 2022-08-22 07:10:43 disagrees" in odd["summary"]


def test_im043_nezha_metrics_are_health_degraded_in_fault_windows(nezha):
    health = table(nezha, "health")
    names = table(nezha, "ci").set_index("id")["name"]
    assert len(health) == 10 * 1209 * 3 + 1209 * 2
    frontend = health.loc[health["ci_id"].map(names) == "frontend"]
    assert set(frontend["metric"]) == {"cpu_pct", "memory_pct", "latency_p99_s"}
    at = frontend.loc[frontend["metric"] == "cpu_pct"].set_index("observed_at")
    at.index = pd.to_datetime(at.index)
    assert at.loc["2022-08-22 03:53:19", "status"] == "ok"  # before the fault at 03:53:54
    assert at.loc["2022-08-22 03:54:19", "status"] == "degraded"
    assert at.loc["2022-08-22 03:54:19", "value"] > 80
    assert at.loc["2022-08-22 04:00:19", "status"] == "ok"  # more than 5 minutes after
    shop = health.loc[health["ci_id"].map(names) == "Online Boutique"]
    assert set(shop["metric"]) == {"success_rate_pct", "latency_p99_s"}
    assert set(shop["status"]) == {"ok", "degraded", "down"}


def test_im044_the_online_boutique_map_shows_the_calls_and_no_fault_left_open(nezha):
    days = (datetime.now() - datetime(2022, 8, 22)).days + 1
    store = SnapshotStore(nezha, health_days=days)
    store.refresh()
    derived = Derived(store.snapshot)
    shop = ci_id(nezha, "Online Boutique")
    model = build_map(derived, ViewState(root=shop, depth=None), store.snapshot.index.position(shop), budget=2000)
    ids = {name: node_id(ci_id(nezha, name)) for name in (*SERVICES, *NODES)}
    drawn = {(e.source, e.target, e.type_name) for e in model.edges}
    assert {
        (node_id(shop), ids["frontend"], "depends on"),
        (ids["frontend"], ids["checkoutservice"], "depends on"),
        (ids["checkoutservice"], ids["paymentservice"], "depends on"),
        (ids["paymentservice"], ids["33.33.33.115"], "runs on"),
    } <= drawn
    nodes = {n.id: n for n in model.nodes}
    assert ids["loadgenerator"] not in nodes  # nothing of the shop depends on the load generator
    # Every fault of 2022 ended within minutes, so no service has an open incident (the badges count open ones).
    assert {nodes[ids[service]].open_incidents for service in FAULTS_PER_SERVICE} == {0}
    assert nodes[node_id(shop)].open_incidents == 0
    assert nodes[ids["frontend"]].status.name == "OK"  # its last sample (23:59) is after every fault window


def test_im045_a_date_folder_alone_adds_its_faults_to_an_imported_topology(nezha, shared_data):
    report = run(nezha, "nezha", shared_data / NEZHA / "2022-08-23", dry_run=True)
    assert counts(report)["incidents"] == (0, 0, 32, 0)  # the same values: unchanged
    # Its faults name ten services, as placeholders: the services of the topology imported before stand for them.
    assert counts(report)["cis"] == (0, 0, 10, 0)


def test_im046_nezha_again_changes_nothing(nezha, shared_data):
    report = run(nezha, "nezha", shared_data / NEZHA / "2022-08-22", dry_run=True)
    assert counts(report)["relationships"] == (0, 0, 27, 0)
    assert counts(report)["health"] == (0, 0, 10 * 1209 * 3 + 1209 * 2, 0)
    assert counts(report)["incidents"] == (0, 0, 24, 0)


def test_im047_nezha_calls_listed_twice_are_imported_once_and_said_so(tmp_path):
    (tmp_path / "dependency.csv").write_text(
        "Source,Target,Weight\nfrontend,cartservice,1\ncartservice,33.33.33.60,1\nfrontend,cartservice,1\n"
    )
    batch = parse("nezha", [tmp_path])
    assert len(batch.relationships) == 3  # two of the file, and Online Boutique → frontend
    assert "1 row repeats a source and target listed before, imported once: dependency.csv line 4" in batch.notes
