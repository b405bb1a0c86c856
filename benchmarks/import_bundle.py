"""CSV bundle import benchmark: a sample CMDB of N CIs exported as a CSV bundle, imported by `servicemap import csv`.

    .venv/bin/python benchmarks/import_bundle.py                     # 1,000,000 CIs, 3 runs
    .venv/bin/python benchmarks/import_bundle.py --cis 100000 --runs 3
    .venv/bin/python benchmarks/import_bundle.py --cis 100000 --stages  # where the memory goes, stage by stage

The bundle (benchmarks/.cache/bundle-N/: ci.csv, relationship.csv, incident.csv, health.csv, change.csv) is exported
once, in SQL chunks, from the sample CMDB `python -m dashboard generate --cis N` writes to
benchmarks/.cache/cmdb-N.sqlite; both are made when missing. Each run is two fresh processes
(`python -m dashboard import csv BUNDLE --database-url sqlite:///… --quiet`): the import into a fresh SQLite file,
then the same import again into that file (the "unchanged" path). Wall time and peak RSS (from wait4) per process;
the report (Markdown) gives the median run, and one JSON object on its last line. A process whose RSS passes
--kill-above-mb is killed (the machine is shared) and reported as such.
"""

import argparse
import csv
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from snapshot import log, machine, markdown  # noqa: E402

