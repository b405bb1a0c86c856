"""Time travel and availability benchmark: the map callback as of a past time beside the live one, the per-snapshot
histories, "what changed" over the whole graph, and a business service's availability.

    .venv/bin/python benchmarks/asof.py --size 100000 > benchmarks/.cache/asof-report.md
    .venv/bin/python benchmarks/asof.py --url sqlite:///benchmarks/.cache/issue13_1000000.sqlite   # issue 13 volumes

On the sample CMDB of --size CIs in SQLite (benchmarks/.cache, generated when missing), after the snapshot is loaded
and its views are warm:
1. the histories sorted once per snapshot (domain/asof.py): health events by (CI, time), incidents as times;
2. the map callback (`draw`, POSTed through Flask's test client, the kept maps forgotten before every call) for the
   --roots services with the biggest depth-3 neighbourhoods: live, and `asof=` at --times moments spread over the
   health window; median and p95 of --calls calls each;
3. `what_changed` between the window's first and last quarter, over every CI;
4. a business service's availability over 30 days (not kept: built each call), for the same roots.
Median of the calls (p95 where it says so). The report (Markdown) goes to stdout, one JSON object on its last line.
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

from drilldown import DEPTH, biggest_roots  # noqa: E402
from snapshot import ensure_cmdb, log, machine  # noqa: E402

TARGET_ASOF_P95_MS = 100.0


def main(argv: list[str] | None = None) -> int:
    """Run the measurements and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="CIs in the sample CMDB (default 100,000)")
    parser.add_argument("--roots", type=int, default=10, help="services to draw (default 10)")
    parser.add_argument("--times", type=int, default=5, help="moments in the health window (default 5)")
    parser.add_argument("--calls", type=int, default=50, help="measured calls per measurement (default 50)")
    parser.add_argument("--url", help="a CMDB to read instead of the sample of --size CIs (e.g. issue 13's volumes)")
    args = parser.parse_args(argv)
    url = args.url or f"sqlite:///{HERE / '.cache' / f'cmdb_{args.size}.sqlite'}"
    if args.url is None:
        ensure_cmdb("sqlite", args.size, "postgresql://postgres@127.0.0.1:5432/")
    results = measure(url, args)
    report(args, results)
    return 0


def measure(url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Every measurement on one loaded app."""
    import numpy as np

    from dashboard import asof
    from dashboard.app import create_app
    from dashboard.availability import _build
    from dashboard.domain.asof import what_changed
    from dashboard.settings import Settings

    log(f"[asof] loading {url} …")
    app = create_app(Settings.from_env({}, database_url=url, refresh_seconds=0, anonymous=True))
    services = app.server.extensions["servicemap"]
    derived = services.views.of(services.store.snapshot)
    derived.warm()
    snapshot = derived.snapshot
    started = time.perf_counter()
    history = asof.history(derived)
    history_s = time.perf_counter() - started
    started = time.perf_counter()
    incidents = asof.incidents(derived)
    incidents_s = time.perf_counter() - started
    first, last = history.first, history.last
    if first is None or last is None:
        raise SystemExit("the sample has no health events in the window")
    moments = np.linspace(first, last, args.times + 2)[1:-1].astype(np.int64)
    stamps = [str(np.datetime64(int(m), "ns").astype("datetime64[s]")) for m in moments]
    roots = biggest_roots(app, args.roots)
    client = app.server.test_client()
    live = timed_draws(app, client, derived, roots, [None], args.calls)
    past = timed_draws(app, client, derived, roots, stamps, args.calls)
    quarter = (last - first) // 4
    starts = snapshot.tables["change"]["actual_start"].to_numpy(dtype="datetime64[ns]")
    changed_ms = timed(
        lambda: what_changed(snapshot.index, history, incidents, starts, (first + quarter, last - quarter)), 5
    )
    changed = what_changed(snapshot.index, history, incidents, starts, (first + quarter, last - quarter))
    positions = [snapshot.index.position(root) for root in roots]
    sla_ms = [timed(lambda p=p: _build(derived, p, 99.9, False, 30), 1)[0] for p in positions for _ in range(3)]
    return {
        "cis": snapshot.index.node_count,
        "events": len(snapshot.tables["health"]),
        "incidents": len(snapshot.tables["incident"]),
        "history_s": history_s,
        "incidents_s": incidents_s,
        "live_ms": live,
        "asof_ms": past,
        "changed_ms": changed_ms,
        "changed_cis": len(changed.nodes),
        "sla_ms": sla_ms,
    }


def timed(call: Any, repeat: int) -> list[float]:
    """Milliseconds of `repeat` calls."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def timed_draws(app: Any, client: Any, derived: Any, roots: list[int], stamps: list, calls: int) -> list[float]:
    """Milliseconds of map callbacks over roots × moments, each map built afresh (after one warm-up call)."""
    from dashboard.recent_maps import recent_maps
    from layouts import ids
    from tests.callbacks import callback_request

    kept = recent_maps(derived)
    times = []
    for call in range(calls + 1):
        root, stamp = roots[call % len(roots)], stamps[call % len(stamps)]
        search = f"?root={root}&depth={DEPTH}" + (f"&asof={stamp}" if stamp else "")
        body = callback_request(
            app,
            ids.MAP_GRAPH,
            "elements",
            {f"{ids.URL}.search": search, f"{ids.MAP_TRAIL_STORE}.data": []},
            "url.search",
        )
        kept.clear()
        started = time.perf_counter()
        client.post("/_dash-update-component", json=body).get_data()
        if call:
            times.append((time.perf_counter() - started) * 1000)
    return times


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]


def report(args: argparse.Namespace, results: dict[str, Any]) -> None:
    """The Markdown table, then the JSON line."""

    def figures(name: str) -> tuple[str, str]:
        values = results[name]
        return f"{statistics.median(values):.1f} ms", f"{p95(values):.1f} ms"

    rows = [
        ("histories sorted once per snapshot: health events", f"{results['history_s'] * 1000:.0f} ms", ""),
        ("… incidents", f"{results['incidents_s'] * 1000:.0f} ms", ""),
        ("map callback, live", *figures("live_ms")),
        ("map callback, asof=", *figures("asof_ms")),
        (f"what changed, every CI ({results['changed_cis']:,} changed)", *figures("changed_ms")),
        ("availability of a service, 30 days", *figures("sla_ms")),
    ]
    print(f"# Time travel and availability at {results['cis']:,} CIs\n")
    box = machine()
    print(f"{results['events']:,} health events, {results['incidents']:,} incidents.")
    print(f"{box['cpu']}, {box['usable_cores']} cores, {box['ram_gb']} GB; commit {box['commit']}, {box['date']}.\n")
    print(f"Map callbacks: {args.roots} services × {args.times} moments, {args.calls} calls, depth {DEPTH}.\n")
    print("| measurement | median | p95 |\n|---|---:|---:|")
    for name, median, tail in rows:
        print(f"| {name} | {median} | {tail} |")
    target = "met" if p95(results["asof_ms"]) <= TARGET_ASOF_P95_MS else "NOT met"
    print(f"\nTarget: asof= map ≤ {TARGET_ASOF_P95_MS:.0f} ms server p95 — {target} at this size.\n")
    print(json.dumps(results | {"size": results["cis"] if args.url else args.size}))


if __name__ == "__main__":
    raise SystemExit(main())
