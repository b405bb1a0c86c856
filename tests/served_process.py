"""servicemap served by a process of its own (`python -m dashboard serve`: a gunicorn master and its workers, in a
process group of their own): one a test can freeze (SIGSTOP to the group) while its listening socket still accepts
connections, as a hung server does; and real gunicorn with the shipped config."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A local TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def app_process(database_url: str, *flags: str, start_seconds: float = 60) -> Iterator[tuple[str, subprocess.Popen]]:
    """The base URL of the app over database_url in a child process group, and its leader; stopped on exit."""
    port = free_port()
    command = [sys.executable, "-m", "dashboard", "serve", "--database-url", database_url, "--port", str(port)]
    command += ["--anonymous", "--refresh-seconds", "0", "--workers", "1", *flags]
    with served(command, f"http://127.0.0.1:{port}/", start_seconds=start_seconds) as process:
        yield f"http://127.0.0.1:{port}/", process


@contextmanager
def served(
    command: list[str], url: str, *, env: dict[str, str] | None = None, log: Path | None = None, start_seconds=60
) -> Iterator[subprocess.Popen]:
    """`command` running in a process group of its own until url answers; stderr to `log`; the group killed on exit."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    with open(log or os.devnull, "wb") as stderr:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=stderr, start_new_session=True
        )
    try:
        _wait_until_serving(url, process, start_seconds)
        yield process
    finally:
        freeze(process, signal.SIGKILL)  # also ends a stopped group
        process.wait(timeout=10)
        process.stdout.close()


def freeze(process: subprocess.Popen, sig: int = signal.SIGSTOP) -> None:
    """Send sig to the process's whole group (the gunicorn master and its workers)."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def _wait_until_serving(url: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited with status {process.returncode} before serving")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"the app did not serve {url} within {seconds} s")
