"""The NetBox demo (../shared/data/netbox-demo) through the netbox profile on PostgreSQL, and as imported JSON."""

import json
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.app import create_app
from dashboard.cmdb.derived import Derived
from dashboard.cmdb.fingerprint import fingerprint
from dashboard.cmdb.load import Frames, load_frames
from dashboard.cmdb.profiles.netbox import CI_OFFSET, NETBOX, RELATIONSHIP_OFFSET, netbox_key
from dashboard.cmdb.snapshot import load_snapshot
from dashboard.domain.neighbourhood import Scope
from dashboard.domain.viewstate import ViewState
from dashboard.imports import import_batch, parse
from dashboard.maps import build_map
from dashboard.settings import Settings
from layouts import ids
from tests.callbacks import callback_request, post
from tests.conftest import POSTGRESQL_URL, unavailable

DUMP = "netbox-demo/netbox-demo-v4.2.sql"
FIXTURE = "netbox-demo/netbox-demo-v3.6.json"
DEVICE, SITE, RACK, CIRCUIT = 3, 2, 5, 8  # kind numbers: a CI id is number × 10⁹ + NetBox id
CABLE_LINK = 30
# The demo's 108 cables: 76 join two devices (48 distinct pairs: 13 router–switch, 26 to a PDU, 9 switch–patch
# panel), 32 join a device to a circuit termination (32 pairs). Each pair is one "connects to".
DEVICE_PAIRS, CIRCUIT_PAIRS = 48, 32
# The dump's objects belong to the role "netbox", which this server does not have: those lines are left out.
OWNER = re.compile(r"^ALTER [A-Z ]+ \S+ OWNER TO \S+;$")


