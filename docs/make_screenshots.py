"""Take the screenshots in docs/screenshots/ (headless Debian Chromium), over the demo CMDB.

    .venv/bin/python docs/make_screenshots.py            # the demo CMDB, generated if missing
    .venv/bin/python docs/make_screenshots.py --database-url sqlite:///...
    .venv/bin/python docs/make_screenshots.py --only wall wall-rotation

Each view is taken at 1920×1080 and at 3840×2160 (a 4K wall screen at scale 1).
"""

import argparse
import sys
import threading
import time
from pathlib import Path

import numpy as np
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.app import create_app  # noqa: E402
from dashboard.asof import history  # noqa: E402
from dashboard.cli import ensure_demo  # noqa: E402
from dashboard.settings import Settings  # noqa: E402
from tests.browser_driver import CY_NODES_JS, chromium  # noqa: E402

SIZES = ((1920, 1080), (3840, 2160))
# name, path and query, element to tap after the map is drawn (or None)
VIEWS = (
    ("map", "?root=5", "ci-42"),
    ("impact", "?root=424&dir=upstream&depth=all&impact=1", None),  # a database server under 4 services
    ("table", "?root=5&view=table", None),
    ("filtered", "?root=5&depth=all&only=incidents", None),  # hidden CIs contracted into "via" edges
    ("quality", "quality", None),
    ("wall", "wall", None),
    ("wall-rotation", "wall?rotate=60", None),
    ("health", "health", None),
    # {asof}: 90 minutes before the newest health event, whole quarters (in the demo, when the outages began)
    ("wall-asof", "wall?asof={asof}", None),
    ("health-asof", "health?asof={asof}", None),
    # a database server, a vSphere cluster with its hosts and VMs, and the DUB1 site fail (docs/whatif.md)
    ("whatif", "whatif?fail=424&in=348&site=DUB1", None),
)


def main() -> int:
    """Serve the app on a free port and take every view at every size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: the demo CMDB")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    names = [name for name, _, _ in VIEWS]
    parser.add_argument("--only", nargs="+", choices=names, default=names, metavar="VIEW", help=", ".join(names))
    args = parser.parse_args()
    url = args.database_url or ensure_demo()
    app = create_app(Settings.from_env({}, database_url=url, refresh_seconds=0, anonymous=True))
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    try:
        for width, height in SIZES:
            for name, path, tap in (view for view in VIEWS if view[0] in args.only):
                target = out / f"{name}-{width}x{height}.png"
                shoot(base + path.format(asof=as_of(app)), target, width, height, tap)
                print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)
    finally:
        server.shutdown()
    return 0


def as_of(app: object) -> str:
    """A time in the past of the CMDB's health history, for the views as of a time."""
    derived = app.server.extensions["servicemap"].current()  # type: ignore[attr-defined]
    newest = history(derived).last if derived is not None else None
    moment = np.datetime64(newest, "ns") if newest is not None else np.datetime64("now", "ns")
    moment -= np.timedelta64(90, "m")
    return str(moment.astype("datetime64[m]") - (moment.astype("datetime64[m]").astype(np.int64) % 15))


def shoot(url: str, target: Path, width: int, height: int, tap: str | None) -> None:
    """One screenshot of the page at url, after the map (if any) is drawn and the tap's details arrived."""
    driver = chromium(width, height)
    try:
        metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        driver.get(url)
        deadline = time.monotonic() + 30
        while "/?" in url and driver.execute_script(CY_NODES_JS) <= 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        # The rotation alternates the overview with the maps: wait (one step at most) for a map.
        rotation = "return document.getElementById('wall-rotation')?.hidden !== false"
        while "rotate=" in url and driver.execute_script(rotation) and time.monotonic() < deadline + 60:
            time.sleep(0.5)
        plotted = "return document.querySelectorAll('#page-health .js-plotly-plot').length"
        while "/health" in url and not driver.execute_script(plotted) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(2.5 if "/?" in url else 4.0)  # a map settles: labels, then a fit
        if tap:
            driver.execute_script(
                f"const cy = document.querySelector('#map-graph')._cyreg.cy; cy.$id('{tap}').select().emit('tap');"
            )
            time.sleep(2.0)
        driver.save_screenshot(str(target))
    finally:
        driver.quit()


if __name__ == "__main__":
    raise SystemExit(main())
