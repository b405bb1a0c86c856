"""A user's own mapping file (TOML or YAML) maps in-house tables onto the model, on SQLite and PostgreSQL."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from dashboard.cmdb.fingerprint import fingerprint
from dashboard.cmdb.profiles import profile_named
from dashboard.cmdb.snapshot import load_snapshot
from dashboard.domain.impact import impact
from dashboard.settings import Settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "profiles"
GUIDS = {name: f"{n:02d}" + "a1b2c3d4e5f6" * 2 + "abcdef" for n, name in enumerate(("shop", "web", "box1", "box2"))}


def _inhouse(url: str) -> None:
    """An asset register with GUID keys, its own class and status words, and a ticket table."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TABLE assets (asset_guid VARCHAR(32), hostname VARCHAR(100), asset_type VARCHAR(40),"
            " lifecycle VARCHAR(20), modified TIMESTAMP)"
        )
        connection.exec_driver_sql(
            "CREATE TABLE asset_links (from_guid VARCHAR(32), to_guid VARCHAR(32), kind VARCHAR(20),"
            " modified TIMESTAMP)"
        )
        connection.exec_driver_sql(
            "CREATE TABLE tickets (ticket_no VARCHAR(20), asset_guid VARCHAR(32), prio INTEGER, opened TIMESTAMP,"
            " title VARCHAR(100))"
        )
        assets = [
            ("shop", "Web shop", "Business App", "in use"),
            ("web", "shop-web", "Web App", "in use"),
            ("box1", "lnx001", "Linux Box", "broken"),
            ("box2", "<script>alert(1)</script>", "Linux Box", "in use"),
        ]
        for key, name, kind, status in assets:
            connection.execute(
                sa.text("INSERT INTO assets VALUES (:g, :n, :k, :s, '2026-11-20 10:00:00')"),
                {"g": GUIDS[key], "n": name, "k": kind, "s": status},
            )
        links = [("shop", "needs", "web"), ("web", "lives on", "box1"), ("web", "lives on", "box2")]
        for source, kind, target in links:
            connection.execute(
                sa.text("INSERT INTO asset_links VALUES (:s, :t, :k, '2026-11-20 10:00:00')"),
                {"s": GUIDS[source], "t": GUIDS[target], "k": kind},
            )
        connection.execute(
            sa.text("INSERT INTO tickets VALUES ('T-1', :g, 2, '2026-11-21 08:00:00', 'Disk failed')"),
            {"g": GUIDS["box1"]},
        )
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def inhouse_db(request: pytest.FixtureRequest) -> str:
    url = request.getfixturevalue("sqlite_db" if request.param == "sqlite" else "postgresql_db")
    _inhouse(url)
    return url


@pytest.mark.parametrize("mapping", ["inhouse.toml", "inhouse.yaml"])
def test_mp001_a_mapping_file_reads_inhouse_tables_as_the_model(inhouse_db, mapping):
    profile = profile_named(str(FIXTURES / mapping))
    snapshot = load_snapshot(inhouse_db, fingerprint="x", source="test", profile=profile)
    ci = snapshot.ci.set_index("name")
    assert ci.loc["Web shop", "class"] == "business_service"
    assert ci.loc["lnx001", "status"] == "non_operational"
    assert ci.loc["<script>alert(1)</script>", "class"] == "server"
    # GUID keys became integer ids, the same on every load, and the links follow them.
    assert snapshot.ci["id"].dtype == "int64"
    again = load_snapshot(inhouse_db, fingerprint="x", source="test", profile=profile)
    assert list(again.ci["id"]) == list(snapshot.ci["id"])
    box = snapshot.index.position(int(ci.loc["lnx001", "id"]))
    services = snapshot.index.ci_ids[impact(snapshot.index, box).services]
    assert list(services) == [ci.loc["Web shop", "id"]]
    assert snapshot.counts()["dependency_edges"] == 3


