"""Page-load benchmark: navigation → map drawn in headless Chromium, cold (fresh profile, empty cache) and warm (the
same page again in that browser), for an 89-, a 282- and a ~2,000-element map.

    .venv/bin/python benchmarks/pageload.py > benchmarks/.cache/pageload-report.md

The 89- and 282-element maps are views of the demo CMDB (2,000 CIs, seed 42, as `python -m dashboard demo` makes it);
the ~2,000-element one is the largest depth-3 map of the 20,000-CI sample of snapshot.py (both generated into
benchmarks/.cache when missing). Each map: --runs fresh browsers, each loading the page twice. A script run before
the page's own notes when the map callback's answer arrived and when cytoscape holds all its nodes and has rendered
the next frame; the times are from navigation start. Beside them: the callback answers received by the time the
map's arrived (the map's own included) and the script bytes transferred.
The report (Markdown) goes to stdout, with one JSON object on its last line; progress goes to stderr.
"""

import argparse
import json
import logging
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from drilldown import INSTRUMENT_JS  # noqa: E402
from snapshot import CACHE, ensure_cmdb, log, machine, markdown, versions  # noqa: E402

TARGET_COLD_S = 1.5  # for the 282-element map
DEMO = (("demo, 89 elements", "?root=72&depth=3", 89), ("demo, 282 elements", "?root=82&depth=4", 282))
SAMPLE_CIS = 20_000

MARKS_JS = """
const nav = performance.getEntriesByType('navigation')[0];
const resources = performance.getEntriesByType('resource');
const callbacks = resources.filter(r => r.name.includes('_dash-update-component'));
const scripts = resources.filter(r => r.initiatorType === 'script' || r.name.endsWith('.js'));
const before = callbacks.filter(r => r.responseEnd <= window.__map.response + 1);
return {
  drawn: window.__map.drawn, response: window.__map.response,
  dom: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
  callbacks: before.length,
  first_callback: callbacks.length ? Math.min(...callbacks.map(r => r.startTime)) : null,
  script_bytes: scripts.reduce((s, r) => s + r.transferSize, 0),
  script_decoded: scripts.reduce((s, r) => s + r.decodedBodySize, 0),
  scripts: scripts.length,
};
"""


def main(argv: list[str] | None = None) -> int:
    """Measure every map cold and warm and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh browsers per map (default 5)")
    args = parser.parse_args(argv)
    from dashboard.cmdb.sample import SampleSpec, generate
    from dashboard.settings import DEMO_CIS, DEMO_SEED

    demo = CACHE / f"demo-{DEMO_CIS}-seed{DEMO_SEED}.sqlite"
    if not demo.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        log(f"[pageload] generating the demo CMDB at {demo} …")
        generate(f"sqlite:///{demo}", SampleSpec(cis=DEMO_CIS, seed=DEMO_SEED), progress=False)
    ensure_cmdb("sqlite", SAMPLE_CIS, "")
    rows, results = [], []
    with served(f"sqlite:///{demo}") as (base, _app):
        for label, query, elements in DEMO:
            results.append(measure(label, base + query, elements, args.runs))
    with served(f"sqlite:///{CACHE / f'cmdb_{SAMPLE_CIS}.sqlite'}") as (base, app):
        root, elements = largest_map(app)
        results.append(measure(f"{SAMPLE_CIS:,}-CI sample", f"{base}?root={root}&depth=3", elements, args.runs))
    for r in results:
        rows.append(
            [
                r["label"],
                str(r["elements"]),
                f"{r['cold']['drawn']:.2f} s",
                f"{r['cold']['response']:.2f} s",
                f"{r['cold']['dom']:.2f} s",
                str(r["cold"]["callbacks"]),
                f"{r['warm']['drawn']:.2f} s",
                f"{r['cold']['script_bytes'] / 1024:,.0f} KiB ({r['cold']['script_decoded'] / 1024:,.0f} KiB)",
            ]
        )
    report(args, rows, results)
    return 0


class served:
    """The app over a CMDB on a free local port, in a thread: `with served(url) as (base_url, app)`."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __enter__(self) -> tuple[str, Any]:
        from werkzeug.serving import make_server

        from dashboard.app import create_app
        from dashboard.settings import Settings

        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        app = create_app(Settings.from_env({}, database_url=self.url, refresh_seconds=0, anonymous=True))
        services = app.server.extensions["servicemap"]
        services.views.of(services.store.snapshot).warm()
        self.server = make_server("127.0.0.1", 0, app.server, threaded=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_port}/", app

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()


def largest_map(app: Any) -> tuple[int, int]:
    """The root of the biggest depth-3 map among the sample's largest services, and its element count."""
    from drilldown import biggest_roots, post_draw

    client = app.server.test_client()
    sizes = [(post_draw(client, app, root)[1], root) for root in biggest_roots(app, 10)]
    elements, root = max(sizes)
    return root, elements


def measure(label: str, url: str, elements: int, runs: int) -> dict[str, Any]:
    """Median marks (seconds from navigation start) of cold and warm loads of url."""
    from tests.browser_driver import chromium

    cold, warm = [], []
    for _ in range(runs):
        driver = chromium(1920, 1080)
        try:
            driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": INSTRUMENT_JS})
            for marks in (cold, warm):
                driver.get(url)
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline and not driver.execute_script("return window.__map.drawn"):
                    time.sleep(0.02)
                marks.append(driver.execute_script(MARKS_JS))
        finally:
            driver.quit()
        log(f"[pageload] {label}: cold {cold[-1]['drawn'] / 1000:.2f} s, warm {warm[-1]['drawn'] / 1000:.2f} s")
    return {"label": label, "elements": elements, "cold": medians(cold), "warm": medians(warm)}


def medians(marks: list[dict[str, Any]]) -> dict[str, float]:
    """Median of every mark; times in seconds."""
    seconds = ("drawn", "response", "dom", "load", "first_callback")
    return {
        key: statistics.median(m[key] for m in marks) / (1000 if key in seconds else 1)
        for key in marks[0]
        if all(m[key] is not None for m in marks)
    }


def report(args: argparse.Namespace, rows: list[list[str]], results: list[dict[str, Any]]) -> None:
    meta = {"machine": machine(), "versions": versions("", ["sqlite"])}
    m = meta["machine"]
    print("# Page load: navigation → map drawn (headless Chromium)\n")
    print(f"{m['cpu']}, {m['usable_cores']} cores, {m['ram_gb']} GB; {m['date']}; commit {m['commit']}\n")
    header = [
        "map",
        "elements",
        "cold: drawn",
        "cold: map answer",
        "cold: DOM ready",
        "callback answers by then (the map's included)",
        "warm: drawn",
        "scripts (decoded)",
    ]
    print(f"Median of {args.runs} fresh browsers; times from navigation start.\n")
    print(markdown(header, rows))
    cold = next(r for r in results if r["elements"] == DEMO[1][2])["cold"]["drawn"]
    print(
        f"\nTarget cold ≤ {TARGET_COLD_S} s for 282 elements: {'✓' if cold <= TARGET_COLD_S else '✗'} ({cold:.2f} s)\n"
    )
    print(json.dumps({**meta, "runs": args.runs, "results": results}))


if __name__ == "__main__":
    raise SystemExit(main())
