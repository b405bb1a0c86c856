"""Drill-down benchmark: the server time of the map callback at scale, the typical way beside it, and the time a
2,000-element map takes to become interactive in headless Chromium.

    .venv/bin/python benchmarks/drilldown.py --size 1000000 > benchmarks/.cache/drilldown-report.md

Measured, on the sample CMDB of --size CIs in SQLite (benchmarks/.cache, generated when missing):
1. servicemap: the map callback (`draw`: re-root, depth-3 traversal, health roll-up and incident overlays, grouping
   to the element budget, server layout, elements, Dash's JSON) POSTed through Flask's test client, for the
   --roots CIs with the biggest depth-3 neighbourhoods, --calls calls in all after one warm-up call per root:
   median, p95, max; the elements each answer carried. The maps kept per snapshot (dashboard/recent_maps.py) are
   forgotten before each call, so every call builds its map; the same view again, answered from memory, beside it.
2. the typical way, per click: `pandas.read_sql` of the CI and relationship tables, a `networkx.DiGraph`, the
   depth-3 ego graph, open incidents of its CIs with one SQL query, cytoscape elements without positions (the
   browser lays them out), `json.dumps`: --typical-calls clicks.
3. the browser: a page load of the largest map, from the moment the map's response has arrived until cytoscape
   has drawn every node and rendered the next frame (layout `preset`), median of --browser-runs fresh pages.
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

from snapshot import ensure_cmdb, log, machine, markdown, versions  # noqa: E402

DEPTH = 3
TARGET_P95_MS = 30.0
TARGET_INTERACTIVE_S = 1.5


def main(argv: list[str] | None = None) -> int:
    """Run the three measurements and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="CIs in the sample CMDB (default 1,000,000)")
    parser.add_argument("--roots", type=int, default=20, help="roots to click through (default 20)")
    parser.add_argument("--calls", type=int, default=200, help="measured map callbacks in all (default 200)")
    parser.add_argument("--typical-calls", type=int, default=3, help="clicks the typical way (default 3)")
    parser.add_argument("--browser-runs", type=int, default=5, help="page loads in Chromium (default 5)")
    args = parser.parse_args(argv)
    url = f"sqlite:///{HERE / '.cache' / f'cmdb_{args.size}.sqlite'}"
    ensure_cmdb("sqlite", args.size, "postgresql://postgres@127.0.0.1:5432/")
    ours = measure_servicemap(url, args)
    typical = measure_typical(url, ours["roots"][: args.typical_calls])
    # The browser draws the largest map the roots give (the target is about a 2,000-element map).
    largest = max(zip(ours["root_elements"], ours["roots"], strict=True))[1]
    browser = measure_browser(ours["app"], largest, args.browser_runs)
    report(args, ours, typical, browser)
    return 0


