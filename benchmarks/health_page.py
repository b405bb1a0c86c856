"""Issue 13 at the issue's volumes, on the real read path: /health first drawn in headless Chromium, a filter change's
server time, the worker's RSS, and `python -m dashboard report` wall time.

    .venv/bin/python -m dashboard generate --database-url sqlite:///benchmarks/.cache/issue13_1000000.sqlite \\
        --cis 1000000 --health-events 5000000 --incidents 1000000
    .venv/bin/python benchmarks/health_page.py > benchmarks/.cache/health-page-report.md

On the generated CMDB (--url; by default the one above, generated when missing), in one process as a worker runs it:
1. the app created (the snapshot loaded from the database, as the store does), then the views warmed, each part
   timed (the wall, /health's per-snapshot data): the process's RSS after each, and its peak;
2. a filter change of /health (view model, page body, its JSON as Dash sends it) for several URLs, --repeat runs each
   after one warm-up: median and p95 (benchmarks/health.py's URLs);
3. /health in headless Chromium at 1920×1080 from a local server in this process, --runs fresh browsers, each loading
   the page twice (cold: fresh profile; warm: again in that browser): from navigation start until every chart of
   the page holds its plotly SVG (a script run before the page's own watches each animation frame);
4. `python -m dashboard report --out …` over the same CMDB, --report-runs fresh processes: wall time and peak RSS.
The report (Markdown) goes to stdout, one JSON object on its last line; progress goes to stderr.
"""

import argparse
import cProfile
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from health import QUERIES, query_fill  # noqa: E402
from snapshot import CACHE, log, machine, markdown, versions  # noqa: E402

DEFAULT_DB = CACHE / "issue13_1000000.sqlite"
VOLUME = ("--cis", "1000000", "--seed", "42", "--health-events", "5000000", "--incidents", "1000000")
TARGETS = {"first drawn s": 2.0, "filter p95 ms": 300.0, "report s": 30.0}
DRAWN_JS = """
window.__health = {drawn: null, charts: 0};
(function poll() {
  const plots = document.querySelectorAll('.js-plotly-plot');
  const ready = [...plots].filter(p => p._fullLayout && p.querySelector('.main-svg')).length;
  window.__health.charts = ready;
  if (plots.length >= EXPECTED && ready === plots.length) {
    requestAnimationFrame(() => { window.__health.drawn = performance.now(); });
    return;
  }
  requestAnimationFrame(poll);
})();
"""


