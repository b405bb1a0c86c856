"""Statuses and relationship types as drawn: colours everyone tells apart, distinct shapes and lines, one definition
(the vocabulary) read by the map's stylesheet, the legend and the stylesheets' copies."""

import re
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import pytest

from dashboard.domain.vocabulary import HEALTH_STYLES, RELATIONSHIP_STYLES, RELATIONSHIP_TYPES, Health
from layouts.legend import build_legend
from layouts.legend_marks import OUTLINE
from layouts.map import LABEL_MIN_PX, LABEL_PX, STYLESHEET
from tests.colour_vision import ciede2000, contrast, hex_rgb, simulate, to_lab, worst_difference

ASSETS = Path(__file__).resolve().parents[2] / "dashboard" / "assets"
WHITE = hex_rgb("#ffffff")
MIN_DELTA_E = 15  # CIEDE2000; about 2 is "just noticeable" side by side, 10 tells colours apart at a glance


def rules() -> dict[str, dict]:
    return {rule["selector"]: rule["style"] for rule in STYLESHEET}


def test_lg001_every_pair_of_statuses_differs_in_every_colour_vision():
    worst = worst_difference({style.label: hex_rgb(style.colour) for style in HEALTH_STYLES.values()})
    assert set(worst) == {"normal", "protanopia", "deuteranopia", "tritanopia"}
    assert all(delta >= MIN_DELTA_E for delta, _, _ in worst.values()), worst


