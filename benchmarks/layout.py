"""Layered layout on the demo's maps: edge crossings in the starting order and after crossing reduction, and time.

    .venv/bin/python benchmarks/layout.py [--repeat 30]

Prints a Markdown table. Crossings are counted on the drawing (straight segments between node positions, pairs that
share a node left out), the time is the fastest of `--repeat` runs of `layered_layout` (the map callback's share).
The demo CMDB (2,000 CIs, seed 42) is written to benchmarks/.cache/layout-demo.sqlite on the first run.
"""

import argparse
import time
from pathlib import Path

import numpy as np

import dashboard.maps
from dashboard.cmdb.derived import Derived
from dashboard.cmdb.sample import SampleSpec, generate
from dashboard.cmdb.store import SnapshotStore
from dashboard.domain.crossings import edge_crossings
from dashboard.domain.layout import layered_layout
from dashboard.domain.viewstate import parse

CACHE = Path(__file__).parent / ".cache"
MAPS = ("?root=5", "?root=17", "?root=16&dir=both&depth=all", "?root=309&dir=both&depth=all")


def demo_inputs() -> dict[str, tuple]:
    """The layered layout's inputs for each demo map, as the map builder hands them over."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / "layout-demo.sqlite"
    url = f"sqlite:///{path}"
    if not path.exists():
        generate(url, SampleSpec(cis=2000, seed=42), progress=False)
    store = SnapshotStore(url)
    store.refresh()
    derived = Derived(store.snapshot)
    captured: dict[str, tuple] = {}
    place = dashboard.maps.place
    for query in MAPS:

        def keep(layout: str, *args: object, query: str = query) -> object:
            captured[query] = args[:5]
            return place(layout, *args)

        dashboard.maps.place = keep
        state = parse(query)
        dashboard.maps.build_map(derived, state, derived.snapshot.index.position(state.root), budget=2000)
    dashboard.maps.place = place
    return captured


def synthetic(n: int, seed: int = 3) -> tuple:
    """A 2,000-node map of the demo's shape: eight layers, each node depending on one or two nodes below it."""
    rng = np.random.default_rng(seed)
    layers = np.sort(rng.integers(0, 8, n))
    source, target = [], []
    for node in range(n):
        below = np.flatnonzero(layers > layers[node])[:400]
        for other in rng.choice(below, size=min(len(below), int(rng.integers(1, 3))), replace=False).tolist():
            source.append(node)
            target.append(other)
    return layers, np.arange(n), np.array(source), np.array(target), np.zeros(len(source), dtype=bool)


def fastest(args: tuple, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        layered_layout(*args)
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    repeat = parser.parse_args().repeat
    cases = demo_inputs() | {"synthetic, 2,000 nodes": synthetic(2000)}
    print("| map | nodes | edges | crossings, starting order | crossings, reduced | layout ms (fastest) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, args in cases.items():
        before = layered_layout(*args, sweeps=0)
        after = layered_layout(*args)
        crossed = [edge_crossings(w.x, w.y, args[2], args[3]) for w in (before, after)]
        print(
            f"| `{name}` | {len(args[0]):,} | {len(args[2]):,} | {crossed[0]:,} | {crossed[1]:,} "
            f"| {fastest(args, repeat):.1f} |"
        )


if __name__ == "__main__":
    main()
