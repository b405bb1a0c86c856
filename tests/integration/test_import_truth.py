"""An import is a truthful transaction: exit statuses, nothing partial written, every row read accounted for, key
scopes (a key never reaches another file's CI), --join-by name, --max-rejects, and a second import that changes
nothing — with property-based tests of the invariants over generated folders of GraphML files."""

import dataclasses
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import cli
from dashboard.cli import main
from dashboard.imports import AccountingError, ImportReport, MaxRejects, csvfile, import_batch, parse
from tests.integration.test_imports import table as rows

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
SIMPLE = FIXTURES / "graphml" / "primer-simple.graphml"


def cli_import(fmt: str, *args: str | Path, url: str) -> int:
    return main(["import", fmt, *map(str, args), "--database-url", url, "--quiet"])


def graphml(path: Path, nodes: list[str], edges: list[tuple[str, str]], *, directed: bool = True) -> None:
    """A GraphML file whose nodes are n0, n1, … labelled with the given names."""
    body = "".join(f'<node id="n{i}"><data key="l">{name}</data></node>' for i, name in enumerate(nodes))
    body += "".join(f'<edge source="{s}" target="{t}"/>' for s, t in edges)
    default = "directed" if directed else "undirected"
    path.write_text(
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><key id="l" for="node" attr.name="label"/>'
        f'<graph edgedefault="{default}">{body}</graph></graphml>'
    )


# --- exit statuses -------------------------------------------------------------------------------------------------


def test_tr001_exit_0_when_every_row_is_imported_and_3_when_some_are_rejected(sqlite_db, tmp_path, capsys):
    assert cli_import("graphml", SIMPLE, url=sqlite_db) == 0
    assert "Every row read imported (23)." in capsys.readouterr().out
    graphml(tmp_path / "dangling.graphml", ["a", "b"], [("n0", "n1"), ("n1", "n7")])
    assert cli_import("graphml", tmp_path / "dangling.graphml", url=sqlite_db) == 3
    out = capsys.readouterr().out
    assert "3 rows imported, 1 rejected (listed below)." in out
    assert "rejected  dangling.graphml edge 2 (n1 → n7): target: no CI with the key or name 'n7'" in out
    assert len(rows(sqlite_db, "ci")) == 11 + 2


def test_tr002_exit_4_and_nothing_written_when_no_row_is_usable(sqlite_db, tmp_path, capsys):
    (tmp_path / "ci.csv").write_text("id,name,class\n1,,server\n2,,server\n")
    assert cli_import("csv", tmp_path, url=sqlite_db) == 4
    assert "Nothing to import: no row could be used (see the rejections)." in capsys.readouterr().out
    assert not Path(sqlite_db.removeprefix("sqlite:///")).exists()  # not even an empty database file
    assert cli_import("graphml", SIMPLE, url=sqlite_db) == 0
    assert cli_import("csv", tmp_path, url=sqlite_db) == 4
    assert len(rows(sqlite_db, "ci")) == 11


@pytest.mark.parametrize(
    ("fmt", "name", "content"),
    [("graphml", "empty.graphml", '<graphml><graph edgedefault="directed"/></graphml>'),
     ("csv", "ci.csv", "id,name,class\n"), ("edges", "calls.csv", "source,target\n"),
     ("metrics", "cpu.csv", "timestamp,ci,metric,value\n")],
)  # fmt: skip
def test_tr003_a_file_with_no_rows_is_exit_4_and_says_so(sqlite_db, tmp_path, capsys, fmt, name, content):
    (tmp_path / name).write_text(content)
    assert cli_import(fmt, tmp_path / name, url=sqlite_db) == 4
    out = capsys.readouterr().out
    assert "Nothing to import" in out
    if fmt != "metrics":  # parsed file by file: each empty file is named
        assert f"rejected  {name}: no rows to import in this file" in out