def measure_servicemap(url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Map callback server time through the test client, after the snapshot is loaded."""
    from dashboard.app import create_app
    from dashboard.recent_maps import recent_maps
    from dashboard.settings import Settings

    log(f"[servicemap] loading the snapshot of {url} …")
    started = time.perf_counter()
    app = create_app(Settings.from_env({}, database_url=url, refresh_seconds=0, anonymous=True))
    ready = time.perf_counter() - started
    services = app.server.extensions["servicemap"]
    services.views.of(services.store.snapshot).warm()  # waits for the background warm-up create_app started
    warmed = time.perf_counter() - started - ready
    roots = biggest_roots(app, args.roots)
    client = app.server.test_client()
    kept = recent_maps(services.views.of(services.store.snapshot))
    first = [post_draw(client, app, root) for root in roots]
    times, sizes = [], []
    for call in range(args.calls):
        kept.clear()  # every call builds its map: the same view again is answered from memory, measured below
        seconds, elements = post_draw(client, app, roots[call % len(roots)])
        times.append(seconds * 1000)
        sizes.append(elements)
    log(f"[servicemap] {len(times)} calls: median {statistics.median(times):.1f} ms")
    again = [post_draw(client, app, roots[0])[0] * 1000 for _ in range(20)]
    search_first = post_search(client, app, "pay") * 1000
    search_ms = [post_search(client, app, typed) * 1000 for _ in range(10) for typed in SEARCHES]
    return {
        "search_first_ms": search_first,
        "search_ms": search_ms,
        "app": app,
        "roots": roots,
        "ready_s": ready,
        "warm_s": warmed,
        "first_call_ms": first[0][0] * 1000,
        "root_elements": [elements for _seconds, elements in first],
        "ms": times,
        "again_ms": again,
        "elements": sizes,
    }


def biggest_roots(app: Any, count: int) -> list[int]:
    """The business and application services with the most CIs within DEPTH hops downstream."""
    import numpy as np

    from dashboard.domain.traverse import Direction, reach

    index = app.server.extensions["servicemap"].store.snapshot.index
    candidates = np.flatnonzero(index.class_mask("business_service") | index.class_mask("application_service"))
    degree = index.down.degree()[candidates]
    shortlist = candidates[np.argsort(-degree, kind="stable")[: count * 5]]
    sizes = [len(reach(index, [int(c)], Direction.DOWNSTREAM, DEPTH).nodes) for c in shortlist]
    best = shortlist[np.argsort(-np.asarray(sizes), kind="stable")[:count]]
    return [int(index.ci_ids[b]) for b in best]


def post_draw(client: Any, app: Any, root: int) -> tuple[float, int]:
    """One map callback for root at DEPTH hops: seconds, and elements in the answer."""
    from layouts import ids
    from tests.callbacks import callback_request

    body = callback_request(
        app,
        ids.MAP_GRAPH,
        "elements",
        {f"{ids.URL}.search": f"?root={root}&depth={DEPTH}", f"{ids.MAP_TRAIL_STORE}.data": []},
        f"{ids.URL}.search",
    )
    started = time.perf_counter()
    response = client.post("/_dash-update-component", json=body)
    answer = response.get_data()
    seconds = time.perf_counter() - started
    elements = json.loads(answer)["response"][ids.MAP_GRAPH]["elements"]
    return seconds, len(elements)


SEARCHES = ("online", "fra1-vm-00", "payroll-", "db", "12345", "x")


def post_search(client: Any, app: Any, typed: str) -> float:
    """Seconds for one type-ahead answer of the root picker."""
    from layouts import ids
    from tests.callbacks import callback_request

    body = callback_request(
        app, ids.MAP_ROOT, "options", {f"{ids.MAP_ROOT}.search_value": typed, f"{ids.MAP_ROOT}.value": None}
    )
    started = time.perf_counter()
    client.post("/_dash-update-component", json=body).get_data()
    return time.perf_counter() - started


def measure_typical(url: str, roots: list[int]) -> dict[str, Any]:
    """The typical Dash app's click: read the tables, build a networkx graph, take the ego graph, draw it."""
    import networkx as nx
    import pandas as pd
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    times = []
    for root in roots:
        started = time.perf_counter()
        ci = pd.read_sql("SELECT * FROM ci", engine)
        rel = pd.read_sql("SELECT * FROM relationship", engine)
        graph = nx.from_pandas_edgelist(rel, "source_id", "target_id", edge_attr="type", create_using=nx.DiGraph)
        nx.set_node_attributes(graph, ci.set_index("id")[["name", "class"]].to_dict("index"))
        view = nx.ego_graph(graph, root, radius=DEPTH)
        placeholders = ",".join(str(int(n)) for n in view.nodes)
        incidents = pd.read_sql(
            f"SELECT ci_id, count(*) AS n FROM incident WHERE state IN ('new','in_progress','on_hold') "
            f"AND ci_id IN ({placeholders}) GROUP BY ci_id",
            engine,
        )
        open_count = dict(zip(incidents.ci_id, incidents.n, strict=True))
        elements = [
            {"data": {"id": str(n), "label": str(d.get("name")), "incidents": int(open_count.get(n, 0))}}
            for n, d in view.nodes(data=True)
        ] + [{"data": {"source": str(a), "target": str(b)}} for a, b in view.edges]
        json.dumps(elements)
        times.append(time.perf_counter() - started)
        log(f"[typical] click on {root}: {times[-1]:.1f} s, {len(elements)} elements")
    engine.dispose()
    return {"s": times, "elements": len(elements) if roots else 0}


INSTRUMENT_JS = """
window.__map = {};
const original = window.fetch;
window.fetch = async (...args) => {
  const response = await original(...args);
  response.clone().text().then(text => {
    if (text.includes('"map-graph"') && text.includes('"elements"')) {
      window.__map.response = performance.now();
      const expected = JSON.parse(text).response['map-graph'].elements.filter(e => !('source' in e.data)).length;
      const poll = () => {
        const el = document.querySelector('#map-graph');
        const cy = el && el._cyreg && el._cyreg.cy;
        if (cy && cy.nodes().length === expected) {
          requestAnimationFrame(() => requestAnimationFrame(() => { window.__map.drawn = performance.now(); }));
        } else {
          requestAnimationFrame(poll);
        }
      };
      poll();
    }
  });
  return response;
};
"""


def measure_browser(app: Any, root: int, runs: int) -> dict[str, Any]:
    """Seconds from the map's response to an interactive map, in fresh headless Chromium pages."""
    from werkzeug.serving import make_server

    from tests.browser_driver import available, chromium

    reason = available()
    if reason:
        log(f"[browser] skipped: {reason}")
        return {"skipped": reason}
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    seconds = []
    try:
        for _ in range(runs):
            driver = chromium(1920, 1080)
            try:
                driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": INSTRUMENT_JS})
                driver.get(f"http://127.0.0.1:{server.server_port}/?root={root}&depth={DEPTH}")
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline and not driver.execute_script("return window.__map.drawn"):
                    time.sleep(0.05)
                marks = driver.execute_script("return window.__map")
                nodes = driver.execute_script("return document.querySelector('#map-graph')._cyreg.cy.elements().length")
                seconds.append((marks["drawn"] - marks["response"]) / 1000)
                log(f"[browser] {nodes} elements interactive {seconds[-1]:.2f} s after the response")
            finally:
                driver.quit()
    finally:
        server.shutdown()
    return {"s": seconds, "elements": nodes}


def report(args: argparse.Namespace, ours: dict, typical: dict, browser: dict) -> None:
    """The Markdown tables and the JSON line."""
    ms = sorted(ours["ms"])
    p95 = ms[max(0, round(0.95 * len(ms)) - 1)]
    median = statistics.median(ms)
    typical_median = statistics.median(typical["s"]) if typical["s"] else float("nan")
    meta = {"machine": machine(), "versions": versions("", ["sqlite"]), "size": args.size}
    print(f"# Drill-down benchmark: {args.size:,} CIs (SQLite)\n")
    print(
        f"{meta['machine']['cpu']}, {meta['machine']['usable_cores']} cores, {meta['machine']['ram_gb']} GB; "
        f"{meta['machine']['date']}; commit {meta['machine']['commit']}\n"
    )
    search = sorted(ours["search_ms"])
    rows = [
        ["create_app: imports, fingerprint, load, index, attributes, findings", f"{ours['ready_s']:.2f} s", "", ""],
        ["views warmed after load (health, overlays, search; background)", f"{ours['warm_s']:.2f} s", "", ""],
        ["first map of a root", f"{ours['first_call_ms']:.0f} ms", "", ""],
        [
            f"map callback, {len(ms)} calls over {len(ours['roots'])} roots",
            f"{median:.1f} ms",
            f"{p95:.1f} ms",
            f"{min(ours['elements'])}–{max(ours['elements'])}",
        ],
        [
            f"the same view again (kept per snapshot), {len(ours['again_ms'])} calls",
            f"{statistics.median(ours['again_ms']):.1f} ms",
            f"{sorted(ours['again_ms'])[max(0, round(0.95 * len(ours['again_ms'])) - 1)]:.1f} ms",
            "",
        ],
        ["type-ahead, first keystroke", f"{ours['search_first_ms']:.1f} ms", "", ""],
        [
            f"type-ahead, {len(search)} keystrokes",
            f"{statistics.median(search):.1f} ms",
            f"{search[max(0, round(0.95 * len(search)) - 1)]:.1f} ms",
            "≤ 30 options",
        ],
        [
            f"typical way (read_sql + networkx per click), {len(typical['s'])} clicks",
            f"{typical_median * 1000:,.0f} ms",
            "",
            str(typical["elements"]),
        ],
    ]
    print(markdown(["step", "median", "p95", "elements"], rows))
    print(f"\nRatio typical ÷ servicemap (median): {typical_median * 1000 / median:,.0f}×\n")
    if "s" in browser:
        b = browser["s"]
        print(
            f"Browser (headless Chromium): {browser['elements']} elements interactive "
            f"{statistics.median(b):.2f} s after the response (median of {len(b)}; min {min(b):.2f}, "
            f"max {max(b):.2f}).\n"
        )
    else:
        print(f"Browser: skipped ({browser['skipped']}).\n")
    met = p95 <= TARGET_P95_MS
    print(f"Target map callback p95 ≤ {TARGET_P95_MS:.0f} ms: {'✓' if met else '✗'} ({p95:.1f} ms)")
    if "s" in browser:
        fast = statistics.median(browser["s"]) <= TARGET_INTERACTIVE_S
        print(f"Target interactive ≤ {TARGET_INTERACTIVE_S} s: {'✓' if fast else '✗'}\n")
    result = {
        **meta,
        "map_ms": {"median": median, "p95": p95, "max": ms[-1], "calls": len(ms)},
        "elements": [min(ours["elements"]), max(ours["elements"])],
        "first_call_ms": ours["first_call_ms"],
        "search_first_ms": ours["search_first_ms"],
        "search_ms_median": statistics.median(ours["search_ms"]),
        "ready_s": ours["ready_s"],
        "warm_s": ours["warm_s"],
        "typical_s": typical["s"],
        "browser_s": browser.get("s"),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    raise SystemExit(main())
