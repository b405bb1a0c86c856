"""One CSV bundle import in this process, with time and RSS at the end of each stage (`import_bundle.py --stages`).

The stages are the importer's own functions, wrapped: each wrapper, when its function returns, prints one JSON line
with the seconds and the peak RSS since the previous line (the kernel's VmHWM, reset through /proc/self/clear_refs)
and the RSS now. Time spent between two wrapped functions counts towards the next one.
"""

import functools
import json
import time
from collections.abc import Callable
from pathlib import Path

_last = time.perf_counter()


def checkpoint(stage: str) -> None:
    """Print the stage's line and start the next stage's peak from here."""
    global _last
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    now = time.perf_counter()
    line = {"stage": stage, "seconds": now - _last, "rss_mb": _mb(status["VmRSS"]), "peak_mb": _mb(status["VmHWM"])}
    print(json.dumps(line), flush=True)
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
    _last = time.perf_counter()


def _mb(field: str) -> float:
    return int(field.split()[0]) / 1024


def _wrapped(function: Callable, name: str, label: Callable[..., str] | None = None) -> Callable:
    @functools.wraps(function)
    def wrapper(*args: object, **kwargs: object) -> object:
        result = function(*args, **kwargs)
        checkpoint(f"{name} {label(*args)}" if label else name)
        return result

    return wrapper


def run_stages(bundle: Path, url: str) -> int:
    checkpoint("start")
    from dashboard.imports import existing, import_batch, parse, write

    checkpoint("import servicemap, pandas, SQLAlchemy")
    read = existing.Existing.read.__func__
    existing.Existing.read = classmethod(_wrapped(read, "read what the database holds (Existing.read)"))
    write.check_ci_chunks = _wrapped(write.check_ci_chunks, "read and check the CIs by chunks (check_ci_chunks)")
    write._plan_cis = _wrapped(write._plan_cis, "number and compare the CIs (rest of _plan_cis)")
    write.check_chunks = _wrapped(write.check_chunks, "read and check by chunks", lambda part, *_: part)
    write._count = _wrapped(write._count, "count (added/unchanged)", lambda part, *_: part)
    write._write = _wrapped(write._write, "write (insert in chunks, commit)")
    batch = parse("csv", [bundle])
    checkpoint("parse: each file's first row (the rows are read by the import)")
    report = import_batch(url, batch, progress=False)
    checkpoint("import_batch returns (commit)")
    print("\n".join(report.lines()))
    return 0
