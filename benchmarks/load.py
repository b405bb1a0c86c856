"""Load: wall screens and analysts against a served servicemap — latency per request kind, errors, walls that would
turn STALE, and the memory of every server process.

    .venv/bin/python benchmarks/load.py --cis 20000 --auth anonymous > benchmarks/.cache/load-20k-anonymous.md

Serves the app the way the README does, `python -m dashboard serve --workers 2 --threads 8` (gunicorn: a master
that loads the CMDB, forked gthread workers; settings through SERVICEMAP_* variables) over a sample CMDB of --cis CIs
(generated into --cache-dir when missing) or --database-url; `--command "…{port}…"` runs another server command
instead (same variables), `--url` measures a server already running. Once every worker answers with data, --walls
wall screens (/wall?refresh=--wall-interval) and --analysts analysts on the map page (benchmarks/load_client.py says
what each sends) run for --duration seconds, --runs times. Every second the RSS and PSS (shared pages split between
the processes sharing them: what a worker forked from the master really adds) of the server's processes are sampled
(psutil). The report (Markdown) goes to stdout, progress to stderr, and the last line of stdout is one JSON object
with every number.
"""

import argparse
import asyncio
import json
import os
import platform
import resource
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import psutil  # noqa: E402
from load_client import KINDS, Load, Outcome, drive  # noqa: E402
from snapshot import log, machine, markdown  # noqa: E402

USER, PASSWORD = "bench", "bench-load-password"  # the user load.py writes into the users file it serves with
TARGET_P95_MS = {20_000: 300.0, 1_000_000: 500.0}  # at most this many CIs → this p95
PORTS = range(18300, 18400)


def main(argv: list[str] | None = None) -> int:
    """Run the load and print the report; 0 when every target is met."""
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the server is stopped on the way out
    database_url = args.database_url or ensure_cmdb(args.cis, Path(args.cache_dir))
    cis = ci_count(database_url) if not args.url else args.cis
    load = Load(
        walls=args.walls,
        analysts=args.analysts,
        duration=args.duration,
        wall_interval=args.wall_interval,
        think=(args.think_min, args.think_max),
        user=args.user if args.auth == "basic" else None,
        password=args.password if args.auth == "basic" else None,
    )
    started = machine()  # the commit the server runs, read before it starts (the checkout may move during the runs)
    with serving(args, database_url) as (base, server, command):
        wait_until_ready(base, load, args.workers, args.ready_timeout)
        wait_until_quiet(server, args.ready_timeout)
        runs = [measure(base, load, server, run) for run in range(args.runs)]
    result = summarise(runs, load)
    meta = {
        "machine": started,
        "versions": versions(),
        "server": command,
        "cis": cis,
        "database": redacted(database_url) if not args.url else None,
        "auth": args.auth,
        "duration_s": args.duration,
        "walls": args.walls,
        "analysts": args.analysts,
        "wall_interval_s": args.wall_interval,
        "think_s": [args.think_min, args.think_max],
        "runs": args.runs,
    }
    verdict = targets(result, cis, load)
    print(report(meta, result, verdict))
    print(json.dumps({"meta": meta, "result": result, "targets": verdict}))
    return 0 if verdict["pass"] else 1


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cis", type=int, default=20_000, help="sample CMDB size (when no --database-url)")
    parser.add_argument("--database-url", help="the CMDB to serve (default: a sample of --cis CIs in --cache-dir)")
    parser.add_argument("--cache-dir", default=str(HERE / ".cache"), help="where sample CMDBs are kept")
    parser.add_argument("--auth", choices=("anonymous", "basic"), default="anonymous")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (also: how many must be ready)")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
    parser.add_argument("--timeout", type=int, default=300, help="gunicorn's worker timeout, s (1M CIs load slowly)")
    parser.add_argument("--command", help='server command instead of gunicorn, with "{port}" where the port goes')
    parser.add_argument("--url", help="measure the server already running at this URL (no server is started)")
    parser.add_argument("--user", default=USER, help="basic auth user (with --url: one the server knows)")
    parser.add_argument("--password", default=PASSWORD)
    parser.add_argument("--duration", type=float, default=120.0, help="seconds per run")
    parser.add_argument("--walls", type=int, default=50)
    parser.add_argument("--analysts", type=int, default=10)
    parser.add_argument("--wall-interval", type=int, default=5, help="the walls' ?refresh=, seconds (at least 5)")
    parser.add_argument("--think-min", type=float, default=2.0, help="an analyst's think time between steps, s")
    parser.add_argument("--think-max", type=float, default=6.0)
    parser.add_argument("--runs", type=int, default=1, help="runs on the same server; the report gives medians")
    parser.add_argument("--ready-timeout", type=float, default=600.0, help="seconds the server may take to serve data")
    return parser.parse_args(argv)