@pytest.mark.parametrize(
    ("lab1", "lab2", "expected"),
    [  # Sharma, Wu & Dalal (2005), table 1: pairs 1, 7, 25 and 34
        ((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425),
        ((50, 0, 0), (50, -1, 2), 2.3669),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
        ((2.0776, 0.0795, -1.135), (0.9033, -0.0636, -0.5514), 0.9082),
    ],
)
def test_lg002_ciede2000_matches_the_published_test_data(lab1, lab2, expected):
    assert ciede2000(np.array(lab1), np.array(lab2)) == pytest.approx(expected, abs=1e-4)


def test_lg003_simulations_keep_greys_and_white_and_merge_red_with_green_for_deuteranopes():
    for deficiency in ("protanopia", "deuteranopia", "tritanopia"):
        assert np.allclose(simulate(WHITE, deficiency), WHITE, atol=1.5)
    red, green = simulate(hex_rgb("#ff0000"), "deuteranopia"), simulate(hex_rgb("#00a000"), "deuteranopia")
    assert ciede2000(to_lab(red), to_lab(green)) < ciede2000(to_lab(hex_rgb("#ff0000")), to_lab(hex_rgb("#00a000")))


def test_lg004_text_on_each_status_colour_reads_at_4_5_to_1_and_every_node_stands_out_at_3_to_1():
    for style in HEALTH_STYLES.values():
        assert contrast(hex_rgb(style.ink), hex_rgb(style.colour)) >= 4.5, style.label
        # A pale fill stands out through the dark outline the map draws round every node.
        edge = max(contrast(hex_rgb(style.colour), WHITE), contrast(hex_rgb(OUTLINE), WHITE))
        assert edge >= 3, style.label
    assert rules()["node"]["border-color"] == OUTLINE


def test_lg005_the_stylesheets_copies_of_the_status_colours_equal_the_vocabulary():
    css = (ASSETS / "servicemap.css").read_text() + (ASSETS / "wall.css").read_text()
    for status, style in HEALTH_STYLES.items():
        key = status.name.lower()
        assert re.search(rf"\.s-{key} \{{ background: {style.colour}; \}}", css), key
        assert re.search(rf"\.tile\.t-{key} \{{ border-left-color: {style.colour};", css), key
        white_text = [s for s in re.findall(r"([^{}]*)\{ color: #FFFFFF; \}", css) if f"s-{key}" in s]
        assert bool(white_text) == (style.ink.upper() == "#FFFFFF"), key


def test_lg006_five_different_shapes_on_the_map_and_in_the_legend():
    outlines = {style.outline for style in HEALTH_STYLES.values()}
    assert len(outlines) == len({style.shape for style in HEALTH_STYLES.values()}) == len(Health)
    for status, style in HEALTH_STYLES.items():
        drawn = rules()[f".s-{status.name.lower()}"]
        assert drawn["background-color"] == style.colour
        assert drawn.get("shape-polygon-points", []) == list(style.outline)
        assert all(-1 <= v <= 1 for v in style.outline)
        assert len(style.outline) % 2 == 0
    pictures = [unquote(item.children[0].src) for item in build_legend().children[1].children]
    assert len(pictures) == len(Health)
    for picture, style in zip(pictures, HEALTH_STYLES.values(), strict=True):
        assert f'fill="{style.colour}"' in picture
        assert ("<circle" in picture) == (not style.outline)


def test_lg007_each_relationship_type_has_its_own_line_and_arrowhead_from_the_vocabulary():
    assert set(RELATIONSHIP_STYLES) == {kind.name for kind in RELATIONSHIP_TYPES}
    looks = {(style.dash, style.arrow) for style in RELATIONSHIP_STYLES.values()}
    assert all(contrast(hex_rgb(style.colour), WHITE) >= 3 for style in RELATIONSHIP_STYLES.values())
    assert len(looks) == len(RELATIONSHIP_TYPES)
    for kind in RELATIONSHIP_TYPES:
        style = RELATIONSHIP_STYLES[kind.name]
        assert (style.arrow == "none") == kind.symmetric
        drawn = rules()["edge.t-" + kind.name.replace(" ", "-")]
        assert drawn["target-arrow-shape"] == style.arrow
        assert drawn["line-color"] == drawn["target-arrow-color"] == style.colour
        assert drawn["line-style"] == ("dashed" if style.dash else "solid")
        assert drawn.get("line-dash-pattern", []) == list(style.dash)


def test_lg008_groups_traffic_and_impact_are_styled_after_the_types_so_they_still_show():
    order = [rule["selector"] for rule in STYLESHEET]
    last_type = max(i for i, s in enumerate(order) if s.startswith("edge.t-"))
    for later in (".merged", "edge.traffic", "edge.er-2", "edge.impact"):
        assert order.index(later) > last_type, later
    assert "line-style" not in rules()[".merged"]  # a group's edge keeps its type's pattern, only wider


def test_lg009_the_legend_explains_every_relationship_type_with_its_picture():
    items = [item for item in build_legend().children[4].children if getattr(item, "className", None) != "via"]
    assert len(items) == len(RELATIONSHIP_TYPES)
    for item, kind in zip(items, RELATIONSHIP_TYPES, strict=True):
        picture, words = item.children
        assert words.children[0].children == kind.name
        assert words.children[2].children == kind.description
        style = RELATIONSHIP_STYLES[kind.name]
        svg = unquote(picture.src)
        assert f'stroke="{style.colour}"' in svg
        assert ("stroke-dasharray" in svg) == bool(style.dash)


def test_lg010_labels_are_sized_to_be_read_and_hidden_below_10_px_at_any_zoom_until_the_script_refines_it():
    script = (ASSETS / "map_labels.js").read_text()
    assert f"const LABEL_MIN_PX = {LABEL_MIN_PX};" in script
    # cytoscape compares font-size × (zoom rounded up to a power of two, < 2 × zoom) with min-zoomed-font-size:
    # twice the minimum is safe for every zoom before the script sets the exact threshold.
    assert rules()["node"]["min-zoomed-font-size"] == rules()["edge"]["min-zoomed-font-size"] == 2 * LABEL_MIN_PX
    assert rules()["node"]["font-size"] == LABEL_PX["node"]
    assert LABEL_PX["node"] < LABEL_PX["business_service"] < LABEL_PX["root"]
