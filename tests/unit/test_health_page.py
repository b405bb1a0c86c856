"""The /health view model and its layout builders, on a small hand-made CMDB (no server, no browser)."""

import json
from datetime import UTC, datetime, timedelta

import plotly.io as pio
import pytest
from dash import dcc

from dashboard.cmdb.derived import Derived
from dashboard.cmdb.snapshot import build_snapshot
from dashboard.domain.health_scope import HealthQuery
from dashboard.domain.vocabulary import HEALTH_STYLES, PRIORITY_COLOURS, Health
from dashboard.health_data import health_data
from dashboard.health_marks import Mark, cis_behind, map_root, mark_of
from dashboard.health_page import filter_options, health_page
from layouts import ids
from layouts.health import build_body, build_filters, build_selection, map_link
from layouts.health_charts import heat, incident_days, status_bars
from tests.rows import ci, frames, incident, rel

NOW = datetime.now(UTC).replace(tzinfo=None)


def event(id_: int, ci_id: int, status: str, hours_ago: float) -> dict:
    when = NOW - timedelta(hours=hours_ago)
    return {"id": id_, "ci_id": ci_id, "status": status, "metric": "availability", "value": None, "observed_at": when}


@pytest.fixture(scope="module")
def derived():
    tables = frames(
        ci=[
            ci(1, "Payments", "business_service"),
            ci(2, "pay-app", "application", location="LON3"),
            ci(3, "db-1", "database"),
            ci(4, "lonely", "server", owner="Unix Ops"),
        ],
        relationship=[rel(1, 1, "depends on", 2), rel(2, 2, "depends on", 3)],
        health=[event(1, 3, "ok", 50), event(2, 3, "down", 10), event(3, 3, "ok", 4), event(4, 2, "degraded", 1)],
        incident=[
            incident(
                "INC1", 3, 1, "resolved", opened_at=NOW - timedelta(hours=30), resolved_at=NOW - timedelta(hours=28)
            ),
            incident("INC2", 3, 2, "new", opened_at=NOW - timedelta(hours=20), assignment_group="DBA"),
            incident("INC3", 4, 3, "new", opened_at=NOW - timedelta(hours=5)),
            incident("INC4", None, 4, "new", opened_at=NOW - timedelta(hours=2), assignment_group="Desk"),
        ],
    )
    return Derived(build_snapshot(tables, fingerprint="f", source="test"))


def test_hv001_the_page_counts_the_scope_and_says_what_is_missing(derived):
    page = health_page(derived, health_data(derived), HealthQuery())
    assert page.scope_cis == 4
    assert page.scope_incidents == 4
    assert page.missing == (
        "1 of the 4 incidents the CMDB holds name no CI it holds: they count in incidents over time (with no filter "
        "set) and in MTTR per assignment group, but in nothing per CI, class or service.",
    )
    assert page.pareto_incidents.names[0] == "db-1"
    assert page.pareto_incidents.values[0] == 2
    assert page.pareto_down.names == ("db-1",)
    assert page.pareto_down.values == (6.0,)  # down from 10 h ago to 4 h ago
    assert page.heat.names[0] == "db-1"


def test_hv002_a_service_filter_keeps_what_it_depends_on_and_drops_incidents_without_a_ci(derived):
    page = health_page(derived, health_data(derived), HealthQuery(services=(1,)))
    assert page.scope_cis == 3
    assert page.scope_incidents == 2
    assert page.by_service.labels == ("Payments",)
    assert page.by_service.mttr_hours == (2.0,)  # INC1 only is resolved
    assert page.by_service.mtbf_hours == (10.0,)  # INC1 at −30 h, INC2 at −20 h


def test_hv003_an_assignment_group_is_the_incident_s_or_else_its_ci_owner_s(derived):
    data = health_data(derived)
    assert set(data.log.group_names) == {"DBA", "Desk", "Unix Ops"}
    page = health_page(derived, data, HealthQuery(groups=("Unix Ops",)))
    assert page.scope_cis == 2  # db-1 (INC1 falls back to its owner) and lonely
    assert page.scope_incidents == 2