def test_tr004_an_empty_file_among_good_ones_is_exit_3_naming_it(sqlite_db, tmp_path, capsys):
    graphml(tmp_path / "a.graphml", ["web", "db"], [("n0", "n1")])
    (tmp_path / "b.graphml").write_text('<graphml><graph edgedefault="directed"/></graphml>')
    assert cli_import("graphml", tmp_path, url=sqlite_db) == 3
    assert "rejected  b.graphml: no rows to import in this file" in capsys.readouterr().out
    assert len(rows(sqlite_db, "ci")) == 2


def test_tr005_max_rejects_stops_and_writes_nothing_when_exceeded(sqlite_db, tmp_path, capsys):
    graphml(tmp_path / "g.graphml", ["a", "b", "c"], [("n0", "n1"), ("n1", "n9"), ("n2", "n8")])  # 2 of 6 rejected
    assert main(["import", "graphml", str(tmp_path), "--database-url", sqlite_db, "--max-rejects", "1"]) == 4
    out = capsys.readouterr().out
    assert "Stopped: 2 rows rejected, more than --max-rejects 1 allows; nothing written." in out
    assert not Path(sqlite_db.removeprefix("sqlite:///")).exists()
    assert main(["import", "graphml", str(tmp_path), "--database-url", sqlite_db, "--max-rejects", "30%"]) == 4
    assert main(["import", "graphml", str(tmp_path), "--database-url", sqlite_db, "--max-rejects", "40%"]) == 3
    assert main(["import", "graphml", str(tmp_path), "--database-url", sqlite_db, "--max-rejects", "2"]) == 3
    assert len(rows(sqlite_db, "ci")) == 3


@pytest.mark.parametrize("text", ["x", "-1", "1.5", "5%%"])
def test_tr006_a_max_rejects_that_is_no_count_or_percentage_is_a_usage_error(text, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["import", "graphml", str(SIMPLE), "--database-url", "sqlite://", "--max-rejects", text])
    assert exit_.value.code == 2
    assert "give a number of rows (100) or a percentage of rows read (5%)" in capsys.readouterr().err
    assert MaxRejects.parse("5%") == MaxRejects(5.0, percent=True)


def test_tr007_an_unreadable_file_keeps_its_exit_status_and_message(sqlite_db, tmp_path, capsys):
    (tmp_path / "bad.graphml").write_text("<graphml><graph><node id='a'></graph></graphml>")
    assert cli_import("graphml", tmp_path / "bad.graphml", url=sqlite_db) == cli.EXIT_USAGE
    assert "not well-formed XML" in capsys.readouterr().err


def test_tr008_a_dry_run_has_the_exit_status_of_the_import_it_stands_for(sqlite_db, tmp_path):
    graphml(tmp_path / "g.graphml", ["a", "b"], [("n0", "n5")])
    assert main(["import", "graphml", str(tmp_path), "--database-url", sqlite_db, "--dry-run", "--quiet"]) == 3
    assert not Path(sqlite_db.removeprefix("sqlite:///")).exists()


# --- accounting ----------------------------------------------------------------------------------------------------


def test_tr010_counts_that_do_not_add_up_are_an_error_and_nothing_is_written(sqlite_db, monkeypatch, capsys):
    report = ImportReport("x", dry_run=False)
    report.parts["cis"].read, report.parts["cis"].added = 3, 2
    with pytest.raises(AccountingError, match=r"cis: 3 read, 2 imported \+ 0 rejected"):
        report.check_accounting()

    def lose_a_row(self: ImportReport) -> None:
        self.parts["relationships"].read += 1
        original(self)

    original = ImportReport.check_accounting
    monkeypatch.setattr(ImportReport, "check_accounting", lose_a_row)
    assert cli_import("graphml", SIMPLE, url=sqlite_db) == cli.EXIT_ACCOUNTING
    assert "the import's counts do not add up (relationships: 13 read" in capsys.readouterr().err
    assert not Path(sqlite_db.removeprefix("sqlite:///")).exists()