@pytest.fixture(scope="module")
def netbox_url(shared_data: Path, postgresql_server: sa.Engine) -> Iterator[str]:
    """A fresh PostgreSQL database holding the NetBox 4.2 demo dump, dropped afterwards."""
    psql = shutil.which("psql")
    if psql is None:
        unavailable("psql is not installed: the NetBox dump is loaded with it")
    name = f"servicemap_netbox_{uuid.uuid4().hex[:10]}"
    with postgresql_server.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(POSTGRESQL_URL).set(database=name).render_as_string(hide_password=False)
    try:
        dump = (shared_data / DUMP).read_text(encoding="utf-8").splitlines(keepends=True)
        script = "".join(line for line in dump if not OWNER.match(line))
        loaded = subprocess.run(
            [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-o", "/dev/null", "-d", url, "-f", "-"],
            input=script, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert loaded.returncode == 0, loaded.stderr[-2000:]
        yield url
    finally:
        with postgresql_server.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="module")
def frames(netbox_url: str) -> Frames:
    return load_frames(netbox_url, profile=NETBOX)


def kind_of(ids_: pd.Series) -> pd.Series:
    return ids_ // CI_OFFSET


def cable_edges(relationship: pd.DataFrame) -> pd.DataFrame:
    return relationship[relationship["id"] // RELATIONSHIP_OFFSET == CABLE_LINK]


def test_nb001_the_profile_reads_the_demo_estate(frames):
    ci, relationship = frames["ci"], frames["relationship"]
    assert frames.path == "adbc"
    assert frames.missing_tables == ()
    assert frames.missing_columns == {}
    counts = ci["class"].value_counts()
    assert counts["site"] == 24
    assert counts["rack"] == 42
    assert (kind_of(ci["id"]) == DEVICE).sum() == 72
    assert counts["virtual_machine"] == 180
    assert counts["cluster"] == 32
    assert (counts["circuit"], counts["provider"], counts["tenant"]) == (29, 9, 11)
    assert {"router", "switch", "pdu", "patch_panel", "server"} <= set(ci.loc[kind_of(ci["id"]) == DEVICE, "class"])
    assert ci["id"].is_unique
    assert relationship["id"].is_unique
    hosted = relationship[relationship["type"] == "hosted on"]
    assert len(hosted) == 180
    assert set(kind_of(hosted["target_id"])) == {7}
    cables = cable_edges(relationship)
    assert (cables["type"] == "connects to").all()
    both_devices = (kind_of(cables["source_id"]) == DEVICE) & (kind_of(cables["target_id"]) == DEVICE)
    assert (both_devices.sum(), (~both_devices).sum()) == (DEVICE_PAIRS, CIRCUIT_PAIRS)
    assert not relationship.duplicated(["source_id", "target_id", "type"]).any()
    assert set(relationship["source_id"]) | set(relationship["target_id"]) <= set(ci["id"])
    assert len(frames["incident"]) == 0
    assert len(frames["change"]) == 0
    assert len(frames["health"]) == 383
    assert set(frames["health"]["status"]) == {"ok"}  # every demo object is active


def test_nb002_cables_run_from_the_dependent_device_to_what_it_needs(frames):
    classes = frames["ci"].set_index("id")["class"]
    cables = cable_edges(frames["relationship"])
    pairs = set(zip(cables["source_id"].map(classes), cables["target_id"].map(classes), strict=True))
    assert pairs == {
        ("switch", "router"),
        ("switch", "pdu"),
        ("router", "pdu"),
        ("switch", "patch_panel"),
        ("router", "circuit"),
        ("patch_panel", "circuit"),
    }


def test_nb003_a_site_map_shows_its_racks_devices_and_cabled_neighbours(netbox_url, frames):
    snapshot = load_snapshot(netbox_url, fingerprint="test", source="netbox", profile=NETBOX)
    engine = sa.create_engine(netbox_url)
    with engine.connect() as connection:
        busiest = "SELECT site_id FROM dcim_device GROUP BY site_id ORDER BY count(*) DESC, site_id LIMIT 1"
        site_id = connection.execute(sa.text(busiest)).scalar_one()
        at_site = "SELECT id FROM {} WHERE site_id = :site"
        racks = {
            RACK * CI_OFFSET + i
            for i in connection.execute(sa.text(at_site.format("dcim_rack")), {"site": site_id}).scalars()
        }
        devices = {
            DEVICE * CI_OFFSET + i
            for i in connection.execute(sa.text(at_site.format("dcim_device")), {"site": site_id}).scalars()
        }
    engine.dispose()
    site = SITE * CI_OFFSET + site_id
    cables = cable_edges(frames["relationship"])
    touching = cables[cables["source_id"].isin(devices) | cables["target_id"].isin(devices)]
    neighbours = (set(touching["source_id"]) | set(touching["target_id"])) - devices
    assert len(racks) >= 2
    assert len(devices) >= 5
    assert len(touching) >= 5
    assert neighbours

    derived = Derived(snapshot)
    state = ViewState(root=site, scope=Scope.BOTH, depth=None)
    model = build_map(derived, state, snapshot.index.position(site), budget=100_000)
    shown = {n.ci_id for n in model.nodes if n.kind == "ci"}
    assert model.root_class == "site"
    assert racks <= shown
    assert devices <= shown
    assert neighbours <= shown
    drawn = {(e.source, e.target, e.type_name) for e in model.edges}
    for source, target in zip(touching["source_id"], touching["target_id"], strict=True):
        assert (f"ci-{source}", f"ci-{target}", "connects to") in drawn


def test_nb004_serving_the_netbox_profile_shows_the_overview(netbox_url):
    app = create_app(
        Settings.from_env({}, database_url=netbox_url, profile="netbox", refresh_seconds=0, anonymous=True)
    )
    body = callback_request(
        app, ids.OVERVIEW_STATUS, "children", {f"{ids.OVERVIEW_TICK}.n_intervals": 0, f"{ids.URL}.pathname": "/quality"}
    )
    status, data = post(app, body)
    assert status == 200
    text = json.dumps(data)
    assert "Data loaded" in text
    assert "could not be read" not in text


def test_nb005_the_fingerprint_follows_changes_in_netbox(netbox_url, postgresql_server):
    engine = sa.create_engine(netbox_url)
    try:
        with engine.connect() as connection:
            before = fingerprint(connection, NETBOX)
            assert fingerprint(connection, NETBOX) == before
        with engine.begin() as connection:
            connection.execute(sa.text("UPDATE dcim_device SET status = 'failed', last_updated = now() WHERE id = 1"))
        with engine.connect() as connection:
            assert fingerprint(connection, NETBOX) != before
        health = load_frames(netbox_url, profile=NETBOX)["health"]
        assert health.set_index("ci_id").at[DEVICE * CI_OFFSET + 1, "status"] == "down"
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text("UPDATE dcim_device SET status = 'active' WHERE id = 1"))
        engine.dispose()


def test_nb006_the_json_fixture_imports_the_same_cis_and_relationships(shared_data, frames, sqlite_db):
    batch = parse("netbox-json", [shared_data / FIXTURE])
    report = import_batch(sqlite_db, batch, progress=False)
    assert report.rejected == []
    assert any("(5,947 objects of 57 models: 'dcim.interface' 1,586, " in line for line in report.lines())
    cables = "108 cables → 80 connections: 28 between pairs already connected, 0 planned left out, 0 with an end on"
    assert f"  netbox-demo-v3.6.json: {cables} neither a device nor a circuit" in report.lines()
    imported = load_frames(sqlite_db)
    assert imported["ci"]["class"].value_counts().to_dict() == frames["ci"]["class"].value_counts().to_dict()
    assert sorted(imported["health"]["status"]) == sorted(frames["health"]["status"])
    assert same_cis(imported["ci"]) == same_cis(frames["ci"])
    assert same_relationships(imported) == same_relationships(frames)


def same_cis(ci: pd.DataFrame) -> set[tuple]:
    keys = ci["attributes"].map(lambda text: json.loads(text)["netbox"])
    return set(zip(keys, ci["name"], ci["class"], ci["status"], ci["location"].fillna(""), strict=True))


def same_relationships(frames: Frames) -> set[tuple]:
    ci = frames["ci"]
    key = dict(zip(ci["id"], ci["attributes"].map(lambda text: json.loads(text)["netbox"]), strict=True))
    relationship = frames["relationship"]
    return set(zip(relationship["source_id"].map(key), relationship["target_id"].map(key), relationship["type"],
                   strict=True))  # fmt: skip


def test_nb007_json_rows_pointing_at_missing_objects_are_rejected_and_other_models_noted(tmp_path, sqlite_db):
    when = {"created": "2024-01-02T00:00:00Z", "last_updated": "2024-03-04T05:06:07.123Z"}
    objects = [
        {"model": "dcim.site", "pk": 1, "fields": {"name": "HQ", "status": "active", **when}},
        {
            "model": "dcim.device",
            "pk": 7,
            "fields": {"name": "sw1", "status": "planned", "site": 1, "rack": 99, **when},
        },
        {"model": "ipam.vlan", "pk": 1, "fields": {"name": "users"}},
    ]
    path = tmp_path / "netbox.json"
    path.write_text(json.dumps(objects))
    report = import_batch(sqlite_db, parse("netbox-json", [path]), dry_run=True, progress=False)
    assert report.parts["cis"].added == 2
    assert [(r.origin, r.reason) for r in report.rejected] == [
        ("netbox.json dcim.device/7 located in", "target: no CI with the key or name 'dcim.rack/99' in netbox-json")
    ]
    note = "netbox.json: left out the models servicemap does not read (1 object of 1 model: 'ipam.vlan' 1)"
    assert f"  {note}" in report.lines()
    assert netbox_key(DEVICE * CI_OFFSET + 7) == "dcim.device/7"


def test_nb009_cables_that_make_no_connection_are_counted_in_a_note(tmp_path):
    interface = ["dcim", "interface"]
    devices = [{"model": "dcim.device", "pk": n, "fields": {"name": f"d{n}", "status": "active"}} for n in (1, 2, 3)]
    cables = [{"model": "dcim.cable", "pk": n, "fields": {"status": status}}
              for n, status in ((1, "connected"), (2, "connected"), (3, "planned"), (4, "connected"))]  # fmt: skip
    ends = [  # cable 1 and 2: d1–d2; cable 3 (planned): d1–d3; cable 4: d1 to a power feed
        (1, "A", 1), (1, "B", 2), (2, "A", 1), (2, "B", 2), (3, "A", 1), (3, "B", 3), (4, "A", 1), (4, "B", None),
    ]  # fmt: skip
    terminations = [
        {"model": "dcim.cabletermination", "pk": n,
         "fields": {"cable": cable, "cable_end": end, "termination_id": n, "_device": device,
                    "termination_type": interface if device else ["dcim", "powerfeed"]}}
        for n, (cable, end, device) in enumerate(ends, 1)
    ]  # fmt: skip
    path = tmp_path / "cables.json"
    path.write_text(json.dumps([*devices, *cables, *terminations]))
    batch = parse("netbox-json", [path])
    assert len(batch.relationships) == 1
    assert batch.notes[-1] == (
        "cables.json: 4 cables → 1 connection: 1 between pairs already connected, 1 planned left out, "
        "1 with an end on neither a device nor a circuit"
    )


def test_nb010_model_names_from_the_file_are_shown_with_control_characters_escaped(tmp_path):
    path = tmp_path / "odd.json"
    path.write_text(json.dumps([{"model": "ipam.vlan\x1b[2J\x85", "pk": 1, "fields": {}}]))
    note = parse("netbox-json", [path]).notes[0]
    assert "'ipam.vlan\\x1b[2j\\x85' 1" in note
    assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in note)


def test_nb008_loading_the_demo_is_fast(netbox_url, shared_data):
    start = time.perf_counter()
    load_frames(netbox_url, profile=NETBOX)
    assert time.perf_counter() - start < 5
    start = time.perf_counter()
    parse("netbox-json", [shared_data / FIXTURE])
    assert time.perf_counter() - start < 5


def test_nb011_attributes_read_after_the_snapshot_are_the_profiles(netbox_url, frames):
    snapshot = load_snapshot(netbox_url, fingerprint="test", source="netbox", profile=NETBOX)
    assert "attributes" not in snapshot.ci.columns
    deferred = dict(zip(snapshot.ci["id"], snapshot.attributes(), strict=True))
    assert deferred == dict(zip(frames["ci"]["id"], frames["ci"]["attributes"], strict=True))
