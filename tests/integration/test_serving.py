"""Production serving: real gunicorn processes with the shipped config (--preload, 2 gthread workers), and
`servicemap serve`'s link answering under a URL prefix."""

import json
import re
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from dashboard.cli import main
from tests.rows import ci, write
from tests.served_process import free_port, served

pytestmark = pytest.mark.slow
REFRESH = 5  # seconds, the shortest refresh
SLACK = 15  # seconds: two workers loading on a busy 2-core machine


@pytest.fixture
def cmdb(sqlite_db):
    write(sqlite_db, ci=[ci(1, "Payroll", "business_service"), ci(2, "payroll-db", "database")])
    return sqlite_db


def events(log: Path) -> list[dict]:
    """servicemap's JSON events in a log (gunicorn's own lines skipped)."""
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    return [json.loads(line) for line in lines if line.startswith("{")]


def worker_pids(log: Path) -> set[int]:
    return {int(pid) for pid in re.findall(r"Booting worker with pid: (\d+)", log.read_text(encoding="utf-8"))}


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return condition()


def answering_pids(url: str, access: Path, rounds: int = 20) -> set[int]:
    """The pids of the workers that answered: concurrent requests, each on a connection of its own."""

    def get() -> None:
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200

    for _ in range(rounds):
        threads = [threading.Thread(target=get) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        lines = access.read_text(encoding="utf-8").split()
        pids = {int(pid.strip("<>")) for pid in lines[::2]}
        if len(pids) > 1:
            return pids
    return pids


def test_sv001_preloaded_workers_answer_log_and_refresh_each_on_its_own(cmdb, tmp_path):
    port = free_port()
    log, access = tmp_path / "gunicorn.log", tmp_path / "access.log"
    command = [sys.executable, "-m", "gunicorn", "-c", "python:dashboard.gunicorn_conf", "--preload"]
    command += ["--workers", "2", "--bind", f"127.0.0.1:{port}", "--access-logfile", str(access)]
    command += ["--access-logformat", "%(p)s %(s)s", "dashboard.wsgi:server"]
    env = {"SERVICEMAP_DATABASE_URL": cmdb, "SERVICEMAP_ANONYMOUS": "1", "SERVICEMAP_REFRESH_SECONDS": str(REFRESH)}
    url = f"http://127.0.0.1:{port}/"
    with served(command, url, env=env, log=log):
        # The first worker may answer before gunicorn logs the second one's boot.
        assert wait_for(lambda: len(worker_pids(log)) == 2, SLACK), log.read_text(encoding="utf-8")
        workers = worker_pids(log)
        assert answering_pids(url, access) == {*workers}, access.read_text(encoding="utf-8")
        # Each worker warmed its own views, so each logs at INFO; nothing ran in the master at fork time.
        warmed = lambda: {e["pid"] for e in events(log) if e["event"] == "views_warmed"}  # noqa: E731
        assert wait_for(lambda: warmed() == workers, SLACK), log.read_text(encoding="utf-8")
        assert not [e for e in events(log) if e["event"] == "threads_at_fork"]
        (master_load,) = [e for e in events(log) if e["event"] == "snapshot_loaded"]  # once, before the fork
        assert master_load["pid"] not in workers

        write(cmdb, ci=[ci(3, "Payroll batch", "application")])
        changed = time.monotonic()

        def reloaded() -> set[int]:
            return {e["pid"] for e in events(log) if e["event"] == "snapshot_loaded" and e["version"] == 2}

        assert wait_for(lambda: reloaded() == workers, REFRESH + SLACK), events(log)
        assert time.monotonic() - changed < REFRESH + SLACK


def test_sv002_serve_prints_a_link_that_answers_under_the_url_prefix(cmdb, tmp_path):
    port = free_port()
    command = [sys.executable, "-m", "dashboard", "serve", "--anonymous", "--database-url", cmdb]
    command += ["--port", str(port), "--refresh-seconds", "0", "--workers", "1", "--threads", "2"]
    url = f"http://127.0.0.1:{port}/servicemap/"
    with served(command, url, env={"SERVICEMAP_URL_PREFIX": "/servicemap/"}) as process:
        printed = [process.stdout.readline().decode() for _ in range(2)]
        assert printed[0].startswith("servicemap ")
        assert " serving " in printed[0]
        assert printed[1] == f"Open {url} in a browser (Ctrl+C stops).\n"
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200


def test_sv003_serve_says_when_the_cmdb_could_not_be_loaded_and_serves_anyway(tmp_path, monkeypatch, capsys):
    seen = {}
    monkeypatch.setattr("dashboard.serving.serve", lambda server, host, port, workers: seen.update(workers=workers))
    missing = f"sqlite:///{tmp_path / 'missing.sqlite'}"
    assert main(["serve", "--anonymous", "--database-url", missing, "--workers", "3", "--threads", "4"]) == 0
    out = capsys.readouterr().out
    assert "Could not load" in out
    assert "Serving anyway" in out
    assert (seen["workers"].workers, seen["workers"].threads) == (3, 4)


def background_threads() -> set[str]:
    return {thread.name for thread in threading.enumerate()} & {"snapshot", "views"}


def test_sv004_an_app_built_for_forking_starts_no_thread_until_it_serves_then_once(cmdb):
    from dashboard import background
    from dashboard.app import create_app
    from dashboard.settings import Settings

    before = set(threading.enumerate())
    app = create_app(
        Settings.from_env({}, database_url=cmdb, refresh_seconds=REFRESH, anonymous=True), start_threads=False
    )
    store = app.server.extensions["servicemap"].store
    try:
        assert store.snapshot is not None  # the first snapshot, loaded before any fork
        assert set(threading.enumerate()) - before == set()  # nothing left running: no lock a fork could copy held
        work = background.of(app.server)
        assert not work.started
        client = app.server.test_client()
        assert client.get("/").status_code == 200  # the first request of a worker started without gunicorn's hook
        assert work.started
        assert "snapshot" in background_threads()
        assert work.ensure_started() is False  # exactly once per process
    finally:
        store.stop()
