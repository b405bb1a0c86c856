"""Since when each business service is in trouble (domain/since.py), at the issue-13 volumes: the per-snapshot
events in time order, the default wall's warm-up, and the trouble start of every service in trouble.

    .venv/bin/python benchmarks/since.py --url sqlite:////work/bench-data/issue13_1000000.sqlite

In one process, as a worker runs it: the app created (the snapshot loaded), the views the wall reads warmed, then
timed one after the other: the events as arrays (`availability.inputs`, shared with /health's availability and
`asof=`), the events in time order (`wall.events_in_time_order`), the default wall (`warm_wall`: its tiles' trouble
starts now come from those), and --repeat runs of the trouble start of every business service in trouble (not kept:
each run works every one out again). Markdown to stdout, progress to stderr.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from snapshot import log, machine, versions  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Load, time each part, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the CMDB (SQLAlchemy URL)")
    parser.add_argument("--repeat", type=int, default=3, help="runs over every service in trouble (default 3)")
    args = parser.parse_args(argv)

    import numpy as np

    from dashboard.app import create_app
    from dashboard.availability import inputs
    from dashboard.domain.vocabulary import BUSINESS_SERVICE, Health
    from dashboard.settings import Settings
    from dashboard.wall import _trouble_since, events_in_time_order
    from dashboard.wall_cis import warm_wall

    started = time.perf_counter()
    settings = Settings.from_env({}, database_url=args.url, refresh_seconds=0, anonymous=True)
    app = create_app(settings, start_threads=False)
    services = app.server.extensions["servicemap"]
    services.views.warm = False
    derived = services.views.of(services.store.snapshot)
    rows: list[tuple[str, float]] = [("snapshot loaded (create_app)", time.perf_counter() - started)]
    for name, step in (
        ("views the wall reads (health, incidents, names …)", lambda: [getattr(derived, n) for n in derived.WARM]),
        ("events as arrays (`availability.inputs`, shared)", lambda: inputs(derived)),
        ("events in time order (`events_in_time_order`, once per snapshot)", lambda: events_in_time_order(derived)),
        ("default wall (`warm_wall`)", lambda: warm_wall(derived)),
    ):
        started = time.perf_counter()
        step()
        rows.append((name, time.perf_counter() - started))
        log(f"[since] {name}: {rows[-1][1]:.2f} s")
    index = derived.snapshot.index
    every = np.flatnonzero(index.class_mask(BUSINESS_SERVICE))
    troubled = every[derived.health.rolled[every] >= Health.DEGRADED]
    runs, found = [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        found = [_trouble_since(derived, int(s)) for s in troubled]
        runs.append(time.perf_counter() - started)
        log(f"[since] every service in trouble: {runs[-1]:.2f} s")
    known = sum(1 for f in found if f is not None and f.known)
    print(f"# Since when services are in trouble\n\nMachine: {machine()}, load average {os.getloadavg()}\n")
    print(f"Versions: {versions('', ['sqlite'])}\n")
    print(f"{len(derived.snapshot.tables['health']):,} health events, {index.node_count:,} CIs, "
          f"{len(every):,} business services, {len(troubled):,} in trouble: {known:,} with a known start, "
          f"{len(troubled) - known:,} in trouble since before the oldest event below them.\n")  # fmt: skip
    print("| step | seconds |\n|---|---:|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.2f} |")
    median = statistics.median(runs)
    print(f"| trouble start of every service in trouble, median of {len(runs)} | {median:.2f} |")
    print(f"| … per service | {1000 * median / max(len(troubled), 1):.1f} ms |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
