"""Snapshot benchmark: load + index + traversals of servicemap against the typical read_sql + networkx way.

    .venv/bin/python benchmarks/snapshot.py --sizes 10000,100000,1000000 --backends sqlite,postgresql --repeat 5

Every measurement runs in a fresh subprocess (this script with --child), so its peak RSS is its own. The report
(Markdown) goes to stdout and ends with one line of JSON holding every number; progress goes to stderr.
See benchmarks/README.md.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/"
SEED = 42
HEALTH_DAYS = 7  # what the app loads by default (SERVICEMAP_HEALTH_DAYS)
ONE_MILLION = 1_000_000
CHILD_TIMEOUT_SECONDS = 3600
NX_CALL_BUDGET_SECONDS = 20.0  # networkx traversals: at most this long per step (at least 3 calls)
SERVICE_CANDIDATES = 2000  # business services whose full downstream is counted to find the largest
INFRA_CLASSES = ("switch", "storage")
INFRA_CANDIDATES = 25  # most-depended-on switches/storage whose impacted services are counted

# Targets at 1M CIs (docs/DESIGN: cold snapshot ≤ 3 s, memory ≤ 1.5 GB per worker; traversal budget 20 ms).
READY_TARGET_S = 3.0
TRAVERSAL_TARGET_MS = 20.0
MEMORY_TARGET_MB = 1536.0

TRAVERSALS = (
    ("down_d3", "downstream reach, depth 3 (largest service)"),
    ("down_all", "downstream reach, all (depth 64)"),
    ("up_d3", "upstream reach, depth 3 (largest service)"),
    ("up_all", "upstream reach, all (depth 64)"),
    ("impacted", "impacted_services (most shared switch/storage)"),
    ("path", "dependency_path service → that CI"),
)
NX_TRAVERSALS = {
    "down_d3": "single_source_shortest_path_length(cutoff=3)",
    "down_all": "nx.descendants",
    "up_d3": "sssp_length(G.reverse(), cutoff=3)",
    "up_all": "nx.ancestors",
    "impacted": "ancestors ∩ class == business_service",
    "path": "nx.shortest_path",
}


# ---------------------------------------------------------------------------------------------------------------
# Measuring helpers (used in the children)


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM: per address space, so not inherited from the parent across exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """This process's current RSS."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def time_calls(call: Callable[[], Any], calls: int, budget_s: float | None = None) -> dict[str, Any]:
    """Median and min milliseconds of `calls` calls (after one untimed warm-up); stop early past the budget."""
    call()
    times = []
    started = time.perf_counter()
    for _ in range(calls):
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1000)
        if budget_s is not None and len(times) >= 3 and time.perf_counter() - started > budget_s:
            break
    return {"median_ms": statistics.median(times), "min_ms": min(times), "calls": len(times)}


def health_since() -> datetime:
    return (datetime.now(UTC) - timedelta(days=HEALTH_DAYS)).replace(tzinfo=None)


# ---------------------------------------------------------------------------------------------------------------
# Children: one task each, answering one JSON line on stdout


def child_generate(task: dict[str, Any]) -> dict[str, Any]:
    from dashboard.cmdb.sample import SampleSpec, generate

    start = time.perf_counter()
    planted = generate(task["url"], SampleSpec(cis=task["size"], seed=SEED), progress=True, replace=True)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "planted": planted.as_dict() if hasattr(planted, "as_dict") else repr(planted)}


def child_load(task: dict[str, Any]) -> dict[str, Any]:
    from dashboard.cmdb.load import load_frames

    start = time.perf_counter()
    frames = load_frames(task["url"], health_since=health_since(), path=task["path"])
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "tables": frames.seconds,
        "rows": {name: len(frame) for name, frame in frames.tables.items()},
        "path": frames.path,
        "peak_rss_mb": peak_rss_mb(),
    }


