"""GraphML as its primer specifies it (http://graphml.graphdrawing.org/primer/graphml-primer.html): direction from
edgedefault and `directed`, keys by attr.name with defaults and types, nested graphs read, hyperedges and ports
reported, types and classes only from keys meant as such; and each file its own key scope."""

import json
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.cli import main
from dashboard.imports import import_batch, parse

GRAPHML = Path(__file__).resolve().parents[1] / "fixtures" / "imports" / "graphml"


def run(url: str, *paths: Path, **options):
    join_by = options.pop("join_by", None)
    return import_batch(url, parse("graphml", list(paths), **options), progress=False, join_by=join_by)


def tables(url: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            cis = pd.read_sql(sa.text("SELECT * FROM ci"), connection)
            rels = pd.read_sql(sa.text("SELECT * FROM relationship"), connection)
    finally:
        engine.dispose()
    cis["source_key"] = [json.loads(a)["source_key"] for a in cis["attributes"]]
    return cis, rels


def links(url: str) -> set[tuple[str, str, str]]:
    """(source key, target key, type) of every relationship, keys as stored (scope:key)."""
    cis, rels = tables(url)
    key = cis.set_index("id")["source_key"]
    return set(zip(rels["source_id"].map(key), rels["target_id"].map(key), rels["type"], strict=True))


def numbers(report, part: str) -> tuple[int, ...]:
    p = report.parts[part]
    return (p.read, p.added, p.updated, p.unchanged, p.joined, p.rejected)


def test_gm001_the_primers_undirected_graph_becomes_connects_to_links(sqlite_db):
    report = run(sqlite_db, GRAPHML / "primer-simple.graphml")
    assert numbers(report, "cis") == (11, 11, 0, 0, 0, 0)
    assert numbers(report, "relationships") == (12, 12, 0, 0, 0, 0)
    scope = "graphml:primer-simple.graphml:"
    assert (scope + "n8", scope + "n10", "connects to") in links(sqlite_db)
    assert {kind for _, _, kind in links(sqlite_db)} == {"connects to"}


def test_gm002_edgedefault_and_each_edges_directed_attribute_decide_the_direction(sqlite_db):
    run(sqlite_db, GRAPHML / "primer-mixed-direction.graphml")
    scope = "graphml:primer-mixed-direction.graphml:"
    assert {(s.removeprefix(scope), t.removeprefix(scope), k) for s, t, k in links(sqlite_db)} == {
        ("n0", "n1", "depends on"),  # directed="true"
        ("n1", "n2", "connects to"),  # directed="false" in a directed graph
        ("n2", "n0", "depends on"),  # the graph's default
        ("m0", "m1", "connects to"),  # the second graph's default: undirected
        ("m1", "m0", "depends on"),  # directed="true" in an undirected graph
    }


def test_gm003_keys_by_attr_name_with_defaults_and_types_become_attributes(sqlite_db):
    report = run(sqlite_db, GRAPHML / "primer-attributes.graphml")
    cis, _ = tables(sqlite_db)
    colour = {
        k.rsplit(":", 1)[1]: json.loads(a)["color"] for k, a in zip(cis["source_key"], cis["attributes"], strict=True)
    }
    assert colour == {"n0": "green", "n1": "yellow", "n2": "blue", "n3": "red", "n4": "yellow", "n5": "turquoise"}
    # weight is no relationship type: every edge is imported, and the note says what was not kept.
    assert numbers(report, "relationships") == (7, 7, 0, 0, 0, 0)
    assert (
        "primer-attributes.graphml: edge data 'weight' not kept (relationships have no attributes), edges: 4, "
        "e.g. '1.0'" in report.notes
    )


def test_gm004_nested_graphs_are_read_and_the_nesting_reported(sqlite_db):
    report = run(sqlite_db, GRAPHML / "primer-nested.graphml")
    assert numbers(report, "cis") == (14, 14, 0, 0, 0, 0)
    assert numbers(report, "relationships") == (12, 12, 0, 0, 0, 0)
    scope = "graphml:primer-nested.graphml:"
    assert (scope + "n6::n1", scope + "n6::n0::n0", "depends on") in links(sqlite_db)  # across nesting levels
    assert (
        "primer-nested.graphml: nested graphs read (their nodes and edges imported, not the nesting): 3" in report.notes
    )


def test_gm005_hyperedges_and_ports_are_reported_never_silently_dropped(sqlite_db):
    report = run(sqlite_db, GRAPHML / "primer-hyperedges-ports.graphml")
    assert numbers(report, "relationships") == (2, 2, 0, 0, 0, 0)
    assert set(report.notes) >= {
        "primer-hyperedges-ports.graphml: ports not imported: 12",
        "primer-hyperedges-ports.graphml: edges that end at ports, imported between their nodes: 1",
        "primer-hyperedges-ports.graphml: hyperedges not imported (a relationship joins two CIs): 2",
    }


def test_gm006_a_network_keeps_every_link_its_coordinates_and_reimports_unchanged(sqlite_db):
    first = run(sqlite_db, GRAPHML / "network-links.graphml")
    assert numbers(first, "cis") == (4, 4, 0, 0, 0, 0)
    # Five links: the bandwidth labels are not types; 0–1 and 1–0 in an undirected graph are one link.
    assert numbers(first, "relationships") == (5, 4, 0, 0, 1, 0)
    cis, _ = tables(sqlite_db)
    paris = cis.loc[cis["source_key"] == "graphml:network-links.graphml:0"].iloc[0]
    attributes = json.loads(paris["attributes"])
    assert (paris["name"], paris["class"]) == ("Paris", "router")  # the node key `type` holds classes
    assert (attributes["Latitude"], attributes["Longitude"], attributes["Internal"]) == (48.85341, 2.3488, 1)
    assert (cis["name"] == "Paris").sum() == 2  # two nodes share a name: two CIs
    again = run(sqlite_db, GRAPHML / "network-links.graphml")
    assert numbers(again, "cis") == (4, 0, 0, 4, 0, 0)
    assert numbers(again, "relationships") == (5, 0, 0, 4, 1, 0)
    assert not again.rejected


def test_gm007_types_classes_and_statuses_come_only_from_keys_meant_as_such(sqlite_db):
    report = run(sqlite_db, GRAPHML / "services-typed.graphml")
    assert not report.rejected
    cis, _ = tables(sqlite_db)
    by_name = cis.set_index("name")
    assert by_name["class"].to_dict() == {
        "Checkout": "business_service", "checkout-api": "application", "orders-db": "database",
        "vm-17": "virtual_machine",
    }  # fmt: skip
    assert by_name.loc["orders-db", "status"] == "maintenance"
    assert json.loads(by_name.loc["checkout-api", "attributes"])["tier"] == "gold"
    scope = "graphml:services-typed.graphml:"
    assert {(s.removeprefix(scope), t.removeprefix(scope), k) for s, t, k in links(sqlite_db)} == {
        ("s", "a", "depends on"), ("a", "d", "depends on"), ("a", "v", "runs on")
    }  # fmt: skip


def test_gm008_type_key_and_class_key_name_the_keys_to_read(sqlite_db, tmp_path):
    path = tmp_path / "g.graphml"
    path.write_text(
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        '<key id="c" for="node" attr.name="Role"/><key id="t" for="edge" attr.name="Link"/>'
        '<graph edgedefault="directed"><node id="a"><data key="c">Router</data></node>'
        '<node id="b"><data key="c">widget</data></node>'
        '<edge source="a" target="b"><data key="t">connects_to</data></edge>'
        '<edge source="b" target="a"><data key="t">fibre</data></edge></graph></graphml>'
    )
    default = import_batch(sqlite_db, parse("graphml", [path]), dry_run=True, progress=False)
    assert not default.rejected  # neither Role nor Link is a key meant as class or type by its name
    keyed = import_batch(
        sqlite_db, parse("graphml", [path], type_key="link", class_key="role"), dry_run=False, progress=False
    )
    # A type key is the user's word: a value that is no type is an error in the data, said so.
    assert [r.reason.split(",")[0] for r in keyed.rejected] == ["relationship type 'fibre' is not one of depends on"]
    cis, rels = tables(sqlite_db)
    assert cis.set_index("name")["class"].to_dict() == {"a": "router", "b": "widget"}
    assert rels["type"].tolist() == ["connects to"]


def test_gm009_a_folder_of_files_numbering_nodes_alike_keeps_every_node_and_link_in_its_file(sqlite_db, tmp_path):
    for n, names in enumerate((("web", "db", "cache"), ("rabbitmq", "redis", "order"), ("rabbitmq", "redis", "api"))):
        nodes = "".join(f'<node id="n{i}"><data key="l">{name}</data></node>' for i, name in enumerate(names))
        (tmp_path / f"app{n}.graphml").write_text(
            '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><key id="l" for="node" attr.name="label"/>'
            f'<graph edgedefault="directed">{nodes}<edge source="n0" target="n1"/><edge source="n1" target="n2"/>'
            "</graph></graphml>"
        )
    report = run(sqlite_db, tmp_path)
    assert numbers(report, "cis") == (9, 9, 0, 0, 0, 0)
    assert numbers(report, "relationships") == (6, 6, 0, 0, 0, 0)
    assert all(s.rsplit(":", 1)[0] == t.rsplit(":", 1)[0] for s, t, _ in links(sqlite_db))
    joined = run(sqlite_db, tmp_path, join_by="name")  # asked for: the shared names become one CI each
    assert numbers(joined, "cis") == (9, 0, 0, 9, 0, 0)  # already imported apart: each keeps its own CI

    url = sqlite_db.replace("cmdb.sqlite", "joined.sqlite")
    report = run(url, tmp_path, join_by="name")
    assert numbers(report, "cis") == (9, 7, 0, 0, 2, 0)  # app2's rabbitmq and redis joined app1's
    assert "--join-by name: 2 CIs joined a CI of another file by name" in report.notes
    cis, _ = tables(url)
    assert sorted(cis["name"]) == ["api", "cache", "db", "order", "rabbitmq", "redis", "web"]


def test_gm010_a_key_never_reaches_a_node_of_another_files_earlier_import(sqlite_db, tmp_path, capsys):
    (tmp_path / "a.graphml").write_text(
        '<graphml><graph edgedefault="directed"><node id="n0"/><node id="n5"/></graph></graphml>'
    )
    (tmp_path / "b.graphml").write_text(
        '<graphml><graph edgedefault="directed"><node id="n0"/><edge source="n0" target="n5"/></graph></graphml>'
    )
    assert main(["import", "graphml", str(tmp_path / "a.graphml"), "--database-url", sqlite_db, "--quiet"]) == 0
    code = main(["import", "graphml", str(tmp_path / "b.graphml"), "--database-url", sqlite_db, "--quiet"])
    assert code == 3
    assert "target: no CI with the key or name 'n5' in graphml:b.graphml" in capsys.readouterr().out


@pytest.mark.parametrize("flag", ["--type-key", "--class-key"])
def test_gm011_the_graphml_options_are_refused_by_other_formats(sqlite_db, flag, capsys):
    edges = Path(__file__).resolve().parents[1] / "fixtures" / "imports" / "edges.csv"
    assert main(["import", "edges", str(edges), "--database-url", sqlite_db, flag, "x", "--quiet"]) == 1
    assert f"{flag}: not an option of the format 'edges'" in capsys.readouterr().err


def test_gm012_a_named_key_that_no_file_has_is_an_error_and_files_without_it_a_note(sqlite_db, tmp_path, capsys):
    (tmp_path / "a.graphml").write_text(
        '<graphml><key id="r" for="node" attr.name="role"/><graph edgedefault="directed">'
        '<node id="n0"><data key="r">server</data></node></graph></graphml>'
    )
    (tmp_path / "b.graphml").write_text('<graphml><graph edgedefault="directed"><node id="n0"/></graph></graphml>')
    code = main(["import", "graphml", str(tmp_path), "--database-url", sqlite_db, "--class-key", "rol", "--quiet"])
    assert code == 1
    assert "--class-key 'rol': no file has a node key (attr.name) of that name" in capsys.readouterr().err
    report = run(sqlite_db, tmp_path, class_key="role")
    assert "b.graphml: --class-key 'role': no node key of that name, files: 1" in report.notes
    assert sorted(tables(sqlite_db)[0]["class"]) == ["application", "server"]
