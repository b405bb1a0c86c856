"""/health first drawn in headless Chromium, with its waterfall: navigation → every chart holds its plotly SVG.

    .venv/bin/python benchmarks/health_draw.py > benchmarks/.cache/health-draw-report.md
    .venv/bin/python benchmarks/health_draw.py --url sqlite:////work/bench-data/issue13_1000000.sqlite --runs 5

By default over the demo CMDB (2,000 CIs, seed 42) and the 20,000-CI sample of snapshot.py (both generated into
benchmarks/.cache when missing); --url measures one CMDB instead. Each CMDB: the app served from this process (views
warmed), --runs fresh browsers at 1920×1080, each loading /health twice (cold: fresh profile; warm: again in that
browser). A script run before the page's own notes when /health's body arrived (it counts the charts in it): in the
page's first layout (a page load at /health builds it there) or in the page callback's answer; when the first
chart's box was mounted, and when every chart holds its plotly SVG (the next animation frame);
the Performance API's resource timings give when each script and answer was fetched, and the main thread's long
tasks how busy it was. Times are from navigation start, medians over the browsers.
The report (Markdown) goes to stdout, one JSON object on its last line; progress goes to stderr.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from pageload import served  # noqa: E402
from snapshot import CACHE, ensure_cmdb, log, machine, markdown, versions  # noqa: E402

SAMPLE_CIS = 20_000
INSTRUMENT_JS = """
window.__health = {drawn: null, answer: null, mounted: null, expected: null, busy: 0, tasks: 0};
new PerformanceObserver(list => list.getEntries().forEach(e => {
  window.__health.busy += e.duration; window.__health.tasks += 1;
})).observe({type: 'longtask', buffered: true});
const original = window.fetch;
window.fetch = async (...args) => {
  const response = await original(...args);
  response.clone().text().then(text => {
    // the body: the first answer that holds both the page's container and charts (the layout, or the callback's)
    const charts = (text.match(/"type":\\s*"Graph"/g) || []).length;
    if (text.includes('"health-body"') && charts > 0 && window.__health.expected === null) {
      window.__health.answer = performance.now();
      window.__health.expected = charts;
    }
  });
  return response;
};
(function poll() {
  const h = window.__health;
  if (h.mounted === null && document.querySelector('#health-body .dash-graph')) { h.mounted = performance.now(); }
  const plots = document.querySelectorAll('#health-body .js-plotly-plot');
  const ready = [...plots].filter(p => p._fullLayout && p.querySelector('.main-svg')).length;
  if (h.expected !== null && ready >= h.expected) {
    requestAnimationFrame(() => { h.drawn = performance.now(); });
    return;
  }
  requestAnimationFrame(poll);
})();
"""
MARKS_JS = """
const nav = performance.getEntriesByType('navigation')[0];
const h = window.__health;
const resources = performance.getEntriesByType('resource').map(r => ({
  name: r.name.replace(/^https?:\\/\\/[^/]+/, '').replace(/\\?.*$/, ''), start: r.startTime, end: r.responseEnd,
  bytes: r.transferSize, decoded: r.decodedBodySize,
}));
return {
  drawn: h.drawn, answer: h.answer, mounted: h.mounted, charts: h.expected, busy: h.busy, tasks: h.tasks,
  dom: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, resources: resources,
};
"""
SECONDS = ("drawn", "answer", "mounted", "dom", "load", "busy")


def main(argv: list[str] | None = None) -> int:
    """Measure /health cold and warm over each CMDB and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh browsers per CMDB (default 5)")
    parser.add_argument("--url", help="one CMDB to measure instead of the demo and the 20k sample")
    parser.add_argument("--query", default="", help="the /health URL's query (default: none)")
    args = parser.parse_args(argv)
    results = []
    for label, url in cmdbs(args.url):
        with served(url) as (base, _app):
            results.append(measure(label, f"{base}health{args.query}", args.runs))
    report(args, results)
    return 0