def child_ready(task: dict[str, Any]) -> dict[str, Any]:
    """Fingerprint (untimed in `ready`), load by the fastest path, build_snapshot, findings; then the build's split."""
    from dashboard.cmdb import quality
    from dashboard.cmdb import snapshot as snapshot_module
    from dashboard.cmdb.connect import read_only_engine, redacted
    from dashboard.cmdb.fingerprint import fingerprint
    from dashboard.cmdb.load import load_frames
    from dashboard.cmdb.snapshot import build_snapshot

    url = task["url"]
    start = time.perf_counter()
    engine = read_only_engine(url)
    with engine.connect() as connection:
        mark = fingerprint(connection)
    engine.dispose()
    fingerprint_s = time.perf_counter() - start

    start = time.perf_counter()
    frames = load_frames(url, health_since=health_since(), path=task["path"])
    load_s = time.perf_counter() - start
    rss_after_load = rss_mb()
    start = time.perf_counter()
    snapshot = build_snapshot(frames, fingerprint=mark, source=redacted(url))
    build_s = time.perf_counter() - start
    peak = peak_rss_mb()
    rss_after_build = rss_mb()
    # The findings are computed on first use (the store does it right after publishing the snapshot).
    start = time.perf_counter()
    findings = snapshot.findings
    findings_s = time.perf_counter() - start
    out: dict[str, Any] = {
        "fingerprint_s": fingerprint_s,
        "load_s": load_s,
        "tables": frames.seconds,
        "build_s": build_s,
        "index_s": snapshot.seconds["index"],
        "ready_s": load_s + build_s,
        "findings_s": findings_s,
        "rss_after_load_mb": rss_after_load,
        "peak_rss_mb": peak,
        "rss_after_build_mb": rss_after_build,
        "peak_rss_with_findings_mb": peak_rss_mb(),
        "counts": snapshot.counts(),
        "findings": {f.code: f.count for f in findings},
    }
    # The build's split, measured again piece by piece after the peak above was taken (private helpers, on purpose).
    split: dict[str, float] = {}
    t0 = time.perf_counter()
    ci, _ = snapshot_module._ci_with_ids(frames.tables["ci"])
    raw_class = ci["class"]
    ci = ci.assign(**{"class": snapshot_module.normalise_class(raw_class)})
    split["ci ids + class normalise"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    built = snapshot_module._build_index(ci, frames.tables["relationship"])
    split["graph index (_build_index)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    quality.ci_findings(ci, raw_class, built)
    split["findings: quality.ci_findings"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    quality.relationship_findings(frames.tables["relationship"], built)
    split["findings: quality.relationship_findings (incl. cycles)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    quality.event_findings({**frames.tables, "ci": ci}, built)
    split["findings: quality.event_findings"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    ci["class"].value_counts()
    split["class_counts"] = time.perf_counter() - t0
    out["build_split"] = split
    return out


def child_overlapped(task: dict[str, Any]) -> dict[str, Any]:
    """Fingerprint (untimed), load_snapshot (index built while the event tables are read), findings: as the store."""
    from dashboard.cmdb.connect import read_only_engine
    from dashboard.cmdb.fingerprint import fingerprint
    from dashboard.cmdb.snapshot import load_snapshot

    engine = read_only_engine(task["url"])
    with engine.connect() as connection:
        mark = fingerprint(connection)
    engine.dispose()
    start = time.perf_counter()
    snapshot = load_snapshot(
        task["url"], fingerprint=mark, source="bench", health_since=health_since(), path=task["path"]
    )
    ready_s = time.perf_counter() - start
    peak = peak_rss_mb()
    # What the store does next, in this order: read the CI attributes, then compute the findings.
    start = time.perf_counter()
    snapshot.attributes()
    attributes_s = time.perf_counter() - start
    peak_with_attributes = peak_rss_mb()
    start = time.perf_counter()
    findings = snapshot.findings
    findings_s = time.perf_counter() - start
    return {
        "ready_s": ready_s,
        "index_s": snapshot.seconds["index"],
        "attributes_s": attributes_s,
        "findings_s": findings_s,
        "peak_rss_mb": peak,
        "peak_rss_with_attributes_mb": peak_with_attributes,
        "peak_rss_with_findings_mb": peak_rss_mb(),
        "findings": {f.code: f.count for f in findings},
    }


def child_traverse(task: dict[str, Any]) -> dict[str, Any]:
    """Build the snapshot (untimed), pick the CIs, time each servicemap traversal over many calls."""
    import numpy as np

    from dashboard.cmdb.load import load_frames
    from dashboard.cmdb.snapshot import build_snapshot
    from dashboard.domain.traverse import MAX_DEPTH, Direction, dependency_path, impacted_services, reach
    from dashboard.domain.vocabulary import BUSINESS_SERVICE

    frames = load_frames(task["url"], health_since=health_since(), path=task["path"])
    index = build_snapshot(frames, fingerprint="bench", source="bench").index
    del frames

    start = time.perf_counter()
    services = np.flatnonzero(index.class_mask(BUSINESS_SERVICE))
    candidates = services
    if len(services) > SERVICE_CANDIDATES:
        candidates = services[np.argsort(-index.down.degree()[services], kind="stable")[:SERVICE_CANDIDATES]]
    sizes = np.array([len(reach(index, [s], Direction.DOWNSTREAM, MAX_DEPTH).nodes) for s in candidates])
    service = int(candidates[int(np.argmax(sizes))])

    infra = np.flatnonzero(np.isin(index.class_codes, [index.class_names.index(c) for c in INFRA_CLASSES]))
    infra = infra[np.argsort(-index.up.degree()[infra], kind="stable")[:INFRA_CANDIDATES]]
    impacted_counts = np.array([len(impacted_services(index, int(p))) for p in infra])
    shared = int(infra[int(np.argmax(impacted_counts))])
    impacted = impacted_services(index, shared)
    # The path starts from the largest service when it stands on that CI, else from the largest service that does.
    on_it = np.isin(candidates, impacted)
    path_service = service if service in set(impacted.tolist()) or not on_it.any() else None
    if path_service is None:
        path_service = int(candidates[on_it][int(np.argmax(sizes[on_it]))])
    pick_s = time.perf_counter() - start

    calls = task["calls"]
    steps: dict[str, Callable[[], Any]] = {
        "down_d3": lambda: reach(index, [service], Direction.DOWNSTREAM, 3),
        "down_all": lambda: reach(index, [service], Direction.DOWNSTREAM, MAX_DEPTH),
        "up_d3": lambda: reach(index, [service], Direction.UPSTREAM, 3),
        "up_all": lambda: reach(index, [service], Direction.UPSTREAM, MAX_DEPTH),
        "impacted": lambda: impacted_services(index, shared),
        "path": lambda: dependency_path(index, path_service, shared),
    }
    timings = {name: time_calls(call, calls) for name, call in steps.items()}
    path = dependency_path(index, path_service, shared)
    results = {
        "down_d3": len(steps["down_d3"]().nodes),
        "down_all": len(steps["down_all"]().nodes),
        "up_d3": len(steps["up_d3"]().nodes),
        "up_all": len(steps["up_all"]().nodes),
        "impacted": len(impacted),
        "path": len(path.nodes) if path is not None else 0,
    }
    ids = index.ci_ids
    shared_class = index.class_names[int(index.class_codes[shared])]
    return {
        "picks": {
            "service_id": int(ids[service]),
            "shared_id": int(ids[shared]),
            "shared_class": shared_class,
            "shared_upstream_cis": len(reach(index, [shared], Direction.UPSTREAM, MAX_DEPTH).nodes),
            "path_service_id": int(ids[path_service]),
            "business_services": len(services),
            "services_examined": len(candidates),
            "pick_s": pick_s,
        },
        "timings": timings,
        "results": results,  # nodes reached (root included), business services impacted, CIs on the path
        "peak_rss_mb": peak_rss_mb(),
    }


def child_networkx(task: dict[str, Any]) -> dict[str, Any]:
    """The typical Dash user's way: pandas.read_sql through SQLAlchemy, a networkx.DiGraph, nx traversals."""
    import networkx as nx
    import pandas as pd
    import sqlalchemy as sa

    from dashboard.cmdb.connect import parse_url
    from dashboard.domain.vocabulary import RELATIONSHIP_TYPE_BY_NAME

    engine = sa.create_engine(parse_url(task["url"]))
    start = time.perf_counter()
    ci = pd.read_sql("SELECT * FROM ci", engine)
    ci_s = time.perf_counter() - start
    start = time.perf_counter()
    rel = pd.read_sql("SELECT * FROM relationship", engine)
    rel_s = time.perf_counter() - start
    engine.dispose()
    rss_after_load = rss_mb()

    start = time.perf_counter()
    # Edges point from the dependent CI to what it depends on ("used by" and "member of" are written the other way).
    reverse = {name for name, t in RELATIONSHIP_TYPE_BY_NAME.items() if not t.source_depends_on_target}
    flip = rel["type"].str.strip().str.lower().isin(reverse)
    source = rel["source_id"].where(~flip, rel["target_id"])
    target = rel["target_id"].where(~flip, rel["source_id"])
    graph = nx.DiGraph()
    graph.add_nodes_from(ci.set_index("id").to_dict("index").items())
    graph.add_edges_from(
        (s, t, {"type": y}) for s, t, y in zip(source.tolist(), target.tolist(), rel["type"].tolist(), strict=True)
    )
    build_s = time.perf_counter() - start
    out: dict[str, Any] = {
        "read_sql_ci_s": ci_s,
        "read_sql_relationship_s": rel_s,
        "load_s": ci_s + rel_s,
        "build_s": build_s,
        "ready_s": ci_s + rel_s + build_s,
        "rss_after_load_mb": rss_after_load,
        "peak_rss_mb": peak_rss_mb(),
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
    }
    picks = task.get("picks")
    if picks:
        service, shared, path_service = picks["service_id"], picks["shared_id"], picks["path_service_id"]
        reverse_view = graph.reverse(copy=False)
        nodes = graph.nodes

        def impacted() -> set[int]:
            return {n for n in (*nx.ancestors(graph, shared), shared) if nodes[n].get("class") == "business_service"}

        steps: dict[str, Callable[[], Any]] = {
            "down_d3": lambda: nx.single_source_shortest_path_length(graph, service, cutoff=3),
            "down_all": lambda: nx.descendants(graph, service),
            "up_d3": lambda: nx.single_source_shortest_path_length(reverse_view, service, cutoff=3),
            "up_all": lambda: nx.ancestors(graph, service),
            "impacted": impacted,
            "path": lambda: nx.shortest_path(graph, path_service, shared),
        }
        out["timings"] = {name: time_calls(call, task["calls"], NX_CALL_BUDGET_SECONDS) for name, call in steps.items()}
        out["results"] = {
            "down_d3": len(steps["down_d3"]()),
            "down_all": len(steps["down_all"]()) + 1,  # root included, as servicemap counts
            "up_d3": len(steps["up_d3"]()),
            "up_all": len(steps["up_all"]()) + 1,
            "impacted": len(impacted()),
            "path": len(steps["path"]()),
        }
        out["peak_rss_mb"] = peak_rss_mb()
    return out


CHILDREN: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "generate": child_generate,
    "load": child_load,
    "ready": child_ready,
    "overlapped": child_overlapped,
    "traverse": child_traverse,
    "networkx": child_networkx,
}


def run_child(task: dict[str, Any]) -> dict[str, Any]:
    """Run one task in a fresh interpreter; its last stdout line is the JSON answer."""
    process = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(task)],
        stdout=subprocess.PIPE,
        text=True,
        timeout=CHILD_TIMEOUT_SECONDS,
        check=False,
    )
    lines = process.stdout.strip().splitlines()
    if process.returncode != 0 or not lines:
        raise RuntimeError(f"child {task['kind']} failed with exit code {process.returncode}")
    return json.loads(lines[-1])


# ---------------------------------------------------------------------------------------------------------------
# The sample CMDBs


def bench_url(backend: str, size: int, pg_url: str) -> str:
    import sqlalchemy as sa

    if backend == "sqlite":
        return f"sqlite:///{CACHE / f'cmdb_{size}.sqlite'}"
    if backend == "postgresql":
        return sa.make_url(pg_url).set(database=f"servicemap_bench_{size}").render_as_string(hide_password=False)
    raise SystemExit(f"unknown backend {backend!r}: use sqlite and/or postgresql")


def admin_engine(pg_url: str) -> Any:
    import sqlalchemy as sa

    from dashboard.cmdb.connect import parse_url

    return sa.create_engine(parse_url(pg_url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def ci_rows(url: str) -> int | None:
    """Rows of the ci table, or None when the database is not there or was not written to the end.

    The generator writes change last: an interrupted generation leaves it empty or missing.
    """
    import sqlalchemy as sa

    from dashboard.cmdb.connect import parse_url

    url_ = parse_url(url)
    if url_.get_backend_name() == "sqlite" and not Path(url_.database or "").is_file():
        return None
    engine = sa.create_engine(url_)
    try:
        with engine.connect() as connection:
            if connection.execute(sa.text('SELECT 1 FROM "change" LIMIT 1')).first() is None:
                return None
            return int(connection.execute(sa.text("SELECT count(*) FROM ci")).scalar_one())
    except sa.exc.SQLAlchemyError:
        return None
    finally:
        engine.dispose()


def ensure_cmdb(backend: str, size: int, pg_url: str) -> dict[str, Any]:
    """Reuse the sample CMDB when it has the right row count, else (re)generate it. Generation is not measured."""
    import sqlalchemy as sa

    url = bench_url(backend, size, pg_url)
    if backend == "postgresql":
        name = sa.make_url(url).database
        engine = admin_engine(pg_url)
        with engine.connect() as connection:
            exists = connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
            if not exists:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
    else:
        CACHE.mkdir(parents=True, exist_ok=True)
    if ci_rows(url) == size:
        log(f"[{backend} {size:,}] reusing the sample CMDB")
        return {"generated": False, "seconds": None}
    log(f"[{backend} {size:,}] generating the sample CMDB (seed {SEED}) …")
    answer = run_child({"kind": "generate", "url": url, "size": size})
    if backend == "postgresql":  # hint bits, statistics and the checkpoint now, not during the measured reads
        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))
            try:
                connection.execute(sa.text("CHECKPOINT"))
            except sa.exc.SQLAlchemyError as error:  # needs superuser (or pg_checkpoint): optional
                log(f"[{backend} {size:,}] no CHECKPOINT ({type(error.orig).__name__}); first runs may be noisier")
        engine.dispose()
    os.sync()  # the freshly written files' dirty pages, flushed before measuring rather than during
    log(f"[{backend} {size:,}] generated in {answer['seconds']:.1f} s")
    return {"generated": True, **answer}


# ---------------------------------------------------------------------------------------------------------------
# Running the measurements


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def summary(values: list[float]) -> dict[str, Any]:
    return {"median": statistics.median(values), "min": min(values), "runs": len(values)}


def measure(backend: str, size: int, url: str, args: argparse.Namespace) -> dict[str, Any]:
    tag = f"[{backend} {size:,}]"
    out: dict[str, Any] = {}
    run_child({"kind": "load", "url": url, "path": "adbc"})  # warm-up (OS page cache), discarded
    for path in ("adbc", "read_sql"):
        runs = []
        for i in range(args.repeat):
            runs.append(run_child({"kind": "load", "url": url, "path": path}))
            log(f"{tag} load {path} {i + 1}/{args.repeat}: {runs[-1]['seconds']:.2f} s")
        out[f"load_{path}"] = {
            **summary([r["seconds"] for r in runs]),
            "tables": {t: statistics.median(r["tables"][t] for r in runs) for t in runs[0]["tables"]},
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
            "rows": runs[0]["rows"],
        }
    fastest = min(("adbc", "read_sql"), key=lambda p: out[f"load_{p}"]["median"])

    runs = []
    for i in range(args.repeat):
        runs.append(run_child({"kind": "ready", "url": url, "path": fastest}))
        log(f"{tag} ready ({fastest}) {i + 1}/{args.repeat}: {runs[-1]['ready_s']:.2f} s")
    out["ready"] = {
        "path": fastest,
        **{
            key: summary([r[key] for r in runs])
            for key in ("fingerprint_s", "load_s", "build_s", "index_s", "ready_s", "findings_s")
        },
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "peak_rss_with_findings_mb": max(r["peak_rss_with_findings_mb"] for r in runs),
        "rss_after_load_mb": statistics.median(r["rss_after_load_mb"] for r in runs),
        "rss_after_build_mb": statistics.median(r["rss_after_build_mb"] for r in runs),
        "build_split": {k: statistics.median(r["build_split"][k] for r in runs) for k in runs[0]["build_split"]},
        "counts": runs[0]["counts"],
        "findings": runs[0]["findings"],
    }

    runs = []
    for i in range(args.repeat):
        runs.append(run_child({"kind": "overlapped", "url": url, "path": fastest}))
        log(f"{tag} ready overlapped ({fastest}) {i + 1}/{args.repeat}: {runs[-1]['ready_s']:.2f} s")
    out["overlapped"] = {
        **{key: summary([r[key] for r in runs]) for key in ("ready_s", "index_s", "attributes_s", "findings_s")},
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "peak_rss_with_attributes_mb": max(r["peak_rss_with_attributes_mb"] for r in runs),
        "peak_rss_with_findings_mb": max(r["peak_rss_with_findings_mb"] for r in runs),
    }

    log(f"{tag} traversals …")
    traverse = run_child({"kind": "traverse", "url": url, "path": fastest, "calls": args.calls})
    out["traverse"] = traverse

    nx_repeat = min(args.repeat, args.nx_repeat_at_1m) if size >= ONE_MILLION else args.repeat
    runs = []
    for i in range(nx_repeat):
        task = {"kind": "networkx", "url": url, "calls": args.calls, "picks": traverse["picks"] if i == 0 else None}
        runs.append(run_child(task))
        last = runs[-1]
        log(f"{tag} networkx {i + 1}/{nx_repeat}: read_sql {last['load_s']:.1f} s, build {last['build_s']:.1f} s")
    out["networkx"] = {
        **{
            key: summary([r[key] for r in runs])
            for key in ("read_sql_ci_s", "read_sql_relationship_s", "load_s", "build_s", "ready_s")
        },
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "rss_after_load_mb": statistics.median(r["rss_after_load_mb"] for r in runs),
        "nodes": runs[0]["nodes"],
        "edges": runs[0]["edges"],
        "timings": runs[0]["timings"],
        "results": runs[0]["results"],
        "runs": nx_repeat,
    }
    return out


# ---------------------------------------------------------------------------------------------------------------
# The report


def versions(pg_url: str, backends: list[str]) -> dict[str, str]:
    import sqlite3

    out = {"python": platform.python_version()}
    for name in (
        "numpy",
        "pandas",
        "pyarrow",
        "SQLAlchemy",
        "adbc-driver-manager",
        "adbc-driver-sqlite",
        "adbc-driver-postgresql",
        "networkx",
        "psycopg",
        "psutil",
    ):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    out["SQLite (pysqlite, read_sql)"] = sqlite3.sqlite_version
    try:
        import adbc_driver_sqlite.dbapi

        with adbc_driver_sqlite.dbapi.connect() as connection, connection.cursor() as cursor:
            cursor.execute("SELECT sqlite_version()")
            out["SQLite (ADBC driver)"] = str(cursor.fetchone()[0])
    except Exception as error:
        out["SQLite (ADBC driver)"] = f"unknown ({type(error).__name__})"
    if "postgresql" in backends:
        import sqlalchemy as sa

        engine = admin_engine(pg_url)
        with engine.connect() as connection:
            out["PostgreSQL server"] = str(connection.execute(sa.text("SHOW server_version")).scalar_one())
        engine.dispose()
    return out


def machine() -> dict[str, Any]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    commit = subprocess.run(
        ["git", "-C", str(HERE.parent), "describe", "--always", "--dirty"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "commit": commit or "unknown",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def fmt_s(seconds: float) -> str:
    return f"{seconds:.3f} s" if seconds < 10 else f"{seconds:.1f} s"


def fmt_ms(ms: float) -> str:
    return f"{ms:.3f} ms" if ms < 1 else f"{ms:.2f} ms" if ms < 100 else f"{ms:,.0f} ms"


def ratio(typical: float, ours: float) -> str:
    if ours <= 0:
        return "—"
    x = typical / ours
    return f"{x:,.0f}×" if x >= 10 else f"{x:.1f}×" if x >= 1 else f"{x:.2f}×"


def table_rows(backend: str, size: int, r: dict[str, Any]) -> list[list[str]]:
    rows: list[list[str]] = []

    def row(step: str, median: str, minimum: str, rss: float | None = None, x: str = "", runs: int | str = "") -> None:
        rss_text = f"{rss:,.0f}" if rss is not None else ""
        rows.append([step, backend, f"{size:,}", median, minimum, rss_text, x, str(runs)])

    ready, nxr = r["ready"], r["networkx"]
    row("fingerprint (not in ready)", fmt_s(ready["fingerprint_s"]["median"]), fmt_s(ready["fingerprint_s"]["min"]))
    for path in ("adbc", "read_sql"):
        load = r[f"load_{path}"]
        row(
            f"load `{path}` (all 5 tables)",
            fmt_s(load["median"]),
            fmt_s(load["min"]),
            load["peak_rss_mb"],
            runs=load["runs"],
        )
    row("build_snapshot (wall)", fmt_s(ready["build_s"]["median"]), fmt_s(ready["build_s"]["min"]))
    row('  snapshot.seconds["index"]', fmt_s(ready["index_s"]["median"]), fmt_s(ready["index_s"]["min"]))
    for part, seconds in ready["build_split"].items():
        row(f"  · {part}", fmt_s(seconds), "")
    row(
        f"**snapshot ready** (load `{ready['path']}` {ready['load_s']['median']:.2f} s + build "
        f"{ready['build_s']['median']:.2f} s, same processes)",
        f"**{fmt_s(ready['ready_s']['median'])}**",
        fmt_s(ready["ready_s"]["min"]),
        ready["peak_rss_mb"],
        runs=ready["ready_s"]["runs"],
    )
    row(
        "findings, on first use after ready (same processes)",
        fmt_s(ready["findings_s"]["median"]),
        fmt_s(ready["findings_s"]["min"]),
        ready["peak_rss_with_findings_mb"],
        runs=ready["findings_s"]["runs"],
    )
    overlapped = r["overlapped"]
    row(
        "**snapshot ready, overlapped** (`load_snapshot`, as the store runs it: index built while the event tables "
        f"are read; index {overlapped['index_s']['median']:.2f} s)",
        f"**{fmt_s(overlapped['ready_s']['median'])}**",
        fmt_s(overlapped["ready_s"]["min"]),
        overlapped["peak_rss_mb"],
        runs=overlapped["ready_s"]["runs"],
    )
    row(
        "ci.attributes, read after the overlapped ready (as the store does next; same processes)",
        fmt_s(overlapped["attributes_s"]["median"]),
        fmt_s(overlapped["attributes_s"]["min"]),
        overlapped["peak_rss_with_attributes_mb"],
        runs=overlapped["attributes_s"]["runs"],
    )
    row(
        "findings, on first use after the overlapped ready and the attributes (same processes)",
        fmt_s(overlapped["findings_s"]["median"]),
        fmt_s(overlapped["findings_s"]["min"]),
        overlapped["peak_rss_with_findings_mb"],
        runs=overlapped["findings_s"]["runs"],
    )
    timings, results = r["traverse"]["timings"], r["traverse"]["results"]
    for key, label in TRAVERSALS:
        t = timings[key]
        row(f"{label} [{results[key]:,}]", fmt_ms(t["median_ms"]), fmt_ms(t["min_ms"]), runs=f"{t['calls']} calls")
    row(
        "typical: read_sql ci + relationship",
        fmt_s(nxr["load_s"]["median"]),
        fmt_s(nxr["load_s"]["min"]),
        x=ratio(nxr["load_s"]["median"], r[f"load_{ready['path']}"]["median"]) + " vs load (5 tables)",
        runs=nxr["runs"],
    )
    row(
        "typical: build nx.DiGraph (node attrs + edges)",
        fmt_s(nxr["build_s"]["median"]),
        fmt_s(nxr["build_s"]["min"]),
        x=ratio(nxr["build_s"]["median"], ready["build_s"]["median"]),
        runs=nxr["runs"],
    )
    row(
        "**typical: ready** (read_sql + DiGraph)",
        f"**{fmt_s(nxr['ready_s']['median'])}**",
        fmt_s(nxr["ready_s"]["min"]),
        nxr["peak_rss_mb"],
        x=f"{ratio(nxr['ready_s']['median'], ready['ready_s']['median'])} (RSS "
        f"{ratio(nxr['peak_rss_mb'], ready['peak_rss_mb'])})",
        runs=nxr["runs"],
    )
    for key, label in NX_TRAVERSALS.items():
        t, ours = nxr["timings"][key], timings[key]
        count = nxr["results"][key]
        mark = "" if count == results[key] else " ≠"
        row(
            f"typical: {label} [{count:,}{mark}]",
            fmt_ms(t["median_ms"]),
            fmt_ms(t["min_ms"]),
            x=ratio(t["median_ms"], ours["median_ms"]),
            runs=f"{t['calls']} calls",
        )
    return rows


def markdown(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def targets(results: dict[str, dict[int, dict[str, Any]]]) -> list[dict[str, Any]]:
    out = []
    for backend, by_size in results.items():
        r = by_size.get(ONE_MILLION)
        if r is None:
            continue
        ready, overlapped = r["ready"], r["overlapped"]
        for label, seconds in (
            ("load_frames + build_snapshot", ready["ready_s"]["median"]),
            ("load_snapshot, overlapped", overlapped["ready_s"]["median"]),
        ):
            out.append(
                {
                    "target": f"snapshot ready ≤ {READY_TARGET_S:g} s ({backend}, {label})",
                    "value": f"{seconds:.2f} s",
                    "met": seconds <= READY_TARGET_S,
                }
            )
        for key in ("down_d3", "down_all", "up_d3", "up_all"):
            ms = r["traverse"]["timings"][key]["median_ms"]
            out.append(
                {
                    "target": f"{dict(TRAVERSALS)[key].split(' (')[0]} ≤ {TRAVERSAL_TARGET_MS:g} ms ({backend})",
                    "value": f"{ms:.2f} ms",
                    "met": ms <= TRAVERSAL_TARGET_MS,
                }
            )
        peak = max(ready["peak_rss_with_findings_mb"], overlapped["peak_rss_with_findings_mb"])
        out.append(
            {
                "target": f"peak RSS of snapshot ready, findings included ≤ {MEMORY_TARGET_MB / 1024:g} GB ({backend})",
                "value": f"{peak:,.0f} MB",
                "met": peak <= MEMORY_TARGET_MB,
            }
        )
    return out


def report(meta: dict[str, Any], results: dict[str, dict[int, dict[str, Any]]]) -> None:
    print("# servicemap snapshot benchmark\n")
    m = meta["machine"]
    print(f"- date: {m['date']}; commit {m['commit']}")
    print(
        f"- machine: {m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable), {m['ram_gb']} GB RAM, {m['kernel']}"
    )
    print("- versions: " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items()))
    print(
        f"- repeats: {meta['repeat']} fresh processes per load/ready step (median, min); traversals: median of "
        f"{meta['calls']} calls in one process (networkx: stops after {NX_CALL_BUDGET_SECONDS:g} s, at least 3); "
        f"typical way at 1M: {meta['nx_repeat_at_1m']} run(s)"
    )
    for backend, by_size in results.items():
        for size, r in by_size.items():
            g = meta["generation"][backend][str(size)]
            how = f"generated in {g['seconds']:.1f} s" if g["generated"] else "reused"
            picks = r["traverse"]["picks"]
            print(
                f"- {backend} {size:,}: sample {how}; {r['ready']['counts']}; largest service id "
                f"{picks['service_id']} (of {picks['business_services']:,} services, {picks['services_examined']:,} "
                f"examined), most shared {picks['shared_class']} id {picks['shared_id']} "
                f"({picks['shared_upstream_cis']:,} CIs upstream), path from service id {picks['path_service_id']}"
            )
    print()
    header = ["step [result size]", "backend", "CIs", "median", "min", "peak RSS MB", "ratio typical/servicemap", "n"]
    rows = [
        row
        for backend, by_size in results.items()
        for size, r in by_size.items()
        for row in table_rows(backend, size, r)
    ]
    print(markdown(header, rows))
    print("\n## Load per table (median seconds; two tables are read side by side, so they overlap)\n")
    table_names = ["ci", "relationship", "incident", "health", "change"]
    per_table = []
    for backend, by_size in results.items():
        for size, r in by_size.items():
            for path in ("adbc", "read_sql"):
                load = r[f"load_{path}"]
                cells = [
                    f"{load['tables'][t]:.3f} ({load['rows'][t]:,})" if t in load["tables"] else "—"
                    for t in table_names
                ]
                per_table.append([backend, f"{size:,}", f"`{path}`", *cells, f"{load['median']:.3f}"])
            nxr = r["networkx"]
            per_table.append(
                [
                    backend,
                    f"{size:,}",
                    "typical `pd.read_sql(SELECT *)`",
                    f"{nxr['read_sql_ci_s']['median']:.3f}",
                    f"{nxr['read_sql_relationship_s']['median']:.3f}",
                    "",
                    "",
                    "",
                    f"{nxr['load_s']['median']:.3f}",
                ]
            )
    print(markdown(["backend", "CIs", "path", *(f"{t} s (rows)" for t in table_names), "wall s"], per_table))
    print(
        "\nRatios are typical ÷ servicemap (> 1 means servicemap is faster). [n] after a step is its result size "
        "(nodes reached, root included; business services impacted; CIs on the path); ≠ marks a networkx count that "
        "differs from servicemap's (networkx keeps dangling relationships as phantom nodes)."
    )
    checks = meta["targets"]
    if checks:
        print("\n## Targets at 1,000,000 CIs\n")
        for check in checks:
            print(f"- {'✓' if check['met'] else '✗'} {check['target']}: {check['value']}")
    print()
    print(json.dumps({"meta": meta, "results": results}, separators=(",", ":"), default=str))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000", help="CI counts, comma-separated")
    parser.add_argument("--backends", default="sqlite,postgresql", help="sqlite and/or postgresql")
    parser.add_argument("--repeat", type=int, default=5, help="fresh processes per load/ready step")
    parser.add_argument("--calls", type=int, default=50, help="calls per traversal (median taken)")
    parser.add_argument("--nx-repeat-at-1m", type=int, default=1, help="runs of the networkx way at ≥ 1M CIs")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL, help="PostgreSQL server (trust auth or password in URL)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        task = json.loads(args.child)
        print(json.dumps(CHILDREN[task["kind"]](task)))
        return 0
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s]
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    args.calls = max(args.calls, 50)
    started = time.perf_counter()
    generation: dict[str, dict[str, Any]] = {b: {} for b in backends}
    results: dict[str, dict[int, dict[str, Any]]] = {b: {} for b in backends}
    for backend in backends:
        for size in sizes:
            generation[backend][str(size)] = ensure_cmdb(backend, size, args.pg_url)
            results[backend][size] = measure(backend, size, bench_url(backend, size, args.pg_url), args)
    meta = {
        "versions": versions(args.pg_url, backends),
        "machine": machine(),
        "repeat": args.repeat,
        "calls": args.calls,
        "nx_repeat_at_1m": args.nx_repeat_at_1m,
        "generation": generation,
        "wall_s": time.perf_counter() - started,
    }
    meta["targets"] = targets(results)
    report(meta, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
