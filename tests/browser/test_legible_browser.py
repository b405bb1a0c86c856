"""The map as people read it, in headless Chromium at 1920×1080: every label drawn is at least 10 px on screen (and
every label of 10 px or more is drawn), and the five statuses of the legend, as rendered, stay apart in colour and
shape for deuteranopes, protanopes and tritanopes (Machado 2009 simulations of the screenshot's pixels)."""

import io
import os
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.domain.vocabulary import HEALTH_STYLES, RELATIONSHIP_TYPES
from layouts.map import LABEL_MIN_PX
from tests.colour_vision import MACHADO_2009, ciede2000, simulate, to_lab

pytestmark = pytest.mark.browser
WAIT = 20
MIN_DELTA_E = 10  # CIEDE2000 between rendered swatches: statuses told apart at a glance
LANDING, BIG = "?root=5", "?root=16&depth=all"  # the demo's landing map (89 CIs + 2) and one of 276 nodes

# For every element with a label: its size on screen and whether cytoscape draws it (its own min-zoomed-font-size test).
LABELS_JS = """
const cy = document.querySelector('#map-graph')._cyreg.cy;
const r = cy.renderer(), zoom = cy.zoom();
return cy.elements().filter(e => e.visible() && e.pstyle('label').strValue).map(e => ({
    id: e.id(), px: e.pstyle('font-size').pfValue * zoom, drawn: r.eleTextBiggerThanMin(e),
    root: e.hasClass('root'), service: e.hasClass('c-business_service')}));
"""
SETTLED_JS = """
const el = document.querySelector('#map-graph');
const cy = el && el._cyreg && el._cyreg.cy;
if (!cy || !cy.nodes('.root').length) return null;
const state = cy.scratch('servicemapLabels');
return state && state.threshold !== null && !state.pending ? [cy.nodes().length, cy.zoom()] : null;
"""


def open_map(browser, served: str, query: str) -> int:
    """Open a map and wait until it is drawn, fitted and its label threshold set; the number of nodes."""
    browser.get(served + query)
    last = None
    for _ in range(WAIT * 5):
        now = browser.execute_script(SETTLED_JS)
        if now is not None and now == last:
            return now[0]
        last = now
        time.sleep(0.3)
    raise AssertionError(f"the map {query} did not settle")


def misdrawn(labels: list[dict]) -> list[dict]:
    """Labels drawn below LABEL_MIN_PX, or hidden although at least that big."""
    return [label for label in labels if label["drawn"] != (label["px"] >= LABEL_MIN_PX)]


def test_lg101_the_landing_map_draws_readable_labels_and_no_small_ones(browser, served, screen):
    screen(1920, 1080)
    assert open_map(browser, served, LANDING) > 80
    labels = browser.execute_script(LABELS_JS)
    assert not misdrawn(labels)
    drawn = [label for label in labels if label["drawn"]]
    assert all(label["px"] >= LABEL_MIN_PX for label in drawn)
    assert [label for label in drawn if label["root"]]
    assert len(drawn) >= 0.9 * len(labels)  # at 1920×1080 the landing map is readable, not just legal


def test_lg102_a_276_node_map_hides_every_label_smaller_than_10_px(browser, served, screen):
    screen(1920, 1080)
    assert open_map(browser, served, BIG) > 250
    labels = browser.execute_script(LABELS_JS)
    assert labels
    assert not misdrawn(labels)


def test_lg103_zooming_in_and_out_keeps_every_label_at_10_px_or_hidden(browser, served, screen):
    screen(1920, 1080)
    open_map(browser, served, LANDING)
    for zoom in (0.12, 0.26, 0.33, 0.41, 0.43, 0.5, 0.51, 0.8, 1.6, 3.0):
        browser.execute_script(f"document.querySelector('#map-graph')._cyreg.cy.zoom({zoom});")
        labels = browser.execute_script(LABELS_JS)
        assert not misdrawn(labels), zoom