def main(argv: list[str] | None = None) -> int:
    """Run every measurement and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=f"sqlite:///{DEFAULT_DB}", help="the CMDB (default: the issue-13 sample)")
    parser.add_argument("--repeat", type=int, default=9, help="runs per filter URL (default 9)")
    parser.add_argument("--runs", type=int, default=5, help="fresh browsers (default 5)")
    parser.add_argument("--report-runs", type=int, default=3, help="report processes (default 3)")
    parser.add_argument("--only", choices=("filters",), help="only step 2 (after the load): the filter changes")
    parser.add_argument("--profile", type=Path, help="cProfile step 2 into this file (pstats; times are inflated)")
    args = parser.parse_args(argv)
    if args.url == f"sqlite:///{DEFAULT_DB}" and not DEFAULT_DB.exists():
        log(f"[health_page] generating {DEFAULT_DB} (a few minutes) …")
        subprocess.run([sys.executable, "-m", "dashboard", "generate", "--database-url", args.url, *VOLUME, "--quiet"],
                       check=True)  # fmt: skip
    app, derived, data, load = loaded(args.url)
    profiler = cProfile.Profile() if args.profile else None
    if profiler is not None:
        profiler.enable()
    cpu: dict[str, list[float]] = {}
    changes = filter_changes(app, derived, data, args.repeat, cpu)
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.profile)
    if args.only == "filters":
        print_changes(args, changes, cpu)
        return 0
    browser = drawn(app, derived, args.runs)
    reports = report_runs(args.url, args.report_runs)
    print_report(args, load, data, changes, browser, reports)
    return 0


def rss_mb() -> float:
    """This process's resident memory now, MB."""
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM), MB."""
    line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith("VmHWM"))
    return int(line.split()[1]) / 1000


def loaded(url: str) -> tuple[Any, Any, Any, dict[str, Any]]:
    """The app over url with its views warmed; seconds and RSS of each step."""
    from dashboard.app import create_app
    from dashboard.health_data import health_data
    from dashboard.settings import Settings

    steps: dict[str, Any] = {}
    started = time.perf_counter()
    app = create_app(Settings.from_env({}, database_url=url, refresh_seconds=0, anonymous=True), start_threads=False)
    services = app.server.extensions["servicemap"]
    snapshot = services.store.snapshot
    steps["snapshot loaded (create_app)"] = (time.perf_counter() - started, rss_mb())
    for name, step in (("attributes", snapshot.attributes), ("findings", lambda: snapshot.findings)):
        started = time.perf_counter()
        step()
        steps[f"snapshot {name} (the store reads them after publishing)"] = (time.perf_counter() - started, rss_mb())
    services.views.warm = False  # warmed below, part by part, in this thread
    derived = services.views.of(snapshot)
    derived.warmed.wait()
    for name in derived.WARM:
        started = time.perf_counter()
        getattr(derived, name)
        steps[f"view `{name}`"] = (time.perf_counter() - started, rss_mb())
    for warmer in derived.warmers:
        started = time.perf_counter()
        warmer(derived)
        steps[f"warmer `{warmer.__name__}`"] = (time.perf_counter() - started, rss_mb())
    rows = {t: len(snapshot.tables[t]) for t in ("ci", "health", "incident")}
    log(f"[health_page] loaded: {rows}; {json.dumps(steps)}")
    return app, derived, health_data(derived), {"steps": steps, "rows": rows, "peak_mb": peak_mb()}


def filter_changes(
    app: Any, derived: Any, data: Any, repeat: int, cpu: dict[str, list[float]] | None = None
) -> dict[str, list[float]]:
    """Milliseconds of /health's page callback (POSTed as the browser does) per URL, each run a URL not seen before;
    the process's CPU milliseconds of each run into `cpu` (other processes on the cores do not count there)."""
    from layouts import ids
    from tests.callbacks import callback_request

    fill = query_fill(derived, data)
    client = app.server.test_client()
    out: dict[str, list[float]] = {}
    for template in QUERIES:
        search = template.format(**fill)
        asked = {f"{ids.HEALTH_URL}.data": {"pathname": "/health", "search": search}}
        body = callback_request(app, ids.HEALTH_FILTERS, "children", asked, f"{ids.HEALTH_URL}.data")
        runs, cpu_runs = [], []
        for run in range(repeat + 1):
            with derived._recent_lock:
                derived._recent.clear()  # the sections kept per URL: every run is a URL not asked for before
            started, cpu_started = time.perf_counter(), time.process_time()
            answer = client.post("/_dash-update-component", json=body)
            answer.get_data()
            if answer.status_code != 200:
                raise SystemExit(f"/health callback answered {answer.status_code} for {search!r}")
            if run:
                runs.append((time.perf_counter() - started) * 1000)
                cpu_runs.append((time.process_time() - cpu_started) * 1000)
        out[search or "(no filter)"] = runs
        if cpu is not None:
            cpu[search or "(no filter)"] = cpu_runs
        log(f"[health_page] {search or '(no filter)'}: median {statistics.median(runs):.0f} ms, p95 {p95(runs):.0f}, "
            f"CPU median {statistics.median(cpu_runs):.0f} ms")  # fmt: skip
    return out


def chart_count(derived: Any, data: Any) -> int:
    """How many plotly charts the unfiltered /health page holds."""
    from dash import dcc

    from dashboard.domain.health_scope import parse_health
    from dashboard.health_page import health_page
    from layouts.health import build_body

    def walk(node: Any) -> int:
        if isinstance(node, list | tuple):
            return sum(walk(n) for n in node)
        own = int(isinstance(node, dcc.Graph))
        children = getattr(node, "children", None)
        if isinstance(children, list | tuple):
            return own + sum(walk(c) for c in children)
        return own + (walk(children) if children is not None and not isinstance(children, str | int | float) else 0)

    return walk(build_body(health_page(derived, data, parse_health("")), "/"))


def drawn(app: Any, derived: Any, runs: int) -> dict[str, Any]:
    """Median seconds from navigation start to every chart drawn, cold and warm, over `runs` fresh browsers."""
    from werkzeug.serving import make_server

    from dashboard.health_data import health_data
    from tests.browser_driver import chromium

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    expected = chart_count(derived, health_data(derived))
    if expected == 0:
        raise SystemExit("the /health page of this CMDB holds no chart")
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/health"
    cold: list[float] = []
    warm: list[float] = []
    try:
        for _ in range(runs):
            driver = chromium(1920, 1080)
            try:
                script = DRAWN_JS.replace("EXPECTED", str(expected))
                driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": script})
                for marks in (cold, warm):
                    driver.get(url)
                    deadline = time.monotonic() + 120
                    while time.monotonic() < deadline and not driver.execute_script("return window.__health.drawn"):
                        time.sleep(0.02)
                    marks.append(driver.execute_script("return window.__health.drawn") / 1000)
            finally:
                driver.quit()
            log(f"[health_page] /health drawn: cold {cold[-1]:.2f} s, warm {warm[-1]:.2f} s ({expected} charts)")
    finally:
        server.shutdown()
    return {"charts": expected, "cold": cold, "warm": warm}