def ensure_cmdb(cis: int, cache: Path) -> str:
    """The sample CMDB of that size in the cache directory, generated when missing (not measured)."""
    path = cache / f"load_{cis}.sqlite"
    url = f"sqlite:///{path}"
    if path.is_file() and ci_count(url) == cis:
        return url
    cache.mkdir(parents=True, exist_ok=True)
    log(f"generating a sample CMDB of {cis:,} CIs into {path} …")
    subprocess.run(
        [sys.executable, "-m", "dashboard", "generate", "--cis", str(cis), "--database-url", url, "--replace"],
        cwd=HERE.parent,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return url


def ci_count(url: str) -> int:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text("SELECT COUNT(*) FROM ci")).scalar_one()
    finally:
        engine.dispose()


def redacted(url: str) -> str:
    from dashboard.cmdb.connect import redacted as redact

    return redact(url)


@contextmanager
def serving(args: argparse.Namespace, database_url: str) -> Any:
    """(base URL, server process or None, the command as run); the server is stopped on exit."""
    if args.url:
        yield args.url.rstrip("/"), None, f"already running at {args.url}"
        return
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="servicemap-load-") as scratch:
        env = {**os.environ, "SERVICEMAP_DATABASE_URL": database_url, "PYTHONPATH": str(HERE.parent)}
        if args.auth == "basic":
            from werkzeug.security import generate_password_hash

            users = Path(scratch) / "users"
            users.write_text(f"{args.user}:{generate_password_hash(args.password)}\n", encoding="utf-8")
            env |= {"SERVICEMAP_AUTH": "basic", "SERVICEMAP_BASIC_USERS_FILE": str(users)}
        else:
            env |= {"SERVICEMAP_ANONYMOUS": "1"}
        if args.command:
            command = shlex.split(args.command.replace("{port}", str(port)))
        else:
            command = [sys.executable, "-m", "dashboard", "serve", "--port", str(port), "--workers", str(args.workers)]
            command += ["--threads", str(args.threads), "--timeout", str(args.timeout)]
        log(f"starting: {shlex.join(command)}")
        server = subprocess.Popen(command, cwd=HERE.parent, env=env, stdout=subprocess.DEVNULL, start_new_session=True)
        try:
            yield f"http://127.0.0.1:{port}", server, shlex.join(Path(c).name if c == sys.executable else c
                                                                 for c in command)  # fmt: skip
        finally:
            stop(server)


def free_port() -> int:
    """A port of the range this benchmark may use that nothing listens on."""
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS.start}–{PORTS.stop - 1}")


def stop(server: subprocess.Popen) -> None:
    """End the server and its workers (its own process group)."""
    if server.poll() is None:
        os.killpg(server.pid, 15)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)
            server.wait(timeout=10)


QUIET_CPU = 20.0  # % of one core, all server processes together: the workers' start-up work (views) has ended
QUIET_SECONDS = 3


def wait_until_quiet(server: subprocess.Popen | None, seconds: float) -> None:
    """Wait until the server's processes, together, use less than QUIET_CPU % of a core for QUIET_SECONDS seconds:
    each worker warms its views after it first serves (seconds at a million CIs), and a run that starts meanwhile
    measures the start, not the serving. Nothing to wait for with --url."""
    if server is None:
        return
    sampler = RssSampler(server.pid)
    deadline = time.monotonic() + seconds
    quiet_since = None
    before = sampler.cpu_seconds()
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = sampler.cpu_seconds()
        busy, before = (now - before) * 100, now
        if busy >= QUIET_CPU:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= QUIET_SECONDS - 1:
            log(f"server quiet ({busy:.0f} % of a core)")
            return
    raise TimeoutError(f"the server kept busy for {seconds:.0f} s after it first served data")


