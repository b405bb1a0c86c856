"""The wall's groups of open incidents through Flask's test client: by assignment group or category, those that name
no CI included; the default of a CMDB whose open incidents mostly name no CI; what the map says about them."""

import json
from datetime import timedelta
from pathlib import Path

import pytest

from dashboard.cli import main
from layouts import ids
from tests.integration.test_sparse import app_of, draw, wall
from tests.rows import NOW, ci, health, incident, write

AUDIT_TRAIL = Path(__file__).parents[1] / "fixtures" / "servicenow_audit" / "incident_event_log.csv"


def texts(answer, output):
    return json.dumps(answer[output]["children"])


def tile_texts(answer):
    """Each tile's text, in order: its lines and their parts joined by a space."""

    def flat(node):
        if isinstance(node, str):
            return node
        if isinstance(node, list):
            return " ".join(flat(n) for n in node)
        if isinstance(node, dict):
            return flat(node.get("props", {}).get("children", ""))
        return "" if node is None else str(node)

    return [flat(tile) for tile in answer[ids.WALL_TILES]["children"]]


@pytest.fixture
def desk(sqlite_db):
    """Two servers, no business service; 7 open incidents (4 name no CI) in 3 assignment groups and one without."""
    write(
        sqlite_db,
        ci=[ci(1, "sap-01", "server"), ci(2, "mail-01", "server")],
        health=[health(1, 1, "down"), health(2, 2, "ok")],
        incident=[
            incident("INC1", 1, priority=1, assignment_group="SAP Basis", category="Software"),
            incident("INC2", 1, priority=2, assignment_group="SAP Basis", category="Software"),
            incident("INC3", None, priority=1, assignment_group="Service Desk", category="Access"),
            incident("INC4", None, priority=1, assignment_group="Service Desk", category="Access",
                     opened_at=NOW - timedelta(days=3)),
            incident("INC5", None, priority=3, assignment_group=None, category="Access"),
            incident("INC6", None, priority=1, state="closed", assignment_group="Old Team", category="Hardware"),
            incident("INC7", 2, priority=4, assignment_group="Network", category=" "),
            incident("INC8", None, priority=5, assignment_group="Network", category=None),
        ],
    )  # fmt: skip
    return app_of(sqlite_db)


def test_ig101_without_business_services_and_mostly_incidents_without_ci_the_wall_groups_them(desk):
    answer = wall(desk)
    heading = texts(answer, ids.WALL_HEADING)
    assert (
        "No business services and 4 of 7 open incidents name no CI \\u2014 open incidents by assignment group, "
        "most P1 first (4 assignment groups)"
    ) in heading
    tiles = tile_texts(answer)
    names = [t.split(" ")[0] for t in tiles]
    # Most P1 first (Service Desk 2, SAP Basis 1), then P2 …: the group without a value is a tile like the others.
    assert names == ["Service", "SAP", "(no", "Network"]
    assert "Old Team" not in " ".join(tiles)  # its only incident is closed


def test_ig102_a_group_tile_says_its_open_incidents_worst_status_oldest_and_most_named_ci(desk):
    service_desk, sap, no_group, network = tile_texts(wall(desk, "?tiles=assignment_group"))
    assert "2 open \\u00b7 none names a CI" in json.dumps(service_desk)
    assert "Unknown" in service_desk  # its incidents name no CI: nothing to take a status from
    assert "P1 2" in service_desk
    assert "oldest\u00a029\u00a0Oct" in service_desk  # INC4, opened three days before the others
    assert "Down" in sap  # sap-01, which both of its incidents name
    assert "Most named:  sap-01 (2 open)" in sap
    assert "P1 1 P2 1" in sap
    assert no_group.startswith("(no assignment group given)")
    assert "Most named:  mail-01 (1 open)" in network
    assert "2 open \\u00b7 1 name no CI" in json.dumps(network)


def test_ig103_the_wall_groups_open_incidents_by_category_on_request(desk):
    answer = wall(desk, "?tiles=category")
    assert "open incidents by category, most P1 first (3 categories)" in texts(answer, ids.WALL_HEADING)
    names = [t.split(" ")[0] for t in tile_texts(answer)]
    assert names == ["Access", "Software", "(no"]  # Access: P1 2; Software: P1 1, P2 1; Network's two have none


def test_ig104_the_cis_stay_on_request_and_say_which_incidents_they_leave_out(desk):
    answer = wall(desk, "?tiles=ci")
    assert "No business services in this CMDB" in texts(answer, ids.WALL_HEADING)
    assert tile_texts(answer)[0].startswith("sap-01")
    assert "Not on these tiles: 4 open incidents name no CI (?tiles=assignment_group)" in texts(
        answer, ids.WALL_HEADING
    )