def report_runs(url: str, runs: int) -> dict[str, Any]:
    """Wall seconds of `python -m dashboard report` in fresh processes, and their peak RSS."""
    seconds = []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "report.html"
        for _ in range(runs):
            started = time.perf_counter()
            command = [sys.executable, "-m", "dashboard", "report", "--database-url", url, "--out", str(out)]
            subprocess.run(command, check=True, capture_output=True, env={**os.environ, "SERVICEMAP_ANONYMOUS": "1"})
            seconds.append(time.perf_counter() - started)
            log(f"[health_page] report: {seconds[-1]:.1f} s")
        size = out.stat().st_size
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1000
    return {"seconds": seconds, "peak_mb": peak, "html_bytes": size}


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def print_report(args: argparse.Namespace, load: dict, data: Any, changes: dict, browser: dict, reports: dict) -> None:
    """The Markdown tables, then one JSON line."""
    meta = {"machine": machine(), "versions": versions("", ["sqlite"]), "load_avg": os.getloadavg()}
    m = meta["machine"]
    rows = load["rows"]
    print(f"# Issue 13 at the issue's volumes: {rows['ci']:,} CIs, {rows['health']:,} health rows in the window, "
          f"{rows['incident']:,} incidents\n")  # fmt: skip
    print(f"{m['cpu']}, {m['usable_cores']} cores, {m['ram_gb']} GB; {m['date']}; commit {m['commit']}; load average "
          f"at the end {meta['load_avg'][0]:.2f}\n")  # fmt: skip
    print("## The worker: snapshot and per-snapshot views\n")
    steps = [[name, f"{s:.2f}", f"{mb:,.0f}"] for name, (s, mb) in load["steps"].items()]
    print(markdown(["step", "seconds", "RSS after, MB"], steps))
    print(f"\nPeak RSS (VmHWM) of the process after the warm-up: {load['peak_mb']:,.0f} MB.\n")
    print_changes(args, changes)
    every = [t for r in changes.values() for t in r]
    cold, warm, rep = browser["cold"], browser["warm"], reports["seconds"]
    print(f"\n## Targets ({len(QUERIES)} URLs; browser: {args.runs} fresh browsers, {browser['charts']} charts)\n")
    targets = [
        ["/health first drawn ≤ 2 s (cold browser, median)", f"{statistics.median(cold):.2f} s", _ok(cold, 2.0)],
        ["/health drawn again, same browser (median)", f"{statistics.median(warm):.2f} s", _ok(warm, 2.0)],
        ["filter change ≤ 300 ms server p95 (all URLs)", f"{p95(every):.0f} ms", _ok([p95(every)], 300.0)],
        ["report ≤ 30 s (median)", f"{statistics.median(rep):.1f} s (peak RSS {reports['peak_mb']:,.0f} MB)",
         _ok(rep, 30.0)],
    ]  # fmt: skip
    print(markdown(["target", "measured", "holds"], targets))
    print(json.dumps({**meta, "load": load, "filter_ms": changes, "browser": browser, "report": reports}))


def print_changes(args: argparse.Namespace, changes: dict[str, list[float]], cpu: dict[str, list[float]]) -> None:
    """The filter changes' table: median and p95 per URL, and the median CPU time of this process."""
    print(f"## /health filter change: the page callback POSTed (filters, charts, sections), {args.repeat} runs each\n")
    change_rows = [
        [f"`{u}`", f"{statistics.median(r):.0f}", f"{p95(r):.0f}", f"{statistics.median(cpu[u]):.0f}"]
        for u, r in changes.items()
    ]
    print(markdown(["URL", "median ms", "p95 ms", "CPU median ms"], change_rows))
    every = [t for r in changes.values() for t in r]
    print(f"\nEvery run: p95 {p95(every):.0f} ms; load average {os.getloadavg()[0]:.2f}.\n")


def _ok(values: list[float], limit: float) -> str:
    return "✓" if statistics.median(values) <= limit else "✗"


if __name__ == "__main__":
    raise SystemExit(main())