def test_tr011_the_summary_shows_read_and_what_became_of_each_row(sqlite_db):
    report = import_batch(sqlite_db, parse("csv", [FIXTURES / "bundle"]), progress=False)
    for name, part in report.parts.items():
        assert part.read == part.added + part.updated + part.unchanged + part.joined + part.rejected, name
    header, cis = report.lines()[1], report.lines()[2]
    assert header.split() == ["read", "added", "updated", "unchanged", "joined", "rejected"]
    assert cis.split() == ["cis", "6", "5", "0", "0", "0", "1"]


# --- key scopes ----------------------------------------------------------------------------------------------------


def test_tr020_two_bundles_with_the_same_ids_stay_apart(sqlite_db, tmp_path):
    for folder, names in (("east", ("web", "db")), ("west", ("ldap", "payroll"))):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "ci.csv").write_text(f"id,name,class\n1,{names[0]},application\n2,{names[1]},database\n")
        (tmp_path / folder / "relationship.csv").write_text("source_id,target_id,type\n1,2,depends on\n")
        assert cli_import("csv", tmp_path / folder, url=sqlite_db) == 0
    names = rows(sqlite_db, "ci").set_index("id")["name"]
    rels = rows(sqlite_db, "relationship")
    assert set(zip(rels["source_id"].map(names), rels["target_id"].map(names), strict=True)) == {
        ("web", "db"), ("ldap", "payroll")
    }  # fmt: skip


def source_keys(url: str) -> dict[str, str]:
    """Each CI's name → the key an import stored for it."""
    cis = rows(url, "ci")
    return {name: json.loads(a)["source_key"] for name, a in zip(cis["name"], cis["attributes"], strict=True)}


def two_apps(tmp_path: Path) -> tuple[Path, Path]:
    """app1/graph.graphml and app2/graph.graphml: files of the same name, from two sources, numbering nodes alike."""
    for app in ("app1", "app2"):
        (tmp_path / app).mkdir()
        graphml(tmp_path / app / "graph.graphml", [f"{app}-frontend", f"{app}-db"], [("n0", "n1")])
    return tmp_path / "app1", tmp_path / "app2"


def test_tr022_files_of_the_same_name_in_one_import_are_two_key_scopes(sqlite_db, tmp_path, capsys):
    app1, app2 = two_apps(tmp_path)
    assert cli_import("graphml", app1, app2, url=sqlite_db) == 0
    out = capsys.readouterr().out
    assert "graphml:app1/graph.graphml, graphml:app2/graph.graphml (--scope NAME names one yourself)" in out
    assert source_keys(sqlite_db) == {
        "app1-frontend": "graphml:app1/graph.graphml:n0", "app1-db": "graphml:app1/graph.graphml:n1",
        "app2-frontend": "graphml:app2/graph.graphml:n0", "app2-db": "graphml:app2/graph.graphml:n1",
    }  # fmt: skip
    names = rows(sqlite_db, "ci").set_index("id")["name"]
    rels = rows(sqlite_db, "relationship")
    assert set(zip(rels["source_id"].map(names), rels["target_id"].map(names), strict=True)) == {
        ("app1-frontend", "app1-db"), ("app2-frontend", "app2-db")
    }  # fmt: skip
    again = import_batch(sqlite_db, parse("graphml", [app1, app2]), progress=False)  # the same scopes again
    assert (again.parts["cis"].added, again.parts["cis"].updated, again.parts["cis"].unchanged) == (0, 0, 4)
    assert again.parts["relationships"].unchanged == 2