def cmdbs(url: str | None) -> list[tuple[str, str]]:
    """(label, database URL) of each CMDB to measure, generated when missing."""
    if url:
        return [(url.rsplit("/", 1)[-1], url)]
    from dashboard.cmdb.sample import SampleSpec, generate
    from dashboard.settings import DEMO_CIS, DEMO_SEED

    demo = CACHE / f"demo-{DEMO_CIS}-seed{DEMO_SEED}.sqlite"
    if not demo.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        log(f"[health_draw] generating the demo CMDB at {demo} …")
        generate(f"sqlite:///{demo}", SampleSpec(cis=DEMO_CIS, seed=DEMO_SEED), progress=False)
    ensure_cmdb("sqlite", SAMPLE_CIS, "")
    return [
        (f"demo ({DEMO_CIS:,} CIs)", f"sqlite:///{demo}"),
        (f"{SAMPLE_CIS:,} CIs", f"sqlite:///{CACHE / f'cmdb_{SAMPLE_CIS}.sqlite'}"),
    ]


def measure(label: str, url: str, runs: int) -> dict[str, Any]:
    """Marks of cold and warm loads of url over `runs` fresh browsers: medians, and the median cold run's waterfall."""
    from tests.browser_driver import chromium

    cold, warm = [], []
    for _ in range(runs):
        driver = chromium(1920, 1080)
        try:
            driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": INSTRUMENT_JS})
            for marks in (cold, warm):
                driver.get(url)
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline and not driver.execute_script("return window.__health.drawn"):
                    time.sleep(0.02)
                marks.append(driver.execute_script(MARKS_JS))
                errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
                if errors:
                    log(f"[health_draw] browser errors: {errors}")
        finally:
            driver.quit()
        log(f"[health_draw] {label}: cold {cold[-1]['drawn'] / 1000:.2f} s, warm {warm[-1]['drawn'] / 1000:.2f} s")
    typical = sorted(cold, key=lambda m: m["drawn"])[len(cold) // 2]
    return {"label": label, "cold": medians(cold), "warm": medians(warm), "waterfall": typical["resources"],
            "runs": {"cold": [m["drawn"] for m in cold], "warm": [m["drawn"] for m in warm]}}  # fmt: skip


def medians(marks: list[dict[str, Any]]) -> dict[str, float]:
    """Median of every mark; times in seconds; the script bytes transferred (and decoded) summed."""
    out = {
        key: statistics.median(m[key] for m in marks) / (1000 if key in SECONDS else 1)
        for key in (*SECONDS, "charts", "tasks")
        if all(m[key] is not None for m in marks)
    }
    scripts = [[r for r in m["resources"] if r["name"].endswith(".js")] for m in marks]
    out["script_kib"] = statistics.median(sum(r["bytes"] for r in s) for s in scripts) / 1024
    out["script_decoded_kib"] = statistics.median(sum(r["decoded"] for r in s) for s in scripts) / 1024
    return out


def report(args: argparse.Namespace, results: list[dict[str, Any]]) -> None:
    """The Markdown tables, then one JSON line."""
    meta = {"machine": machine(), "versions": versions("", ["sqlite"])}
    m = meta["machine"]
    print("# /health first drawn (headless Chromium, 1920×1080)\n")
    print(f"{m['cpu']}, {m['usable_cores']} cores, {m['ram_gb']} GB; {m['date']}; commit {m['commit']}\n")
    print(f"Median of {args.runs} fresh browsers; times from navigation start, seconds.\n")
    header = ["CMDB", "charts", "cold: drawn", "body arrived", "first chart mounted", "DOM ready", "long tasks",
              "warm: drawn", "scripts KiB (decoded)"]  # fmt: skip
    rows = [
        [
            r["label"],
            f"{r['cold'].get('charts', 0):.0f}",
            f"{r['cold']['drawn']:.2f}",
            f"{r['cold']['answer']:.2f}",
            f"{r['cold'].get('mounted', float('nan')):.2f}",
            f"{r['cold']['dom']:.2f}",
            f"{r['cold']['busy']:.2f} ({r['cold']['tasks']:.0f})",
            f"{r['warm']['drawn']:.2f}",
            f"{r['cold']['script_kib']:,.0f} ({r['cold']['script_decoded_kib']:,.0f})",
        ]
        for r in results
    ]
    print(markdown(header, rows))
    for r in results:
        print(f"\n## Waterfall, {r['label']}: the median cold run\n")
        lines = [[w["name"][-60:], f"{w['start'] / 1000:.2f}", f"{w['end'] / 1000:.2f}", f"{w['bytes'] / 1024:,.0f}"]
                 for w in sorted(r["waterfall"], key=lambda w: w["start"])]  # fmt: skip
        print(markdown(["resource", "start", "end", "KiB"], lines))
    print(json.dumps({**meta, "runs": args.runs, "results": results}))


if __name__ == "__main__":
    raise SystemExit(main())