def test_ig105_the_map_says_how_many_incidents_name_no_ci_and_where_to_see_them(desk):
    notice = texts(draw(desk, "?root=1"), ids.MAP_NOTICE)
    assert "This CMDB holds 8 incidents; 7 are open and 4 of those name no CI. No map shows them." in notice
    assert "?tiles=assignment_group" in notice
    assert "Data quality page" in notice


def test_ig106_with_business_services_the_groups_come_on_request_only(sqlite_db):
    write(
        sqlite_db,
        ci=[ci(1, "Payroll", "business_service")],
        incident=[
            incident("INC1", None, priority=2, assignment_group="HR IT"),
            incident("INC2", None, assignment_group=""),
        ],
    )
    app = app_of(sqlite_db)
    services = wall(app)
    assert "Payroll" in texts(services, ids.WALL_TILES)
    assert "Not on these tiles: 2 open incidents name no CI" in texts(services, ids.WALL_HEADING)
    answer = wall(app, "?tiles=assignment_group")
    heading = texts(answer, ids.WALL_HEADING)
    assert "Open incidents by assignment group, most P1 first (2 assignment groups)" in heading
    assert "No business services" not in heading
    assert [t.split(" ")[0] for t in tile_texts(answer)] == ["HR", "(no"]


def test_ig107_with_cis_named_by_most_incidents_the_wall_keeps_its_cis(sqlite_db):
    write(
        sqlite_db,
        ci=[ci(1, "sap-01"), ci(2, "mail-01")],
        incident=[incident(n, c, assignment_group="Desk") for n, c in (("INC1", 1), ("INC2", 2), ("INC3", None))],
    )
    answer = wall(app_of(sqlite_db))
    assert "most troubled" in texts(answer, ids.WALL_HEADING)
    assert "1 open incident names no CI" in texts(answer, ids.WALL_HEADING)
    assert "name no CI" not in texts(draw(app_of(sqlite_db), "?root=1"), ids.MAP_NOTICE)


def test_ig108_no_open_incident_to_group_says_so(sqlite_db):
    write(sqlite_db, ci=[ci(1, "sap-01")], incident=[incident("INC1", None, state="resolved")])
    answer = wall(app_of(sqlite_db), "?tiles=assignment_group")
    assert "None of the 1 incidents in this CMDB is open." in texts(answer, ids.WALL_TILES)
    assert answer[ids.WALL_TILES]["className"] == "tiles single"


def test_ig109_an_imported_incident_export_without_cis_opens_the_wall_on_its_groups(sqlite_db):
    assert main(["import", "servicenow", str(AUDIT_TRAIL), "--database-url", sqlite_db]) in (0, 3)
    app = app_of(sqlite_db)
    answer = wall(app)
    heading = texts(answer, ids.WALL_HEADING)
    assert "No business services and 2 of 2 open incidents name no CI" in heading
    tiles = tile_texts(answer)
    assert [t.split(" ")[:2] for t in tiles] == [["Group", "24"], ["Group", "5"]]  # both P4: by name
    assert "Group 70" not in " ".join(tiles)  # INC0000045 is closed at its latest update
    assert all("1 open \u00b7 none names a CI" in t for t in tiles)
    # Asked for CIs, the wall says there are none, and where the incidents are.
    asked = texts(wall(app, "?tiles=ci"), ids.WALL_TILES)
    assert "This CMDB holds 3 incidents; 2 are open and 2 of those name no CI." in asked
    notice = texts(draw(app, ""), ids.MAP_NOTICE)
    assert "This CMDB has no CIs." in notice
    assert "This CMDB holds 3 incidents; 2 are open and 2 of those name no CI." in notice
    assert "?tiles=assignment_group" in notice


def test_ig110_at_most_twelve_groups_each_readable_and_the_heading_counts_the_rest(sqlite_db):
    write(
        sqlite_db,
        incident=[incident(f"INC{i}", None, priority=1 + i % 5, assignment_group=f"G{i:02}") for i in range(14)],
    )
    answer = wall(app_of(sqlite_db))
    assert "most P1 first (12 of 14 assignment groups)" in texts(answer, ids.WALL_HEADING)
    assert len(answer[ids.WALL_TILES]["children"]) == 12
    assert answer[ids.WALL_TILES]["className"] == "tiles cols-4 rows-3"
    assert [t.split(" ")[0] for t in tile_texts(answer)][:3] == ["G00", "G05", "G10"]  # the P1s, by name
