"""Traces import benchmark: N spans as span CSV, imported by `servicemap import traces` into a fresh SQLite file.

    .venv/bin/python benchmarks/traces.py                  # 10,000,000 spans
    .venv/bin/python benchmarks/traces.py --spans 1000000 --runs 3

The spans (benchmarks/.cache/spans-N.csv, generated when missing) are traces of 10 spans each over 12 services of
3 pods, every span's parent an earlier span of its trace, 1 % of them failed, in time order. Each run is a fresh
process (`python -m dashboard import traces`) into a fresh database: wall time and peak RSS (from wait4) per run;
the report (Markdown) gives the median run, and one JSON object on its last line.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from snapshot import log, machine, markdown  # noqa: E402

SPANS_PER_TRACE = 10
SERVICES = 12
PODS = 3
CHUNK_TRACES = 100_000
START_NS = 1_700_000_000_000_000_000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spans", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    path = ensure_spans(args.spans)
    runs = [run_import(path) for _ in range(args.runs)]
    seconds = statistics.median(r["seconds"] for r in runs)
    peak = max(r["peak_rss_mb"] for r in runs)
    result = {"spans": args.spans, "runs": len(runs), "median_seconds": round(seconds, 2),
              "spans_per_second": round(args.spans / seconds), "peak_rss_mb": round(peak),
              "file_mb": round(path.stat().st_size / 2**20), "summary": runs[-1]["summary"],
              "versions": versions(), "machine": machine()}  # fmt: skip
    rows = [[f"{args.spans:,}", f"{result['file_mb']:,}", str(len(runs)), f"{seconds:.1f}",
             f"{result['spans_per_second']:,}", f"{peak:,.0f}"]]  # fmt: skip
    print(f"# traces import, {args.spans:,} spans\n")
    print(markdown(["spans", "CSV MB", "runs", "median s", "spans/s", "peak RSS MB"], rows))
    print("\n" + "\n".join(f"    {line}" for line in runs[-1]["summary"]))
    print("\n" + ", ".join(f"{k} {v}" for k, v in result["versions"].items()))
    print(", ".join(f"{k}: {v}" for k, v in result["machine"].items()) + "\n")
    print(json.dumps(result))
    return 0


def ensure_spans(count: int) -> Path:
    """The span CSV of `count` spans, written in chunks (never held whole)."""
    path = HERE / ".cache" / f"spans-{count}.csv"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    log(f"writing {count:,} spans to {path}")
    rng = np.random.default_rng(10)
    pods = np.array([f"service{s:02d}-5d8f7c9b4-{p:05d}" for s in range(SERVICES) for p in range(PODS)], dtype=object)
    partial = path.with_suffix(".partial")
    traces = -(-count // SPANS_PER_TRACE)
    with partial.open("w") as file:
        for first in range(0, traces, CHUNK_TRACES):
            frame = _spans(rng, pods, first, min(CHUNK_TRACES, traces - first))
            frame = frame.iloc[: max(0, count - first * SPANS_PER_TRACE)]
            frame.to_csv(file, index=False, header=first == 0)
    partial.rename(path)
    return path


def _spans(rng: np.random.Generator, pods: np.ndarray, first: int, traces: int) -> pd.DataFrame:
    trace = np.repeat(np.arange(first, first + traces), SPANS_PER_TRACE)
    position = np.tile(np.arange(SPANS_PER_TRACE), traces)
    parent = np.floor(rng.random(len(trace)) * position).astype(np.int64)
    start = START_NS + trace * 1_000_000 + position * 50_000
    trace_id = pd.Series(trace).map("{:032x}".format)
    return pd.DataFrame(
        {
            "TraceID": trace_id,
            "SpanID": trace_id.str.slice(16) + pd.Series(position).map("{:x}".format),
            "ParentID": np.where(position > 0, trace_id.str.slice(16) + pd.Series(parent).map("{:x}".format), "root"),
            "PodName": pods[rng.integers(0, len(pods), len(trace))],
            "StartTimeUnixNano": start,
            "EndTimeUnixNano": start + rng.exponential(2_000_000, len(trace)).astype(np.int64),
            "Status": np.where(rng.random(len(trace)) < 0.01, "ERROR", "OK"),
        }
    )


def run_import(path: Path) -> dict:
    """One import in a fresh process into a fresh SQLite file: seconds, peak RSS and the summary lines."""
    with tempfile.TemporaryDirectory(prefix="servicemap-traces-") as folder:
        url = f"sqlite:///{folder}/traces.sqlite"
        command = [sys.executable, "-m", "dashboard", "import", "traces", str(path), "--database-url", url]
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=HERE.parent, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        output = child.stdout.read() if child.stdout else ""
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"the import failed (status {status}):\n{output}")
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    log(f"{seconds:.1f} s, peak RSS {usage.ru_maxrss / 1024:,.0f} MB")
    return {"seconds": seconds, "peak_rss_mb": usage.ru_maxrss / 1024, "summary": lines}


def versions() -> dict[str, str]:
    import platform
    from importlib.metadata import version

    return {"python": platform.python_version(), **{name: version(name) for name in ("numpy", "pandas", "ijson")}}


if __name__ == "__main__":
    raise SystemExit(main())