# bundle file → the sample table's columns it takes, in the bundle's names (docs/importers.md, "csv — the CSV bundle")
BUNDLE: dict[str, tuple[str, ...]] = {
    "ci": ("id", "name", "class", "status", "criticality", "environment", "location", "owner", "updated_at",
           "attributes"),
    "relationship": ("source_id", "target_id", "type", "updated_at"),
    "incident": ("number", "ci_id", "priority", "state", "opened_at", "resolved_at", "summary", "updated_at"),
    "health": ("ci_id", "status", "metric", "value", "observed_at"),
    "change": ("number", "ci_id", "state", "summary", "planned_start", "planned_end", "actual_start", "actual_end",
               "updated_at"),
}  # fmt: skip
CHUNK_ROWS = 100_000
ACCEPTED = {0: "all rows imported", 3: "some rows rejected"}  # the sample plants dangling relationships on purpose


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cis", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--kill-above-mb", type=int, default=12_000, help="kill an import whose RSS passes this")
    parser.add_argument("--stages", action="store_true", help="one import, in-process, RSS and time per stage")
    parser.add_argument("--child-stages", nargs=2, metavar=("BUNDLE", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_stages:
        from import_stages import run_stages

        return run_stages(Path(args.child_stages[0]), args.child_stages[1])
    bundle = ensure_bundle(args.cis)
    if args.stages:
        return report_stages(args.cis, bundle)
    runs = [run_pair(bundle, args.kill_above_mb) for _ in range(args.runs)]
    result = summarise(args.cis, bundle, runs)
    rows = [[label, f"{args.cis:,}", f"{result['bundle_mb']:,}", str(len(runs)), _seconds(result[kind]),
             f"{result[kind]['peak_rss_mb']:,}", result[kind]["status"]]
            for kind, label in (("fresh", "into a fresh database"), ("again", "again (unchanged)"))]  # fmt: skip
    print(f"# CSV bundle import, {args.cis:,} CIs\n")
    print(markdown(["import", "CIs", "bundle MB", "runs", "median s", "peak RSS MB", "exit"], rows))
    print("\n" + markdown(["file", "rows"], [[f"{name}.csv", f"{n:,}"] for name, n in result["rows"].items()]))
    for kind in ("fresh", "again"):
        print(f"\n{kind}:\n" + "\n".join(f"    {line}" for line in runs[-1][kind]["summary"]))
    print("\n" + ", ".join(f"{k} {v}" for k, v in result["versions"].items()))
    print(", ".join(f"{k}: {v}" for k, v in result["machine"].items()) + "\n")
    print(json.dumps(result))
    return 0


def summarise(cis: int, bundle: Path, runs: list[dict]) -> dict:
    """The median run of each kind, the bundle's size and row counts, versions and machine."""
    size = sum(f.stat().st_size for f in bundle.iterdir())
    rows = json.loads((bundle / "rows.json").read_text())
    out: dict = {"cis": cis, "runs": len(runs), "bundle_mb": round(size / 2**20), "rows": rows}
    for kind in ("fresh", "again"):
        seconds = [r[kind]["seconds"] for r in runs]
        out[kind] = {
            "median_seconds": round(statistics.median(seconds), 1),
            "min_seconds": round(min(seconds), 1),
            "max_seconds": round(max(seconds), 1),
            "peak_rss_mb": round(max(r[kind]["peak_rss_mb"] for r in runs)),
            "status": ", ".join(sorted({r[kind]["status"] for r in runs})),
            "summary": runs[-1][kind]["summary"],
        }
    return {**out, "versions": versions(), "machine": machine()}


def _seconds(kind: dict) -> str:
    if kind["min_seconds"] == kind["max_seconds"]:
        return f"{kind['median_seconds']:.1f}"
    return f"{kind['median_seconds']:.1f} ({kind['min_seconds']:.1f}–{kind['max_seconds']:.1f})"


def ensure_bundle(cis: int) -> Path:
    """The bundle of the sample CMDB of `cis` CIs, generated and exported when missing."""
    bundle = HERE / ".cache" / f"bundle-{cis}"
    if bundle.exists():
        return bundle
    database = HERE / ".cache" / f"cmdb-{cis}.sqlite"
    if not database.exists():
        partial = database.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        log(f"generating a sample CMDB of {cis:,} CIs into {database}")
        command = [sys.executable, "-m", "dashboard", "generate", "--cis", str(cis), "--quiet",
                   "--database-url", f"sqlite:///{partial}"]  # fmt: skip
        subprocess.run(command, cwd=HERE.parent, check=True, stdout=subprocess.DEVNULL)
        partial.rename(database)
    folder = bundle.with_name(bundle.name + ".partial")
    folder.mkdir(parents=True, exist_ok=True)
    rows = {name: export(database, name, columns, folder / f"{name}.csv") for name, columns in BUNDLE.items()}
    (folder / "rows.json").write_text(json.dumps(rows))
    folder.rename(bundle)
    return bundle


def export(database: Path, table: str, columns: tuple[str, ...], path: Path) -> int:
    """One table as a bundle file, read and written CHUNK_ROWS rows at a time (never held whole)."""
    log(f"exporting {table} to {path}")
    count = 0
    with sqlite3.connect(database) as connection, path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        names = ", ".join(f'"{c}"' for c in columns)
        cursor = connection.execute(f'SELECT {names} FROM "{table}" ORDER BY rowid')
        while chunk := cursor.fetchmany(CHUNK_ROWS):
            writer.writerows(chunk)
            count += len(chunk)
    return count


def run_pair(bundle: Path, kill_above_mb: int) -> dict:
    """The import into a fresh database, then the same import again into it."""
    with tempfile.TemporaryDirectory(prefix="servicemap-bundle-") as folder:
        url = f"sqlite:///{folder}/fresh.sqlite"
        return {"fresh": run_import(bundle, url, kill_above_mb), "again": run_import(bundle, url, kill_above_mb)}


def run_import(bundle: Path, url: str, kill_above_mb: int) -> dict:
    """One import in a fresh process: seconds, peak RSS, exit status and the summary lines."""
    command = [sys.executable, "-m", "dashboard", "import", "csv", str(bundle), "--database-url", url, "--quiet"]
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=HERE.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    killed = threading.Event()
    threading.Thread(target=_watch, args=(child, kill_above_mb, killed), daemon=True).start()
    output = child.stdout.read() if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    peak = usage.ru_maxrss / 1024
    if killed.is_set():
        raise SystemExit(f"the import was killed after {seconds:.0f} s: RSS above {kill_above_mb:,} MB")
    code = os.waitstatus_to_exitcode(status)
    if code not in ACCEPTED:
        raise SystemExit(f"the import failed (exit {code}):\n{output}")
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    log(f"{seconds:.1f} s, peak RSS {peak:,.0f} MB, exit {code}")
    return {"seconds": seconds, "peak_rss_mb": peak, "status": f"{code} ({ACCEPTED[code]})", "summary": lines}


def _watch(child: subprocess.Popen, limit_mb: int, killed: threading.Event) -> None:
    """Kill the child when its RSS passes the limit (read from /proc; the child is reaped by wait4, not here)."""
    status = Path(f"/proc/{child.pid}/status")
    while True:
        try:
            text = status.read_text()
        except OSError:
            return
        rss = next((int(line.split()[1]) for line in text.splitlines() if line.startswith("VmRSS:")), None)
        if rss is None:  # a zombie: it has exited
            return
        if rss / 1024 > limit_mb:
            killed.set()
            child.kill()
            return
        time.sleep(0.2)


def report_stages(cis: int, bundle: Path) -> int:
    """One import (fresh, then again) in a child that reports time and RSS per stage (benchmarks/import_stages.py)."""
    print(f"# CSV bundle import by stage, {cis:,} CIs\n")
    header = ["import", "stage", "s", "RSS after MB", "peak in stage MB"]
    with tempfile.TemporaryDirectory(prefix="servicemap-bundle-") as folder:
        url = f"sqlite:///{folder}/fresh.sqlite"
        table, stages = [], {}
        for kind in ("fresh", "again"):
            command = [sys.executable, str(Path(__file__)), "--child-stages", str(bundle), url]
            done = subprocess.run(command, cwd=HERE.parent, capture_output=True, text=True, check=True)
            lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
            stages[kind] = [line for line in lines if "stage" in line]
            table += [[kind, s["stage"], f"{s['seconds']:.1f}", f"{s['rss_mb']:,.0f}", f"{s['peak_mb']:,.0f}"]
                      for s in stages[kind]]  # fmt: skip
            log("\n".join(line for line in done.stdout.splitlines() if not line.startswith("{")))
    print(markdown(header, table) + "\n")
    print(json.dumps({"cis": cis, "stages": stages, "machine": machine()}))
    return 0


def versions() -> dict[str, str]:
    import platform
    from importlib.metadata import version

    return {"python": platform.python_version(), **{n: version(n) for n in ("numpy", "pandas", "SQLAlchemy")}}


if __name__ == "__main__":
    raise SystemExit(main())
