"""`servicemap serve`: the app served by gunicorn (gthread workers forked from a master that built the app and its
first snapshot), with dashboard/gunicorn_conf.py's settings and hooks; the flags override workers, threads, timeout."""

from dataclasses import dataclass

import flask
from gunicorn.app.base import BaseApplication

from dashboard import gunicorn_conf


@dataclass(frozen=True, slots=True)
class Workers:
    """How many processes and threads serve, and how long a silent worker lives."""

    workers: int = 2
    threads: int = 8
    timeout: int = gunicorn_conf.timeout  # serve: the CMDB's deadline + 60 s


class Gunicorn(BaseApplication):
    """gunicorn serving an app already built in this (master) process: workers share its first snapshot."""

    def __init__(self, server: flask.Flask, bind: str, workers: Workers) -> None:
        self._server = server
        self._options: dict[str, object] = {
            "bind": bind,
            "workers": workers.workers,
            "threads": workers.threads,
            "timeout": workers.timeout,
            "preload_app": True,
        }
        super().__init__()

    def load_config(self) -> None:
        """The shipped config's settings and hooks, then this command's options."""
        shipped = {key: value for key, value in vars(gunicorn_conf).items() if key in self.cfg.settings}
        for key, value in {**shipped, **self._options}.items():
            self.cfg.set(key, value)

    def load(self) -> flask.Flask:
        """The app built before gunicorn started."""
        return self._server


def serve(server: flask.Flask, host: str, port: int, workers: Workers) -> None:
    """Serve until stopped (Ctrl+C, SIGTERM)."""
    Gunicorn(server, _bind(host, port), workers).run()


def _bind(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