def test_tr023_scope_names_the_source_of_a_separate_import(sqlite_db, tmp_path, capsys):
    app1, app2 = two_apps(tmp_path)
    assert cli_import("graphml", app1 / "graph.graphml", url=sqlite_db) == 0
    assert cli_import("graphml", app2 / "graph.graphml", "--scope", "app2", url=sqlite_db) == 0
    assert source_keys(sqlite_db) == {
        "app1-frontend": "graphml:graph.graphml:n0", "app1-db": "graphml:graph.graphml:n1",  # as before this change
        "app2-frontend": "app2:n0", "app2-db": "app2:n1",
    }  # fmt: skip
    capsys.readouterr()
    report = import_batch(sqlite_db, parse("graphml", [app1 / "graph.graphml"]), progress=False)
    assert (report.parts["cis"].added, report.parts["cis"].updated, report.parts["cis"].unchanged) == (0, 0, 2)
    assert cli_import("graphml", app2 / "graph.graphml", "--scope", " ", url=sqlite_db) == 1
    assert "--scope: give a name" in capsys.readouterr().err


def test_tr024_a_relative_path_is_named_after_the_folder_it_stands_for(sqlite_db, tmp_path, monkeypatch):
    for folder, name in (("bA", "alpha-web"), ("bB", "beta-db")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "ci.csv").write_text(f"id,name,class\n1,{name},application\n")
    for folder, path in (("bA", "ci.csv"), ("bB", "ci.csv"), ("bA", ".")):
        monkeypatch.chdir(tmp_path / folder)
        assert cli_import("csv", path, url=sqlite_db) == 0
    assert source_keys(sqlite_db) == {"alpha-web": "csv:bA:1", "beta-db": "csv:bB:1"}


def test_tr025_a_health_event_is_matched_on_its_exact_time_and_updated_when_status_or_value_differ(empty_db, tmp_path):
    (tmp_path / "ci.csv").write_text("id,name,class\nweb,shop-web,application\n")

    def health(*events: str) -> tuple[int, int, int]:
        (tmp_path / "health.csv").write_text("ci_id,status,metric,value,observed_at\n" + "\n".join(events) + "\n")
        report = import_batch(empty_db, parse("csv", [tmp_path]), progress=False)
        return report.parts["health"].added, report.parts["health"].updated, report.parts["health"].unchanged

    def stored() -> list[tuple]:
        held = rows(empty_db, "health").sort_values("observed_at")
        return [(s, None if v != v else v) for s, v in zip(held["status"], held["value"], strict=True)]

    assert health("web,ok,cpu,10,2026-11-30 12:00:00.200") == (1, 0, 0)
    assert health("web,ok,cpu,10.0,2026-11-30 12:00:00.200") == (0, 0, 1)  # 10 and 10.0 are one value
    assert health("web,down,cpu,99,2026-11-30 12:00:00.200") == (0, 1, 0)
    assert stored() == [("down", 99.0)]
    assert health("web,down,cpu,,2026-11-30 12:00:00.200") == (0, 1, 0)  # a value that became NULL
    assert health("web,down,cpu,,2026-11-30 12:00:00.200") == (0, 0, 1)
    assert stored() == [("down", None)]
    assert health("web,ok,cpu,,2026-11-30 12:00:01") == (1, 0, 0)  # another time is another reading
    if not empty_db.startswith("mysql"):  # MariaDB's DATETIME keeps whole seconds: there .9 is the same time as .2
        assert health("web,ok,cpu,7,2026-11-30 12:00:00.900") == (1, 0, 0)
        assert stored() == [("down", None), ("ok", 7.0), ("ok", None)]


def test_tr026_attributes_in_another_key_order_are_no_change(sqlite_db, tmp_path):
    def cis(attributes: str) -> tuple[int, int, int]:
        quoted = attributes.replace('"', '""')
        (tmp_path / "ci.csv").write_text(f'id,name,class,attributes\nweb,shop-web,application,"{quoted}"\n')
        report = import_batch(sqlite_db, parse("csv", [tmp_path]), progress=False)
        return report.parts["cis"].added, report.parts["cis"].updated, report.parts["cis"].unchanged

    assert cis('{"a": 2, "b": {"x": 1, "y": 2}}') == (1, 0, 0)
    assert cis('{"b": {"y": 2, "x": 1}, "a": 2}') == (0, 0, 1)
    assert cis('{"b": {"y": 2, "x": 1}, "a": 3}') == (0, 1, 0)
    assert json.loads(rows(sqlite_db, "ci")["attributes"].iloc[0])["a"] == 3


