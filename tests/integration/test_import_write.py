"""The import writer across formats: where a key is unique, what the terminal is shown, unreachable targets."""

import pandas as pd
import sqlalchemy as sa

from dashboard.cli import main
from dashboard.imports import ImportBatch, import_batch
from dashboard.imports.batch import frame


def _graph(scope: str, names: tuple[str, str]) -> ImportBatch:
    """Two CIs keyed n0 and n1 (as a GraphML file numbers its nodes), n0 depending on n1."""
    cis = frame(
        "cis",
        [{"key": f"n{i}", "name": name, "class": "application", "scope": scope} for i, name in enumerate(names)],
        "graph",
    )
    relationships = frame(
        "relationships", [{"source": "n0", "target": "n1", "type": "depends on", "scope": scope}], "graph"
    )
    return ImportBatch(cis=cis, relationships=relationships)


def _cis(url: str) -> list[str]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        names = pd.read_sql(sa.text("SELECT name FROM ci ORDER BY name"), connection)["name"].tolist()
    engine.dispose()
    return names


def test_iw001_the_same_key_from_another_source_is_another_ci(sqlite_db):
    import_batch(sqlite_db, _graph("graphml:a.graphml", ("web01", "db01")), progress=False)
    report = import_batch(sqlite_db, _graph("graphml:b.graphml", ("payroll", "ldap")), progress=False)
    assert (report.parts["cis"].added, report.parts["cis"].updated) == (2, 0)
    assert _cis(sqlite_db) == ["db01", "ldap", "payroll", "web01"]
    again = import_batch(sqlite_db, _graph("graphml:a.graphml", ("web01", "db01")), progress=False)
    assert (again.parts["cis"].added, again.parts["cis"].updated, again.parts["cis"].unchanged) == (0, 0, 2)


def test_iw002_control_characters_in_names_do_not_reach_the_terminal(sqlite_db, tmp_path, capsys):
    (tmp_path / "ci.csv").write_text("id,name,class\n1,\x1b[2J\x1b]0;owned\x07evil,server\n2,evil,server\n")
    assert main(["import", "csv", str(tmp_path), "--database-url", sqlite_db, "--quiet"]) == 0
    assert main(["check", "--database-url", sqlite_db]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "\x07" not in out
    assert "\\x1b[2J" in out  # shown escaped in the findings' examples (here: orphans)
    assert _cis(sqlite_db)[0] == "\x1b[2J\x1b]0;owned\x07evil"  # stored as it was given


def test_iw003_an_unreachable_target_is_a_message_with_an_error_id_not_a_traceback(tmp_path, capsys):
    (tmp_path / "ci.csv").write_text("id,name,class\n1,web01,server\n")
    url = "postgresql://postgres@127.0.0.1:1/nowhere"
    assert main(["import", "csv", str(tmp_path), "--database-url", url, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "OperationalError" in err
    assert "error id" in err
    assert "Traceback" not in err


def _graphml(path, names: tuple[str, str]) -> None:
    path.write_text(
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><key id="name" for="node" attr.name="name"/>'
        '<graph edgedefault="directed">'
        f'<node id="n0"><data key="name">{names[0]}</data></node>'
        f'<node id="n1"><data key="name">{names[1]}</data></node>'
        '<edge source="n0" target="n1"/></graph></graphml>'
    )


def test_iw004_two_graphml_files_numbering_their_nodes_alike_stay_apart(sqlite_db, tmp_path):
    _graphml(tmp_path / "a.graphml", ("web01", "db01"))
    _graphml(tmp_path / "b.graphml", ("payroll", "ldap"))
    for name in ("a.graphml", "b.graphml", "a.graphml"):
        assert main(["import", "graphml", str(tmp_path / name), "--database-url", sqlite_db, "--quiet"]) == 0
    assert _cis(sqlite_db) == ["db01", "ldap", "payroll", "web01"]