def swatches(browser) -> tuple[np.ndarray, list[dict]]:
    """The page's pixels (RGB) and where the legend's status pictures are."""
    boxes = browser.execute_script(
        "const items = [...document.querySelectorAll('.legend .shape-key')];"
        "items[0].scrollIntoView({block: 'center'});"
        "return items.map(i => { const b = i.getBoundingClientRect();"
        " return {status: i.dataset.status, x: b.x, y: b.y, w: b.width, h: b.height}; });"
    )
    pixels = np.asarray(Image.open(io.BytesIO(browser.get_screenshot_as_png())).convert("RGB"), dtype=float)
    return pixels, boxes


def crop(pixels: np.ndarray, box: dict) -> np.ndarray:
    return pixels[round(box["y"]) : round(box["y"] + box["h"]), round(box["x"]) : round(box["x"] + box["w"])]


def test_lg104_the_rendered_statuses_differ_in_colour_for_every_colour_vision_and_in_shape(browser, served, screen):
    screen(1920, 1080)
    open_map(browser, served, LANDING)
    pixels, boxes = swatches(browser)
    assert [b["status"] for b in boxes] == [s.name.lower() for s in HEALTH_STYLES]
    assert all(min(b["w"], b["h"]) >= 16 for b in boxes)  # large enough to see the shape
    pictures = [crop(pixels, box) for box in boxes]
    # The fill: the middle of each picture (every shape covers its centre), median against anti-aliasing.
    fills = np.array(
        [
            np.median(
                p[p.shape[0] * 2 // 5 : p.shape[0] * 3 // 5, p.shape[1] * 2 // 5 : p.shape[1] * 3 // 5].reshape(-1, 3),
                axis=0,
            )
            for p in pictures
        ]
    )
    for vision in ("normal", *MACHADO_2009):
        seen = to_lab(fills if vision == "normal" else simulate(fills, vision))
        deltas = ciede2000(seen[:, None, :], seen[None, :, :])
        pairs = deltas[np.triu_indices(len(fills), 1)]
        assert pairs.min() >= MIN_DELTA_E, (vision, deltas.round(1))
    # The shapes: which pixels differ from the page around them; no two statuses cover nearly the same ones.
    masks = [np.abs(p - p[0, 0]).sum(axis=2) > 60 for p in pictures]
    size = min(m.shape[0] for m in masks), min(m.shape[1] for m in masks)
    masks = [m[: size[0], : size[1]] for m in masks]
    for i, a in enumerate(masks):
        for b in masks[i + 1 :]:
            assert (a & b).sum() / (a | b).sum() < 0.8, "two statuses with nearly the same shape"
    save_simulations(pixels, "legible-landing-1920")


def save_simulations(pixels: np.ndarray, name: str) -> None:
    """The screenshot and how it looks in each simulation, for people to look at ($SERVICEMAP_SHOTS, when set)."""
    folder = os.environ.get("SERVICEMAP_SHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels.astype(np.uint8)).save(Path(folder) / f"{name}.png")
    for deficiency in MACHADO_2009:
        seen = np.rint(simulate(pixels, deficiency)).astype(np.uint8)
        Image.fromarray(seen).save(Path(folder) / f"{name}-{deficiency}.png")


def test_lg105_the_legend_is_readable_in_the_page_s_own_colours(browser, served, screen):
    """No stale swatches: the legend draws shapes as pictures, the old coloured icon boxes are gone."""
    screen(1920, 1080)
    open_map(browser, served, LANDING)
    WebDriverWait(browser, WAIT).until(lambda d: d.find_elements("css selector", ".legend .shape-key"))
    assert not browser.find_elements("css selector", ".legend .swatch.s-ok")
    lines = browser.find_elements("css selector", ".legend.kinds .line-key")
    assert len(lines) == len(RELATIONSHIP_TYPES)
    assert all(line.size["height"] >= 12 and line.size["width"] >= 40 for line in lines)