def test_tr021_names_across_files_join_only_when_asked_and_edge_lists_name_cis_anywhere(sqlite_db, tmp_path, capsys):
    graphml(tmp_path / "a.graphml", ["shop", "redis"], [("n0", "n1")])
    graphml(tmp_path / "b.graphml", ["cart", "redis"], [("n0", "n1")])
    assert cli_import("graphml", tmp_path, url=sqlite_db) == 0
    assert (rows(sqlite_db, "ci")["name"] == "redis").sum() == 2
    (tmp_path / "calls.csv").write_text("source,target\nshop,cart\nredis,shop\n")
    assert cli_import("edges", tmp_path / "calls.csv", url=sqlite_db) == 3
    out = capsys.readouterr().out
    assert "rejected  calls.csv line 3: the name 'redis' belongs to several CIs" in out  # the endpoint, as a CI
    assert "rejected  calls.csv line 3: source: the name 'redis' belongs to several CIs" in out  # and the link
    (tmp_path / "cpu.csv").write_text("timestamp,ci,metric,value\n2026-11-01T09:00:00Z,cart,cpu_pct,4\n")
    assert cli_import("metrics", tmp_path / "cpu.csv", url=sqlite_db) == 0
    assert rows(sqlite_db, "health")["ci_id"].tolist() == [
        int(rows(sqlite_db, "ci").set_index("name").loc["cart", "id"])
    ]


# --- invariants, property-based --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Folder:
    """Generated GraphML files: per file, its node names (n0, n1, … in order), its edges and its edgedefault."""

    files: list[tuple[list[str], list[tuple[int, int]], bool]]

    def write(self, path: Path) -> None:
        for n, (names, edges, directed) in enumerate(self.files):
            graphml(path / f"f{n}.graphml", names, [(f"n{s}", f"n{t}") for s, t in edges], directed=directed)

    @property
    def nodes(self) -> int:
        return sum(len(names) for names, _, _ in self.files)


NAMES = st.sampled_from(["redis", "rabbitmq", "order", "api", "db", "Redis"])


@st.composite
def folders(draw: st.DrawFn, *, unique_names: bool = False) -> Folder:
    files = []
    for _ in range(draw(st.integers(1, 4))):
        names = draw(st.lists(NAMES, min_size=1, max_size=5, unique_by=str.lower if unique_names else None))
        ends = st.integers(0, len(names) - 1)
        edges = draw(st.lists(st.tuples(ends, ends).filter(lambda e: e[0] != e[1]), max_size=6))
        files.append((names, edges, draw(st.booleans())))
    return Folder(files)


PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def stored_scope(attributes: str) -> str:
    return json.loads(attributes)["source_key"].rsplit(":", 1)[0]


@PROPERTY
@given(folders())
def test_tr030_a_folder_import_keeps_every_node_links_within_files_accounts_for_every_row_and_is_idempotent(folder):
    with tempfile.TemporaryDirectory() as scratch:
        path, url = Path(scratch), f"sqlite:///{scratch}/cmdb.sqlite"
        folder.write(path)
        first = import_batch(url, parse("graphml", [path]), progress=False)
        cis, rels = rows(url, "ci"), rows(url, "relationship")
        assert len(cis) == folder.nodes  # CIs = the sum of each file's nodes
        scope = cis.set_index("id")["attributes"].map(stored_scope)
        assert (rels["source_id"].map(scope) == rels["target_id"].map(scope)).all()  # every link within its file
        for part in first.parts.values():
            assert part.imported + part.rejected == part.read
        assert first.parts["relationships"].read == sum(len(edges) for _, edges, _ in folder.files)
        assert not first.rejected
        again = import_batch(url, parse("graphml", [path]), progress=False)
        for name, part in again.parts.items():
            assert (part.added, part.updated, part.rejected) == (0, 0, 0), name
            assert part.unchanged + part.joined == first.parts[name].imported
        assert len(rows(url, "ci")) == len(cis)
        assert len(rows(url, "relationship")) == len(rels)


