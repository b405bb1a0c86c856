"""Asset-health benchmark: what /health computes once per snapshot, and the server time of a filter change.

    .venv/bin/python benchmarks/health.py --size 100000 > benchmarks/.cache/health-report.md

Measured on the sample CMDB of --size CIs in SQLite (benchmarks/.cache, generated when missing), with health events
and incidents synthesised in numpy at the issue's volumes (--events-per-ci, default 5; --incidents-per-ci, default 1:
5M events and 1M incidents at a million CIs; the sample generator writes fewer): health events spread over the
7-day window, incidents over 90 days, each on a random CI (one in ten on none), priorities 1–5, 80 % resolved.
1. once per snapshot: the status history (intervals and per-day worst statuses), the incident log, the assignment
   groups' CIs and the services above every CI (dashboard/health_data.py's parts);
2. per filter change: the view model (scope mask, then every figure) and the page body (plotly figures in Dash
   components) serialised to JSON as Dash sends it, for several URLs, --repeat runs each: median and p95.
The report (Markdown) goes to stdout, with one JSON object on its last line; progress goes to stderr.
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

from snapshot import ensure_cmdb, log, machine, markdown  # noqa: E402

TARGET_P95_MS = 300.0
QUERIES = ("", "?days=7", "?class=server", "?class=virtual_machine&days=90", "?loc={loc}", "?group={group}",
           "?service={service}", "?service={service}&class=database&days=365")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Build the per-snapshot data, time the filter changes and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="CIs in the sample CMDB (default 100,000)")
    parser.add_argument("--events-per-ci", type=float, default=5.0)
    parser.add_argument("--incidents-per-ci", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=7, help="runs per URL (default 7)")
    args = parser.parse_args(argv)
    ensure_cmdb("sqlite", args.size, "postgresql://postgres@127.0.0.1:5432/")
    url = f"sqlite:///{HERE / '.cache' / f'cmdb_{args.size}.sqlite'}"
    derived, data, once = build(url, args)
    changes = filter_changes(derived, data, args.repeat)
    report(args, once, changes, data)
    return 0


def build(url: str, args: argparse.Namespace) -> tuple[Any, Any, dict[str, float]]:
    """The snapshot's views and HealthData over synthetic events and incidents; seconds per part."""
    import numpy as np

    from dashboard.cmdb.derived import Derived
    from dashboard.cmdb.snapshot import load_snapshot
    from dashboard.domain.health_history import status_history
    from dashboard.domain.health_incidents import incident_log, service_members, service_pairs
    from dashboard.domain.health_scope import ScopeColumns, codes_of, group_cis
    from dashboard.health_data import KEY, HealthData, _own

    log(f"[health] loading {url} …")
    snapshot = load_snapshot(url, fingerprint="bench", source="bench")
    derived = Derived(snapshot)
    index = snapshot.index
    n = index.node_count
    rng = np.random.default_rng(42)
    now = np.datetime64(snapshot.loaded_at.replace(tzinfo=None), "ns")
    events, incidents = int(n * args.events_per_ci), int(n * args.incidents_per_ci)
    seconds: dict[str, float] = {}

    def timed(name: str, work: Any) -> Any:
        started = time.perf_counter()
        value = work()
        seconds[name] = time.perf_counter() - started
        log(f"[health] {name}: {seconds[name]:.2f} s")
        return value

    week = np.int64(7 * 86400 * 10**9)
    status = timed(
        "status history",
        lambda: status_history(
            rng.integers(0, n, events),
            rng.choice(np.array([0, 0, 0, 0, 0, 0, 1, 2, 3, 4], dtype=np.int8), events),
            now - rng.integers(0, week, events).astype("timedelta64[ns]"),
            now,
        ),
    )
    nodes = np.where(rng.random(incidents) < 0.1, -1, rng.integers(0, n, incidents))
    opened = now - rng.integers(0, 90 * 86400 * 10**9, incidents).astype("timedelta64[ns]")
    resolved = np.where(
        rng.random(incidents) < 0.8, opened + rng.integers(60, 5 * 86400, incidents).astype("timedelta64[s]"), None
    ).astype("datetime64[ns]")
    names = np.array([f"Team {i:02}" for i in range(40)], dtype=object)
    groups, group_names = timed("group codes", lambda: codes_of(names[rng.integers(0, 40, incidents)]))
    log_ = timed(
        "incident log",
        lambda: incident_log(
            nodes, rng.integers(1, 6, incidents), opened, resolved, groups, group_names, rng.random(incidents) < 0.01
        ),
    )
    location, location_names = timed("location codes", lambda: codes_of(snapshot.ci["location"].to_numpy(dtype=object)))
    members = timed("services above every CI", lambda: service_members(index))
    columns = timed(
        "groups' CIs", lambda: ScopeColumns(location, location_names, group_cis(nodes, groups, group_names))
    )
    pairs = timed("incidents below every service", lambda: service_pairs(log_, members))
    data = HealthData(now, status, _own(derived.health.own), log_, columns, members, pairs, events, incidents,
                      int((nodes >= 0).sum()))  # fmt: skip
    derived.values[KEY] = data
    return derived, data, seconds


