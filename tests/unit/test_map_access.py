"""The map's keyboard and screen-reader parts: each node's spoken summary, the elements map_keys.js needs."""

from dash import html

from dashboard.domain.vocabulary import Health
from layouts import ids
from layouts.map import STYLESHEET, build_elements
from layouts.map_access import build_map_access, node_summary
from tests.unit.test_map_elements import model, node


def test_kb101_a_summary_says_name_class_status_incidents_and_changes():
    said = node_summary("Payments API", "Application", "Down", 2, 1, 1)
    assert said == "Payments API, Application, Down, 2 open incidents (worst P1), 1 change"


def test_kb102_a_quiet_node_says_so_instead_of_zeros():
    said = node_summary("db01", "Database", "OK", 0, 0, 0)
    assert said == "db01, Database, OK, no open incidents, no changes"


def test_kb103_node_data_carries_class_label_counts_and_summary():
    drawn = node(
        7, label="<b>x</b>", class_name="database", status=Health.DOWN, open_incidents=3, worst_priority=2, changes=4
    )
    data = build_elements(model([drawn]))[0]["data"]
    assert (data["cls"], data["incidents"], data["priority"], data["changes"]) == ("Database", 3, 2, 4)
    assert data["summary"] == "<b>x</b>, Database, Down, 3 open incidents (worst P2), 4 changes"


def test_kb104_the_page_has_instructions_live_region_tooltip_and_labelled_zoom_buttons():
    found: dict = {}

    def walk(component: object) -> None:
        if isinstance(component, html.Div | html.P | html.Button):
            found[getattr(component, "id", None)] = component
        for child in getattr(component, "children", None) or []:
            if not isinstance(child, str):
                walk(child)

    for part in build_map_access():
        walk(part)
    assert found[ids.MAP_ANNOUNCE].to_plotly_json()["props"]["aria-live"] == "polite"
    assert "Arrow keys" in found[ids.MAP_KEYS_HELP].children
    for button in (ids.MAP_ZOOM_IN, ids.MAP_ZOOM_OUT, ids.MAP_ZOOM_FIT):
        props = found[button].to_plotly_json()["props"]
        assert props["title"] == props["aria-label"]
        assert "key" in props["title"]


def test_kb105_the_stylesheet_draws_the_keyboard_node():
    assert any(rule["selector"] == "node.kbd-focus" for rule in STYLESHEET)
