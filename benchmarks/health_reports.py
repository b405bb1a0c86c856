"""/health report sections benchmark: changes followed by incidents, incidents that name no CI, asset lifecycle risk.

    .venv/bin/python benchmarks/health_reports.py --size 100000 > benchmarks/.cache/health-reports.md

On the sample CMDB of --size CIs in SQLite (benchmarks/.cache, generated when missing; or --url), with the whole estate
in scope and the last --days days as the range: the lifecycle basis (its dates decoded, service ranks) kept once per
snapshot, then each section's view model; median and min of --calls calls. The report (Markdown) goes to stdout, one
JSON object on its last line.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from snapshot import bench_url, ensure_cmdb, log, time_calls  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Load the snapshot, time each view model and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="CIs in the sample CMDB (default 100,000)")
    parser.add_argument("--url", help="a CMDB to read instead of the sample of --size CIs")
    parser.add_argument("--days", type=int, default=90, help="the time range, days back from the load (default 90)")
    parser.add_argument("--calls", type=int, default=5, help="timed calls per view (default 5)")
    args = parser.parse_args(argv)
    if args.url is None:
        ensure_cmdb("sqlite", args.size, "")
    figures = measure(args.url or bench_url("sqlite", args.size, ""), args.days, args.calls)
    print(f"# /health report sections, {figures['cis']:,} CIs, last {args.days} days\n")
    print("| what | median ms | min ms |\n|---|---:|---:|")
    for name, timing in figures["timings"].items():
        print(f"| {name} | {timing['median_ms']:.0f} | {timing['min_ms']:.0f} |")
    print(f"\n{json.dumps(figures)}")
    return 0


def measure(url: str, days: int, calls: int) -> dict:
    """Median and min milliseconds of each view model on one snapshot."""
    from dashboard.change_failures import change_failures_view
    from dashboard.cmdb.snapshot import load_snapshot
    from dashboard.incidents_without_ci import incidents_without_ci_view
    from dashboard.lifecycle import lifecycle_basis, lifecycle_view

    log(f"loading {url}")
    snapshot = load_snapshot(url, fingerprint="bench", source="bench")
    snapshot.attributes()
    now = np.datetime64(snapshot.loaded_at.replace(tzinfo=None), "ns")
    start, scope = now - np.timedelta64(days, "D"), np.ones(snapshot.index.node_count, dtype=bool)
    basis = lifecycle_basis(snapshot)
    views = {
        "lifecycle basis (once per snapshot)": lambda: lifecycle_basis(snapshot),
        "changes followed by incidents": lambda: change_failures_view(snapshot, scope, start, now),
        "incidents that name no CI": lambda: incidents_without_ci_view(snapshot, scope, start, now),
        "asset lifecycle risk": lambda: lifecycle_view(snapshot, scope, now, basis=basis),
    }
    timings = {}
    for name, call in views.items():
        log(f"timing {name}")
        timings[name] = time_calls(call, calls, budget_s=60)
    return {"cis": snapshot.index.node_count, "timings": timings}


if __name__ == "__main__":
    raise SystemExit(main())