@PROPERTY
@given(folders(unique_names=True))
def test_tr031_joined_by_name_every_name_is_one_ci_and_every_link_one_a_file_has(folder):
    with tempfile.TemporaryDirectory() as scratch:
        path, url = Path(scratch), f"sqlite:///{scratch}/cmdb.sqlite"
        folder.write(path)
        report = import_batch(url, parse("graphml", [path]), progress=False, join_by="name")
        cis, rels = rows(url, "ci"), rows(url, "relationship")
        assert sorted(cis["name"].str.lower()) == sorted({n.lower() for names, _, _ in folder.files for n in names})
        assert report.parts["cis"].joined == folder.nodes - len(cis)
        name = cis.set_index("id")["name"].str.lower()
        drawn = set(zip(rels["source_id"].map(name), rels["target_id"].map(name), strict=True))
        given_links = {(names[s].lower(), names[t].lower()) for names, edges, _ in folder.files for s, t in edges}
        assert drawn <= given_links | {(t, s) for s, t in given_links}


@st.composite
def bundles(draw: st.DrawFn) -> tuple[list[str], list[tuple[str, str, str]]]:
    """A CSV bundle's CI names (an empty one is a row without a name) and relationships (ids that may dangle, types
    that may not be types)."""
    names = draw(st.lists(st.sampled_from(["web", "db", "", "cache"]), max_size=6))
    ids = st.integers(0, len(names) + 1).map(str)
    kinds = st.sampled_from(["depends on", "runs on", "teleports to"])
    return names, draw(st.lists(st.tuples(ids, ids, kinds), max_size=6))


@PROPERTY
@given(bundles())
def test_tr032_every_row_read_is_imported_or_rejected_and_the_exit_status_says_which(bundle):
    names, relationships = bundle
    with tempfile.TemporaryDirectory() as scratch:
        folder, url = Path(scratch) / "bundle", f"sqlite:///{scratch}/cmdb.sqlite"
        folder.mkdir()
        (folder / "ci.csv").write_text("id,name,class\n" + "".join(f"{i},{n},server\n" for i, n in enumerate(names)))
        (folder / "relationship.csv").write_text(
            "source_id,target_id,type\n" + "".join(f"{s},{t},{k}\n" for s, t, k in relationships)
        )
        report = import_batch(url, parse("csv", [folder]), progress=False)
        for part in report.parts.values():
            assert part.imported + part.rejected == part.read
        read = len(names) + len(relationships)
        assert sum(p.read for p in report.parts.values()) + report.unrecognised == read + (not names) + (
            not relationships
        )  # an empty file is a rejection of its own
        expected = 4 if report.imported == 0 else 3 if report.rejected else 0
        assert main(["import", "csv", str(folder), "--database-url", url, "--quiet", "--dry-run"]) == expected
        written = len(rows(url, "ci")) if Path(url.removeprefix("sqlite:///")).exists() else 0
        assert written == (report.parts["cis"].added if expected != 4 else 0)


# --- the re-import invariant on the server databases ---------------------------------------------------------------


def _reimport_changes_nothing(url: str, tmp_path: Path) -> None:
    graphml(tmp_path / "a.graphml", ["Paris", "Paris", "Lyon"], [("n0", "n1"), ("n1", "n2"), ("n2", "n0")])
    graphml(tmp_path / "b.graphml", ["redis", "api"], [("n0", "n1")], directed=False)
    for fmt, path in (("graphml", tmp_path), ("csv", FIXTURES / "bundle")):
        first = import_batch(url, parse(fmt, [path]), progress=False)
        again = import_batch(url, parse(fmt, [path]), progress=False)
        for name, part in again.parts.items():
            assert (part.added, part.updated) == (0, 0), (fmt, name)
            assert part.unchanged + part.joined == first.parts[name].imported, (fmt, name)
            assert part.rejected == first.parts[name].rejected, (fmt, name)
    assert len(rows(url, "ci")) == 5 + 5