def test_mp002_constants_and_values_map_incidents(inhouse_db):
    snapshot = load_snapshot(
        inhouse_db, fingerprint="x", source="test", profile=profile_named(str(FIXTURES / "inhouse.toml"))
    )
    incident = snapshot.tables["incident"].iloc[0]
    assert (incident["number"], incident["priority"], incident["state"]) == ("T-1", 2, "new")
    lnx = snapshot.ci.set_index("name").loc["lnx001", "id"]
    assert incident["ci_id"] == lnx


def test_mp003_tables_the_mapping_leaves_out_are_reported_not_fatal(inhouse_db):
    snapshot = load_snapshot(
        inhouse_db, fingerprint="x", source="test", profile=profile_named(str(FIXTURES / "inhouse.yaml"))
    )
    missing = next(f for f in snapshot.findings if f.code == "table.missing")
    assert set(missing.examples) >= {"incident", "health", "change"}


def test_mp004_the_fingerprint_follows_the_mapped_tables(inhouse_db):
    profile = profile_named(str(FIXTURES / "inhouse.toml"))
    engine = sa.create_engine(inhouse_db)
    with engine.connect() as connection:
        before = fingerprint(connection, profile)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE assets SET modified = '2026-11-22 10:00:00' WHERE hostname = 'lnx001'")
    with engine.connect() as connection:
        assert fingerprint(connection, profile) != before
    engine.dispose()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[ci]\ntable = 'a'\nid = 'x'\nname = 'n'\n", "required columns class"),
        ("[cis]\ntable = 'a'\n", "not a native table"),
        ("[ci]\ntable = 'a'\nid = 'x'\nname = 'n'\nclass = 'c'\ncolour = 'c'\n", "'colour' is not a column of ci"),
        ("[ci\n", "is not valid TOML"),
        ("[relationship]\ntable = 'r'\nsource_id = 's'\ntarget_id = 't'\ntype = 'k'\n", "[ci] section is required"),
    ],
)
def test_mp005_a_broken_mapping_file_says_what_is_wrong(tmp_path, text, message):
    path = tmp_path / "mine.toml"
    path.write_text(text)
    with pytest.raises(ValueError, match=message.replace("[", r"\[")):
        profile_named(str(path))


def test_mp006_settings_refuse_an_unknown_profile():
    with pytest.raises(ValueError, match="native, servicenow, netbox"):
        Settings.from_env({}, profile="sap")


def test_mp007_mixed_case_names_and_ids_held_as_numbers_in_one_table_and_text_in_another(postgresql_db, tmp_path):
    engine = sa.create_engine(postgresql_db)
    with engine.begin() as connection:
        connection.exec_driver_sql('CREATE TABLE "Assets" ("AssetId" INTEGER, "HostName" TEXT, "Kind" TEXT)')
        connection.exec_driver_sql('CREATE TABLE "Links" ("FromId" VARCHAR(10), "ToId" VARCHAR(10), "Kind" TEXT)')
        connection.exec_driver_sql(
            """INSERT INTO "Assets" VALUES (1, 'Web shop', 'business_service'), (2, 'shop-web', 'application')"""
        )
        connection.exec_driver_sql("""INSERT INTO "Links" VALUES ('1', '2', 'depends on')""")
    engine.dispose()
    path = tmp_path / "mixed.toml"
    path.write_text(
        '[ci]\ntable = "assets"\nid = "assetid"\nname = "HostName"\nclass = "kind"\n'
        '[relationship]\ntable = "LINKS"\nsource_id = "FromId"\ntarget_id = "ToId"\ntype = "Kind"\n'
    )
    snapshot = load_snapshot(postgresql_db, fingerprint="x", source="test", profile=profile_named(str(path)))
    assert sorted(snapshot.ci["id"]) == [1, 2]
    assert set(snapshot.ci["status"]) == {"operational"}  # no status column mapped: the documented default
    assert snapshot.counts()["dependency_edges"] == 1
    assert not [f for f in snapshot.findings if f.code.startswith(("table.missing_column", "relationship."))]
    engine = sa.create_engine(postgresql_db)
    with engine.connect() as connection:
        assert fingerprint(connection, profile_named(str(path)))
    engine.dispose()
