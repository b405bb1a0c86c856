"""The map's PNG export in headless Chromium: the button downloads a PNG of the whole map as cytoscape drew it."""

import struct
import time
from pathlib import Path

from selenium.webdriver.common.by import By

from layouts import ids
from tests.browser.test_map_browser import WAIT, wait_for_map

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def downloaded(folder: Path, suffix: str) -> Path:
    """The file the browser finished downloading into folder (Chromium writes .crdownload until it is complete)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.name.endswith(suffix)]
        if done and not any(p.name.endswith(".crdownload") for p in folder.iterdir()):
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"nothing ending {suffix} was downloaded into {folder}: {list(folder.iterdir())}")


def test_ex001_the_png_export_downloads_the_whole_map_as_drawn(browser, served, tmp_path):
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    browser.get(f"{served}/?root=5&dir=downstream&depth=3")
    nodes = wait_for_map(browser, 5)
    browser.find_element(By.ID, ids.MAP_EXPORT_GO).click()
    png = downloaded(tmp_path, ".png")
    assert png.name == "servicemap-ci-5-downstream-3.png"
    data = png.read_bytes()
    assert data[:8] == PNG_MAGIC
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    drawn = browser.execute_script(
        "const cy = document.querySelector('#map-graph')._cyreg.cy; const b = cy.elements().boundingBox();"
        "return [b.w, b.h];"
    )
    # the whole map at twice its size in map units (not the part in view), whatever the zoom on screen
    assert abs(width - 2 * drawn[0]) <= 4
    assert abs(height - 2 * drawn[1]) <= 4
    assert nodes > 1
