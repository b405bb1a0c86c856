"""Headless Debian Chromium through its chromedriver (never a driver download), for browser tests and screenshots."""

import shutil
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
# Counts the nodes cytoscape has drawn (dash-cytoscape keeps its cy instance on the container element).
CY_NODES_JS = (
    "const el = document.querySelector('#map-graph');"
    "const cy = el && el._cyreg && el._cyreg.cy;"
    "return cy ? cy.nodes().length : -1;"
)


def available() -> str | None:
    """Why no browser test can run here, or None when chromium and chromedriver are installed."""
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if shutil.which(path) is None]
    return f"{', '.join(missing)} not installed (Debian packages chromium, chromium-driver)" if missing else None


def chromium(width: int = 1920, height: int = 1080) -> webdriver.Chrome:
    """A headless Chromium with its own empty profile, at the given window size."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tempfile.mkdtemp(prefix='servicemap-chromium-')}")
    options.add_argument(f"--window-size={width},{height}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
