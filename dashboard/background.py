"""The threads of a serving process: the snapshot's refresh and the views' warm-up, started once per process.

`create_app(..., start_threads=False)` builds the app and loads its first snapshot without leaving a thread running,
so that a gunicorn master may build it before forking (`--preload`): a fork copies no lock that a thread of the
master holds, and every worker starts threads of its own (gunicorn_conf.post_worker_init, or its first request) and
refreshes its snapshot by itself from then on.
"""

import os
import threading

import flask

from dashboard.services import Services

EXTENSION = "servicemap_background"


class Background:
    """Starts a process's background work exactly once, in whichever process it is asked from first."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._lock = threading.Lock()
        self._pid: int | None = None

    @property
    def started(self) -> bool:
        """True when this process's background work runs."""
        return self._pid == os.getpid()

    def ensure_started(self) -> bool:
        """Start the refresh thread and the views' warm-up unless this process did; True when it started them now."""
        if self.started:
            return False
        with self._lock:
            if self.started:
                return False
            self._start()
            self._pid = os.getpid()
            return True

    def _start(self) -> None:
        store, views = self._services.store, self._services.views
        refresh = self._services.settings.refresh_seconds
        if refresh > 0:
            store.start(refresh)  # a worker forked from a preloaded master refreshes on its own from here on
        if store.snapshot is not None:
            views.of(store.snapshot)  # starts computing health, overlays and search in the background


def install(server: flask.Flask, background: Background) -> None:
    """Keep `background` on the server and start it on the first request of any process that has not yet."""
    server.extensions[EXTENSION] = background

    @server.before_request
    def start_background() -> None:
        background.ensure_started()


def of(server: object) -> Background | None:
    """The Background of a servicemap server (a Flask app), None for anything else."""
    extensions = getattr(server, "extensions", None)
    return extensions.get(EXTENSION) if isinstance(extensions, dict) else None
