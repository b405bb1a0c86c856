"""JSON API benchmark (issue 14): the server time of each /api/v1/ answer at scale, through Flask's test client.

    .venv/bin/python benchmarks/api.py --url sqlite:////work/bench-data/issue13_1000000.sqlite \
        > benchmarks/.cache/api-report.md

After the snapshot is loaded (the views the answers read are built on first use, as in a worker; the first call of
each path is reported apart as `first`): GET /services (kept per snapshot), GET /cis/{id} and GET /cis/{id}/impact
for --draws CIs drawn among infrastructure (whose failures reach furthest), GET /map for the biggest business
services at the drill-down's depth (3 hops, benchmarks/drilldown.py's roots), POST /whatif of --failed CIs, GET
/search; each --repeat times: median, p95, max of the whole answer (routing, view model, JSON, ETag). Targets:
impact of one CI and what-if of 100 CIs ≤ 50 ms p95; the map within the drill-down budget (docs/benchmarks.md).
The report (Markdown) goes to stdout, one JSON object on its last line; progress goes to stderr.
"""

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from drilldown import biggest_roots  # noqa: E402
from snapshot import machine  # noqa: E402
from whatif import DEFAULT_URL, INFRASTRUCTURE, _stats, log  # noqa: E402

API = "/api/v1"
TARGET_P95_MS = 50.0


def main(argv: list[str] | None = None) -> int:
    """Load the CMDB, time every path, print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=DEFAULT_URL, help=f"the CMDB (read only; default {DEFAULT_URL})")
    parser.add_argument("--draws", type=int, default=20, help="CIs (and what-if sets, maps) drawn per path")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per draw (default 5)")
    parser.add_argument("--failed", type=int, default=100, help="CIs failed per what-if (default 100)")
    args = parser.parse_args(argv)
    app, load_s = _load(args.url)
    index = app.server.extensions["servicemap"].current().snapshot.index
    rng = np.random.default_rng(7)
    pool = np.flatnonzero(np.isin(np.asarray(index.class_names)[index.class_codes], INFRASTRUCTURE))
    picked = [int(index.ci_ids[p]) for p in rng.choice(pool, size=min(args.draws, len(pool)), replace=False)]
    sets = [[int(index.ci_ids[p]) for p in rng.choice(pool, size=args.failed, replace=False)] for _ in picked]
    roots = biggest_roots(app, min(args.draws, 10))
    client = app.server.test_client()
    calls = {
        "GET /services": [("get", f"{API}/services", None)],
        "GET /cis/{id}": [("get", f"{API}/cis/{c}", None) for c in picked],
        "GET /cis/{id}/impact": [("get", f"{API}/cis/{c}/impact", None) for c in picked],
        "GET /map (3 hops, biggest services)": [("get", f"{API}/map?root={r}&depth=3", None) for r in roots],
        f"POST /whatif ({args.failed} CIs)": [("post", f"{API}/whatif", {"fail": s}) for s in sets],
        "GET /search": [("get", f"{API}/search?q={quote(q)}", None) for q in ("app", "srv", "db", "#1", "payroll")],
    }
    results = {name: _measure(client, requests, args.repeat) for name, requests in calls.items()}
    report(args, index.node_count, load_s, results)
    return 0


def _load(url: str) -> tuple[Any, float]:
    from dashboard.app import create_app
    from dashboard.settings import Settings

    log(f"loading {url} …")
    started = time.perf_counter()
    app = create_app(Settings.from_env({}, database_url=url, refresh_seconds=0, anonymous=True), start_threads=False)
    app.server.extensions["servicemap"].views.warm = False  # each answer builds what it reads on first use
    return app, time.perf_counter() - started


def _measure(client: Any, requests: list[tuple[str, str, dict | None]], repeat: int) -> dict[str, Any]:
    first = _call(client, *requests[0])
    seconds = [_call(client, *request) for request in requests for _ in range(repeat)]
    return {"first_ms": round(first * 1000, 1), "calls": len(seconds), **_stats(seconds)}


def _call(client: Any, method: str, path: str, body: dict | None) -> float:
    started = time.perf_counter()
    response = client.post(path, json=body) if method == "post" else client.get(path)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{method.upper()} {path[:80]} answered {response.status_code}: {response.data[:200]!r}")
    return elapsed


def report(args: argparse.Namespace, cis: int, load_s: float, results: dict[str, Any]) -> None:
    """The Markdown table and the JSON line."""
    print(f"# JSON API at {cis:,} CIs\n")
    host = machine()
    print(f"{host['cpu']}, {host['usable_cores']} cores, commit {host.get('commit', '?')}. Snapshot loaded in "
          f"{load_s:.0f} s; {args.draws} draws × {args.repeat} runs.\n")  # fmt: skip
    print("| answer | first (ms) | median (ms) | p95 (ms) | max (ms) |")
    print("|---|---:|---:|---:|---:|")
    for name, r in results.items():
        print(f"| {name} | {r['first_ms']} | {r['median_ms']} | {r['p95_ms']} | {r['max_ms']} |")
    print(f"\nTarget: impact and what-if ≤ {TARGET_P95_MS:.0f} ms p95.\n")
    print(json.dumps({"cis": cis, "machine": host, "load_s": round(load_s, 1), "results": results}))


if __name__ == "__main__":
    raise SystemExit(main())