def filter_changes(derived: Any, data: Any, repeat: int) -> dict[str, list[float]]:
    """Milliseconds of view model + page body + JSON per URL, `repeat` runs each (after one warm-up run)."""
    import plotly

    from dashboard.domain.health_scope import parse_health
    from dashboard.health_page import health_page
    from layouts.health import build_body

    fill = query_fill(derived, data)
    out: dict[str, list[float]] = {}
    for template in QUERIES:
        query = parse_health(template.format(**fill))
        runs = []
        for run in range(repeat + 1):
            started = time.perf_counter()
            body = build_body(health_page(derived, data, query), "/")
            json.dumps(body, cls=plotly.utils.PlotlyJSONEncoder)
            if run:
                runs.append((time.perf_counter() - started) * 1000)
        out[template.format(**fill) or "(no filter)"] = runs
        log(f"[health] {template or '(no filter)'}: median {statistics.median(runs):.0f} ms")
    return out


def report(args: argparse.Namespace, once: dict[str, float], changes: dict[str, list[float]], data: Any) -> None:
    """The Markdown tables, then one JSON line."""
    print(f"# /health at {args.size:,} CIs\n")
    print(f"{data.health_rows:,} health events, {data.incident_rows:,} incidents (synthetic, see the docstring). ")
    print(f"Machine: {machine()}\n")
    print("## Once per snapshot\n")
    print(markdown(["part", "seconds"], [[name, f"{s:.2f}"] for name, s in once.items()]))
    print(f"\n## A filter change (view model + page body + JSON), {args.repeat} runs each\n")
    rows = []
    for url, runs in changes.items():
        p95 = sorted(runs)[max(0, round(0.95 * len(runs)) - 1)]
        rows.append(
            [f"`{url}`", f"{statistics.median(runs):.0f}", f"{p95:.0f}", "yes" if p95 <= TARGET_P95_MS else "NO"]
        )
    print(markdown(["URL", "median ms", "p95 ms", f"p95 ≤ {TARGET_P95_MS:.0f} ms"], rows))
    print(json.dumps({"size": args.size, "once_s": once, "filter_ms": changes}))


def query_fill(derived: Any, data: Any) -> dict[str, str]:
    """What the QUERIES templates name: the first location and group, and the business service with most CIs below."""
    index = derived.snapshot.index
    services = data.members.services
    busiest = services[int((data.members.indptr[services + 1] - data.members.indptr[services]).argmax())]
    return {
        "loc": data.columns.location_names[0] if data.columns.location_names else "x",
        "group": data.log.group_names[0] if data.log.group_names else "x",
        "service": str(index.ci_ids[busiest]),
    }


if __name__ == "__main__":
    raise SystemExit(main())