def wait_until_ready(base: str, load: Load, workers: int, seconds: float) -> None:
    """Wait until rounds of concurrent wall refreshes (so that every worker gets some) all come back with data."""
    log("waiting until every worker serves data …")
    deadline = time.monotonic() + seconds
    probe = Load(walls=0, analysts=0, user=load.user, password=load.password, wall_interval=load.wall_interval)
    while time.monotonic() < deadline:
        if _serves(base) and asyncio.run(_refresh_round(base, probe, 4 * max(workers, 1))):
            log(f"ready after {seconds - (deadline - time.monotonic()):.0f} s")
            return
        time.sleep(1)
    raise TimeoutError(f"the server at {base} served no data within {seconds:.0f} s")


def _serves(base: str) -> bool:
    """True once the server answers HTTP at all (401 too: basic auth asks for the password)."""
    try:
        with urllib.request.urlopen(base + "/_dash-dependencies", timeout=5):
            return True
    except urllib.error.HTTPError as error:
        return error.code == 401
    except OSError:
        return False


async def _refresh_round(base: str, probe: Load, count: int) -> bool:
    from load_client import Browser, _wall_answer

    outcome = Outcome()
    browser = Browser(base, probe, outcome)
    try:
        if not await browser.open_page("/wall", f"?refresh={probe.wall_interval}"):
            return False
        tick = ["wall-request.data"]
        await asyncio.gather(
            *(browser.callback("probe", "refresh", _wall_answer, tick, {tick[0]: {"tick": i}}) for i in range(count))
        )
    finally:
        await browser.close()
    return not outcome.errors and len(outcome.times["probe"]) == count


def measure(base: str, load: Load, server: subprocess.Popen | None, run: int) -> dict[str, Any]:
    """One run: the load, the server's RSS sampled every second, the CPU the load generator and the server used."""
    log(f"run {run + 1}: {load.walls} walls, {load.analysts} analysts, {load.duration:.0f} s …")
    sampler = RssSampler(server.pid if server else None)
    sampler.start()
    own_before = resource.getrusage(resource.RUSAGE_SELF)
    server_before = sampler.cpu_seconds()
    started = time.monotonic()
    outcome = asyncio.run(drive(base, load))
    elapsed = time.monotonic() - started
    own_after = resource.getrusage(resource.RUSAGE_SELF)
    sampler.stop()
    own_cpu = (own_after.ru_utime + own_after.ru_stime) - (own_before.ru_utime + own_before.ru_stime)
    server_cpu = sampler.cpu_seconds() - server_before if server else None
    return {
        "kinds": {kind: per_kind(outcome, kind) for kind in KINDS},
        "all": per_kind(outcome, None),
        "stale_walls": outcome.stale_walls(load.wall_interval),
        "retries": dict(outcome.retries),
        "longest_wall_gap_s": round(max(outcome.wall_gaps, default=0.0), 1),
        "rss_mb": sampler.peaks(),
        "elapsed_s": round(elapsed, 1),
        "generator_cpu_pct": round(100 * own_cpu / elapsed, 1),
        "server_cpu_pct": round(100 * server_cpu / elapsed, 1) if server_cpu is not None else None,
    }


