"""The app served by `python -m dashboard serve` in a process of its own: one a test can freeze (SIGSTOP) while its
listening socket still accepts connections, as a hung server does."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A local TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def app_process(database_url: str, *flags: str, start_seconds: float = 60) -> Iterator[tuple[str, subprocess.Popen]]:
    """The base URL of the app over database_url in a child process, and the process; stopped on exit."""
    port = free_port()
    command = [sys.executable, "-m", "dashboard", "serve", "--database-url", database_url, "--port", str(port)]
    command += ["--anonymous", "--refresh-seconds", "0", *flags]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_serving(url, process, start_seconds)
        yield url, process
    finally:
        process.kill()  # also ends a stopped process
        process.wait(timeout=10)


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