def test_hv004_marks_parse_untrusted_keys_and_select_the_cis_behind_them(derived):
    assert mark_of({"points": [{"customdata": "mixclass|database|4"}]}) == Mark("mixclass", "database", 4)
    assert mark_of({"points": [{"customdata": "mixclass|database|9"}]}) is None
    assert mark_of({"points": [{"customdata": ["ci|3", "x"]}]}) == Mark("ci", "3")
    assert mark_of("nonsense") is None
    assert map_root(Mark("svc", "1")) == "?root=1"
    assert map_root(Mark("ci", "1&x=2")) is None
    listed = cis_behind(derived, health_data(derived), HealthQuery(), Mark("group", "Unix Ops"))
    assert [row["name"] for row in listed.rows] == ["db-1", "lonely"]
    by_priority = cis_behind(derived, health_data(derived), HealthQuery(), Mark("inc", str(NOW.date()), 4))
    assert by_priority.without_ci == (1 if (NOW - timedelta(hours=2)).date() == NOW.date() else 0)


def test_hv005_charts_take_their_colours_from_the_vocabulary_and_carry_click_keys(derived):
    page = health_page(derived, health_data(derived), HealthQuery())
    bars = status_bars(page.by_class, "mixclass")
    colours = {trace["name"]: trace["marker"]["color"] for trace in bars["data"]}
    assert colours == {HEALTH_STYLES[h].label: HEALTH_STYLES[h].colour for h in Health}
    incidents = incident_days(page.incidents)
    assert [t["marker"]["color"] for t in incidents["data"]] == [PRIORITY_COLOURS[p] for p in range(1, 6)]
    cells = heat(page.heat)
    assert cells["data"][0]["customdata"][-1][0] == "ci|3"  # the worst CI is drawn at the top (plotly's last row)
    pio.from_json(json.dumps(cells))  # a figure plotly accepts


def test_hv006_the_body_has_a_graph_per_chart_and_the_filters_show_the_url(derived):
    data = health_data(derived)
    page = health_page(derived, data, HealthQuery(classes=("database",), days=7))
    body = build_body(page, "/")
    graphs = [c for c in _walk(body) if isinstance(c, dcc.Graph)]
    assert {g.id["name"] for g in graphs} >= {"mixclass", "mixloc", "day", "heat", "inc", "pareto-inc"}
    assert all(g.id["type"] == ids.HEALTH_CHART for g in graphs)
    for graph in graphs:
        pio.from_json(json.dumps(graph.figure))  # plotly accepts every figure (they are built as plain dicts)
    filters = build_filters(filter_options(derived, data), page.query)
    dropdowns = {c.id["name"]: c for c in _walk(filters) if isinstance(c, dcc.Dropdown)}
    assert dropdowns["class"].value == ["database"]
    assert dropdowns["days"].value == "7"
    assert {"value": "1", "label": "Payments"} in dropdowns["service"].options


def test_hv007_the_ci_list_links_each_ci_to_the_map_and_no_name_can_make_a_link():
    assert map_link("/p/", "42") == "[open on map](/p/?root=42)"
    assert map_link("/", "4)](javascript:alert(1)") == "[open on map](/?root=4%29%5D%28javascript%3Aalert%281%29)"
    listed = build_selection(
        cis=type("L", (), {"title": "T", "rows": ({"id": "7", "name": "[x](y)"},), "total": 1, "without_ci": 0})(),
        map_href="/",
    )
    grid = listed[1]
    assert grid.rowData == [{"id": "7", "name": "[x](y)", "map": "[open on map](/?root=7)"}]
    assert next(c for c in grid.columnDefs if c["field"] == "name").get("cellRenderer") is None


def _walk(node):
    yield node
    children = getattr(node, "children", None)
    if isinstance(node, list | tuple):
        for child in node:
            yield from _walk(child)
    elif children is not None:
        yield from _walk(children if isinstance(children, list | tuple) else [children])
