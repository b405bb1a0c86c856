"""What-if benchmark: the server time of a what-if of N failed CIs at scale, and that it equals the full roll-up.

    .venv/bin/python benchmarks/whatif.py --url sqlite:////work/bench-data/issue13_1000000.sqlite \
        > benchmarks/.cache/whatif-report.md

Measured, after the snapshot is loaded and the views the server warms are built (health, names, users):
1. `what_if` (dashboard/domain/whatif.py): the roll-up of the failed CIs' upward closure, for --draws different sets
   of --failed CIs, each --repeat times: median, p95, max; with the closure's size;
2. `whatif_view` (dashboard/whatif.py): the view model — the same, plus the services that change, their users and
   weights, the counts by status;
3. the page's callback (`whatif-body.children`) POSTed through Flask's test client: the view model, the layout and
   Dash's JSON — the server's whole answer to a URL;
4. for comparison, the full roll-up over every CI with the same CIs down (health.roll_up), on a few draws, and a check
   that every draw's what-if equals it (exact, or the script fails).
Two kinds of draws: CIs picked uniformly among all CIs, and among infrastructure (servers, VMs, storage, network,
clusters, databases), whose failures reach further. The report (Markdown) goes to stdout, with one JSON object on
its last line; progress goes to stderr. Speed is never asserted: the figures are for docs/benchmarks.md.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

TARGET_P95_MS = 50.0
INFRASTRUCTURE = ("server", "virtual_machine", "storage", "switch", "router", "firewall", "cluster", "database")
DEFAULT_URL = "sqlite:////work/bench-data/issue13_1000000.sqlite"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Load the CMDB, run the measurements, print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=DEFAULT_URL, help=f"the CMDB (read only; default {DEFAULT_URL})")
    parser.add_argument("--failed", type=int, default=100, help="CIs failed per what-if (default 100)")
    parser.add_argument("--draws", type=int, default=20, help="different sets of failed CIs per kind (default 20)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per set (default 5)")
    parser.add_argument("--full", type=int, default=3, help="draws timed with the full roll-up too (default 3)")
    args = parser.parse_args(argv)
    app, derived, load_s = _load(args.url)
    index = derived.snapshot.index
    rng = np.random.default_rng(14)
    kinds = {
        "any CI": np.arange(index.node_count),
        "infrastructure": np.flatnonzero(np.isin(np.asarray(index.class_names)[index.class_codes], INFRASTRUCTURE)),
    }
    results = {}
    for kind, pool in kinds.items():
        draws = [np.sort(rng.choice(pool, size=min(args.failed, len(pool)), replace=False)) for _ in range(args.draws)]
        log(f"[{kind}] {len(draws)} draws of {args.failed} CIs …")
        results[kind] = _measure(app, derived, draws, args)
    report(args, index.node_count, index.edge_count, load_s, results)
    return 0


def _load(url: str) -> tuple[Any, Any, float]:
    from dashboard.app import create_app
    from dashboard.settings import Settings
    from dashboard.whatif import warm_whatif

    log(f"loading {url} …")
    started = time.perf_counter()
    app = create_app(Settings.from_env({}, database_url=url, refresh_seconds=0, anonymous=True), start_threads=False)
    services = app.server.extensions["servicemap"]
    services.views.warm = False  # only the views what-if reads are built (below), not every page's
    derived = services.current()
    _ = derived.health, derived.names
    loaded = time.perf_counter() - started
    warm_whatif(derived)
    seconds = time.perf_counter() - started
    log(f"loaded in {loaded:.1f} s, what-if basis and users built in {seconds - loaded:.1f} s")
    return app, derived, seconds


def _measure(app: Any, derived: Any, draws: list[np.ndarray], args: argparse.Namespace) -> dict[str, Any]:
    from dashboard.domain.health import roll_up
    from dashboard.domain.traverse import ALL_HOPS, Direction, reach
    from dashboard.domain.whatif import failed_own, what_if
    from dashboard.domain.whatif_query import WhatIfQuery
    from dashboard.whatif import whatif_basis, whatif_view
    from layouts import ids
    from tests.callbacks import callback_request

    index, health, basis = derived.snapshot.index, derived.health, whatif_basis(derived)
    client = app.server.test_client()
    domain, view, callback, full, closures, changed = [], [], [], [], [], []
    replays = 0
    for number, failed in enumerate(draws):
        replays += bool(basis.below_cycles[failed].any())
        closures.append(len(reach(index, failed, Direction.UPSTREAM, ALL_HOPS, follow_links=False).nodes))
        answer = what_if(index, health.own, health.rolled, failed, basis)
        if number < args.full:
            started = time.perf_counter()
            expected = roll_up(index, failed_own(health.own, failed))
            full.append(time.perf_counter() - started)
        else:
            expected = None
        if expected is not None and not np.array_equal(answer, expected):
            raise SystemExit(f"what-if differs from the full roll-up on draw {number}")
        query = WhatIfQuery(cis=tuple(int(i) for i in index.ci_ids[failed]))
        changed.append(len(whatif_view(derived, query).services))
        search = "?fail=" + ",".join(map(str, query.cis))
        values = {f"{ids.URL}.search": search, f"{ids.URL}.pathname": "/whatif"}
        body = callback_request(app, ids.WHATIF_BODY, "children", values, "url.search")
        for _ in range(args.repeat):
            domain.append(_timed(lambda f=failed: what_if(index, health.own, health.rolled, f, basis)))
            view.append(_timed(lambda q=query: whatif_view(derived, q)))
            callback.append(_timed(lambda b=body: _post(client, b)))
    return {
        "domain": _stats(domain),
        "view": _stats(view),
        "callback": _stats(callback),
        "full_roll_up": _stats(full),
        "checked_equal_to_full": len(full),
        "closure_median": int(statistics.median(closures)),
        "closure_max": max(closures),
        "services_changed_median": int(statistics.median(changed)),
        "draws_beneath_a_cycle": replays,
        "beneath_cycles": len(basis.replayed),
    }


def _post(client: Any, body: dict) -> None:
    response = client.post("/_dash-update-component", json=body)
    if response.status_code != 200:
        raise SystemExit(f"callback answered {response.status_code}")


def _timed(call: Any) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def _stats(seconds: list[float]) -> dict[str, float]:
    if not seconds:
        return {}
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return {"median_ms": round(statistics.median(ms), 2), "p95_ms": round(p95, 2), "max_ms": round(ms[-1], 2)}


def report(args: argparse.Namespace, cis: int, edges: int, load_s: float, results: dict[str, Any]) -> None:
    """The Markdown table and the JSON line."""
    print(f"# What-if of {args.failed} failed CIs at {cis:,} CIs ({edges:,} dependency edges)\n")
    print(f"{args.draws} draws per kind × {args.repeat} runs; snapshot loaded and warmed in {load_s:.0f} s; target: "
          f"server p95 ≤ {TARGET_P95_MS:.0f} ms.\n")  # fmt: skip
    print("| failed CIs drawn among | closure (median / max CIs) | services changed (median) | what_if median / p95 "
          "| view model median / p95 | callback median / p95 / max | full roll-up median |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for kind, r in results.items():
        d, v, c, f = r["domain"], r["view"], r["callback"], r["full_roll_up"]
        print(
            f"| {kind} | {r['closure_median']:,} / {r['closure_max']:,} | {r['services_changed_median']} "
            f"| {d['median_ms']} / {d['p95_ms']} ms | {v['median_ms']} / {v['p95_ms']} ms "
            f"| {c['median_ms']} / {c['p95_ms']} / {c['max_ms']} ms | {f.get('median_ms', '—')} ms |"
        )
    checked = sum(r["checked_equal_to_full"] for r in results.values())
    beneath = next(iter(results.values()))["beneath_cycles"]
    replays = ", ".join(f"{kind}: {r['draws_beneath_a_cycle']}" for kind, r in results.items())
    print(f"\nEqual to the full roll-up on all {checked} draws checked. {beneath:,} CIs are in or beneath a dependency "
          f"cycle; draws with a failed CI among them (rolled up again there with roll_up): {replays}.\n")  # fmt: skip
    print(json.dumps({"failed": args.failed, "cis": cis, "edges": edges, "results": results}))


if __name__ == "__main__":
    raise SystemExit(main())