def per_kind(outcome: Outcome, kind: str | None) -> dict[str, Any]:
    """Count, percentiles (ms) and errors of one request kind, or of all when kind is None."""
    kinds = [kind] if kind else list(outcome.times.keys() | outcome.errors.keys())
    times = sorted(t for k in kinds for t in outcome.times.get(k, []))
    errors: dict[str, int] = {}
    for k in kinds:
        for what, count in outcome.errors.get(k, {}).items():
            errors[what] = errors.get(what, 0) + count
    return {
        "count": len(times) + sum(errors.values()),
        "p50": percentile(times, 50),
        "p95": percentile(times, 95),
        "p99": percentile(times, 99),
        "max": times[-1] if times else None,
        "errors": errors,
    }


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile of sorted values."""
    if not values:
        return None
    return values[max(0, min(len(values) - 1, round(p / 100 * len(values) + 0.5) - 1))]


class RssSampler:
    """Every second, the RSS of the server process and all its descendants; the peak per process."""

    def __init__(self, pid: int | None) -> None:
        self.root = psutil.Process(pid) if pid else None
        self.peak: dict[int, dict[str, Any]] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        if self.root:
            self.thread.start()

    def stop(self) -> None:
        self.done.set()
        if self.thread.is_alive():
            self.thread.join()

    def processes(self) -> list[psutil.Process]:
        try:
            return [self.root, *self.root.children(recursive=True)] if self.root else []
        except psutil.NoSuchProcess:
            return []

    def cpu_seconds(self) -> float:
        total = 0.0
        for process in self.processes():
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system
        return total

    def _run(self) -> None:
        while not self.done.wait(1.0):
            for process in self.processes():
                try:
                    memory = process.memory_full_info()
                except psutil.NoSuchProcess:
                    continue
                role = "master" if process.pid == self.root.pid else "worker"
                entry = self.peak.setdefault(process.pid, {"pid": process.pid, "role": role, "mb": 0.0, "pss": 0.0})
                entry["mb"] = max(entry["mb"], round(memory.rss / 2**20, 1))
                entry["pss"] = max(entry["pss"], round(getattr(memory, "pss", 0) / 2**20, 1))

    def peaks(self) -> list[dict[str, Any]]:
        return sorted(self.peak.values(), key=lambda e: (e["role"] != "master", e["pid"]))


def summarise(runs: list[dict[str, Any]], load: Load) -> dict[str, Any]:
    """The runs in one: medians of counts and percentiles, errors added up, the worst STALE count, peak RSS."""

    def merged(parts: list[dict[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {"count": statistics.median(p["count"] for p in parts)}
        for key in ("p50", "p95", "p99", "max"):
            values = [p[key] for p in parts if p[key] is not None]
            out[key] = round(statistics.median(values), 1) if values else None
        errors: dict[str, int] = {}
        for part in parts:
            for what, count in part["errors"].items():
                errors[what] = errors.get(what, 0) + count
        out["errors"] = errors
        return out

    peaks: dict[int, dict[str, Any]] = {}
    for run in runs:
        for entry in run["rss_mb"]:
            known = peaks.setdefault(entry["pid"], dict(entry))
            known["mb"] = max(known["mb"], entry["mb"])
            known["pss"] = max(known.get("pss", 0.0), entry.get("pss", 0.0))
    cpu = [r["server_cpu_pct"] for r in runs if r["server_cpu_pct"] is not None]
    return {
        "kinds": {kind: merged([r["kinds"][kind] for r in runs]) for kind in KINDS},
        "all": merged([r["all"] for r in runs]),
        "stale_walls": max(r["stale_walls"] for r in runs),
        "stale_after_s": 2 * load.wall_interval + 5,
        "longest_wall_gap_s": max(r["longest_wall_gap_s"] for r in runs),
        "retries": sum(sum(r["retries"].values()) for r in runs),
        "rss_mb": sorted(peaks.values(), key=lambda e: (e["role"] != "master", e["pid"])),
        "generator_cpu_pct": statistics.median(r["generator_cpu_pct"] for r in runs),
        "server_cpu_pct": statistics.median(cpu) if cpu else None,
        "runs": runs,
    }


def targets(result: dict[str, Any], cis: int, load: Load) -> dict[str, Any]:
    """p95 of every request kind within the target for the CMDB's size, no error, no wall STALE, every kind seen."""
    target = next((ms for size, ms in sorted(TARGET_P95_MS.items()) if cis <= size), max(TARGET_P95_MS.values()))
    worst = max(
        ((kind, r["p95"]) for kind, r in result["kinds"].items() if r["p95"] is not None),
        key=lambda item: item[1],
        default=(None, None),
    )
    errors = sum(sum(r["errors"].values()) for r in result["kinds"].values())
    unmeasured = [kind for kind, r in result["kinds"].items() if r["p95"] is None]
    checks = {
        "p95_ms": {"target": target, "worst_kind": worst[0], "worst": worst[1], "ok": (worst[1] or 1e9) <= target},
        "errors": {"target": 0, "result": errors, "ok": errors == 0},
        "stale_walls": {"target": 0, "result": result["stale_walls"], "ok": result["stale_walls"] == 0},
        "kinds_measured": {"target": list(KINDS), "result": unmeasured, "ok": not unmeasured},
    }
    return {**checks, "pass": all(c["ok"] for c in checks.values())}


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in ("dash", "flask", "werkzeug", "gunicorn", "pandas", "SQLAlchemy", "aiohttp", "psutil"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _errors(errors: dict[str, int]) -> str:
    return ", ".join(f"{count} {what}" for what, count in sorted(errors.items())) or "0"


def report(meta: dict[str, Any], result: dict[str, Any], verdict: dict[str, Any]) -> str:
    """The Markdown report."""
    m, v = meta["machine"], meta["versions"]
    lines = [
        f"## Load: {meta['walls']} walls and {meta['analysts']} analysts, {meta['cis']:,} CIs, {meta['auth']}",
        "",
        f"- **When:** {m['date']}, commit `{m['commit']}`.",
        f"- **Machine:** {m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable), {m['ram_gb']} GB RAM, "
        f"Linux {m['kernel']}; the load generator runs on the same cores.",
        "- **Versions:** " + ", ".join(f"{name} {version}" for name, version in v.items()) + ".",
        f"- **Server:** `{meta['server']}`; CMDB `{meta['database']}`.",
        f"- **Load:** {meta['walls']} walls (`/wall?refresh={meta['wall_interval_s']}`), {meta['analysts']} analysts "
        f"(think time {meta['think_s'][0]:g}–{meta['think_s'][1]:g} s), {meta['duration_s']:g} s per run, "
        f"{meta['runs']} run(s); medians of the runs.",
        "",
    ]
    rows = []
    for kind, r in [*result["kinds"].items(), ("all", result["all"])]:
        name = f"**{kind}**" if kind == "all" else kind
        cells = [_ms(r[k]) for k in ("p50", "p95", "p99", "max")]
        rows.append([name, f"{r['count']:,.0f}", *cells, _errors(r["errors"])])
    lines += [markdown(["request kind", "requests", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors"], rows), ""]
    lines.append(
        f"Walls that would turn STALE (no good answer for more than {result['stale_after_s']} s): "
        f"**{result['stale_walls']} of {meta['walls']}**; the longest silence a wall saw: "
        f"{result['longest_wall_gap_s']:.1f} s."
    )
    lines.append("")
    lines.append(
        f"Requests sent again after the server closed a kept-alive connection as it was reused (as Chromium does; "
        f"not errors): {result['retries']}."
    )
    lines.append("")
    if result["rss_mb"]:
        rss = [[e["role"], str(e["pid"]), f"{e['mb']:,.0f}", f"{e.get('pss', 0):,.0f}"] for e in result["rss_mb"]]
        lines += [markdown(["server process", "pid", "max RSS MB", "max PSS MB"], rss), ""]
    server = result["server_cpu_pct"]
    lines.append(
        f"CPU, in % of one core: the load generator {result['generator_cpu_pct']:.0f} %"
        + (f", the server (all its processes) {server:.0f} %." if server is not None else ".")
    )
    lines.append("")
    p95 = verdict["p95_ms"]
    worst = f"{_ms(p95['worst'])} ms ({p95['worst_kind']})" if p95["worst"] is not None else "–"
    checks = [
        [f"p95 of every request kind ≤ {p95['target']:.0f} ms", ("✓ " if p95["ok"] else "✗ ") + worst],
        ["no error", ("✓ " if verdict["errors"]["ok"] else "✗ ") + str(verdict["errors"]["result"])],
        ["no wall turning STALE", ("✓ " if verdict["stale_walls"]["ok"] else "✗ ") + str(result["stale_walls"])],
        ["every request kind measured", "✓" if verdict["kinds_measured"]["ok"] else "✗ none: "
         + ", ".join(verdict["kinds_measured"]["result"])],
    ]  # fmt: skip
    lines += [markdown(["target", "result"], checks), "", f"**{'PASS' if verdict['pass'] else 'FAIL'}**"]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