@pytest.mark.postgresql
def test_tr040_reimporting_changes_nothing_on_postgresql(postgresql_db, tmp_path):
    _reimport_changes_nothing(postgresql_db, tmp_path)


@pytest.mark.mariadb
def test_tr041_reimporting_changes_nothing_on_mariadb(mariadb_db, tmp_path):
    _reimport_changes_nothing(mariadb_db, tmp_path)


# --- reading by chunks ---------------------------------------------------------------------------------------------


@st.composite
def keyed_bundles(draw: st.DrawFn) -> dict[str, str]:
    """A CSV bundle whose rows repeat keys and numbers, lack classes, dangle and repeat: each file's text."""
    ids = st.sampled_from(["a", "b", "c", "d"])
    cis = draw(st.lists(st.tuples(ids, st.sampled_from(["server", ""])), max_size=7))
    rels = draw(st.lists(st.tuples(ids, ids), max_size=6))
    incidents = draw(st.lists(st.tuples(st.sampled_from(["INC1", "INC2", "INC3"]), ids, st.sampled_from("19")),
                              max_size=6))  # fmt: skip
    health = draw(st.lists(st.tuples(ids, st.sampled_from(["ok", "down"])), max_size=6))
    return {
        "ci.csv": "id,name,class\n" + "".join(f"{i},{i}-name,{c}\n" for i, c in cis),
        "relationship.csv": "source_id,target_id,type\n" + "".join(f"{s},{t},depends on\n" for s, t in rels),
        "incident.csv": "number,ci_id,priority,state,opened_at\n"
        + "".join(f"{n},{c},{p},new,2026-01-01T00:00:00Z\n" for n, c, p in incidents),
        "health.csv": "ci_id,status,observed_at\n" + "".join(f"{c},{s},2026-01-01T00:00:00Z\n" for c, s in health),
    }


def _import_in_chunks(files: dict[str, str], chunk_rows: int) -> tuple[dict, set, dict]:
    """The report's counts and rejections, and what the database holds, after importing the bundle `chunk_rows` rows
    of a file at a time."""
    with tempfile.TemporaryDirectory() as scratch, patch.object(csvfile, "CHUNK_ROWS", chunk_rows):
        folder, url = Path(scratch) / "bundle", f"sqlite:///{scratch}/cmdb.sqlite"
        folder.mkdir()
        for name, text in files.items():
            (folder / name).write_text(text)
        report = import_batch(url, parse("csv", [folder]), progress=False)
        counts = {name: dataclasses.astuple(part) for name, part in report.parts.items()}
        rejected = {(r.origin, r.reason, r.part) for r in report.rejected}
        held = {}
        if Path(scratch, "cmdb.sqlite").exists():
            for name in ("ci", "relationship", "incident", "health"):
                values = rows(url, name).drop(columns=["updated_at"], errors="ignore").values.tolist()
                held[name] = sorted(map(str, values))
        return counts, rejected, held


@PROPERTY
@given(keyed_bundles(), st.integers(1, 3))
def test_tr033_an_import_read_in_chunks_counts_rejects_and_writes_what_one_read_whole_does(files, chunk_rows):
    whole = _import_in_chunks(files, 1_000)
    assert _import_in_chunks(files, chunk_rows) == whole
    counts, rejected, _ = whole
    assert sum(read for read, *_ in counts.values()) == sum(text.count("\n") - 1 for text in files.values())
    keys = [line.split(",")[0] for line in files["ci.csv"].splitlines()[1:] if not line.endswith(",")]
    repeated = len(keys) - len(set(keys))
    assert sum(reason.endswith("has the same key") for _, reason, _ in rejected) == repeated
