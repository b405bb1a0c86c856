"""Soak: a wall screen left refreshing, in headless Chromium — does the page's memory stay flat?

    .venv/bin/python benchmarks/soak.py --minutes 30 --refresh 5 [--rotate 10] [--database-url URL]

Serves the app over the demo CMDB (or --database-url), opens /wall, and every --sample seconds records the JS heap
in use (CDP Performance.getMetrics: JSHeapUsedSize, after a forced garbage collection), the DOM node count and the
number of refreshes answered. Prints a Markdown table and, as its last line, one JSON object. Not run in CI.
"""

import argparse
import json
import logging
import statistics
import sys
import threading
import time
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.app import create_app  # noqa: E402
from dashboard.cli import ensure_demo  # noqa: E402
from dashboard.settings import Settings  # noqa: E402
from tests.browser_driver import chromium  # noqa: E402


def main() -> int:
    """Run the soak and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--refresh", type=int, default=5, help="the wall's refresh interval, seconds")
    parser.add_argument("--rotate", type=int, default=0, help="the wall's rotation step, seconds (0: tiles only)")
    parser.add_argument("--sample", type=int, default=60, help="seconds between samples")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    url = args.database_url or ensure_demo()
    answered = [0]
    app = create_app(Settings.from_env({}, database_url=url, refresh_seconds=0, anonymous=True))

    @app.server.after_request
    def count(response: object) -> object:
        answered[0] += 1
        return response

    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    query = f"wall?refresh={args.refresh}" + (f"&rotate={args.rotate}" if args.rotate else "")
    driver = chromium(1920, 1080)
    driver.execute_cdp_cmd("Performance.enable", {})
    driver.get(f"http://127.0.0.1:{server.server_port}/{query}")
    rows = []
    started = time.monotonic()
    try:
        while True:
            time.sleep(args.sample)
            rows.append(sample(driver, time.monotonic() - started, answered[0]))
            print(
                f"{rows[-1]['minute']:6.1f} min  heap {rows[-1]['heap_mb']:.1f} MB  nodes {rows[-1]['dom_nodes']}",
                file=sys.stderr,
                flush=True,
            )
            if time.monotonic() - started >= args.minutes * 60:
                break
    finally:
        driver.quit()
        server.shutdown()
    report(args, query, rows)
    return 0


def sample(driver: object, seconds: float, requests: int) -> dict:
    """Heap after a forced collection, DOM nodes, and requests answered so far."""
    driver.execute_cdp_cmd("HeapProfiler.collectGarbage", {})
    metrics = {m["name"]: m["value"] for m in driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]}
    return {
        "minute": round(seconds / 60, 2),
        "heap_mb": metrics["JSHeapUsedSize"] / 2**20,
        "dom_nodes": int(metrics["Nodes"]),
        "requests": requests,
    }


def report(args: argparse.Namespace, query: str, rows: list[dict]) -> None:
    """The table of samples, the growth from the first to the last sample, and the JSON line."""
    print(f"# Wall soak: /{query}, {args.minutes:g} minutes\n")
    print("| minute | JS heap (MB) | DOM nodes | requests answered |")
    print("|---|---|---|---|")
    for row in rows:
        print(f"| {row['minute']:.1f} | {row['heap_mb']:.1f} | {row['dom_nodes']:,} | {row['requests']:,} |")
    if len(rows) >= 2:
        later = rows[len(rows) // 2 :]
        growth = later[-1]["heap_mb"] - later[0]["heap_mb"]
        print(
            f"\nHeap in the second half: median {statistics.median(r['heap_mb'] for r in later):.1f} MB, "
            f"change {growth:+.1f} MB; DOM nodes {later[0]['dom_nodes']:,} → {later[-1]['dom_nodes']:,}."
        )
    print(json.dumps({"query": query, "minutes": args.minutes, "samples": rows}))


if __name__ == "__main__":
    raise SystemExit(main())
