"""gunicorn settings for servicemap: `gunicorn -c python:dashboard.gunicorn_conf dashboard.wsgi:server` (with or
without --preload); `servicemap serve` uses them too. Settings of servicemap come from SERVICEMAP_* variables.

Safe with --preload: the app and its first snapshot are built in the master without a thread left running
(dashboard.wsgi), so a fork copies no held lock; each worker then starts its own refresh thread and the views'
warm-up (post_worker_init), and refreshes its snapshot on its own. Every worker sends servicemap's events to stderr.
"""

import logging
import os
import threading

from dashboard import background, logs

bind = f"{os.environ.get('SERVICEMAP_HOST') or '127.0.0.1'}:{os.environ.get('SERVICEMAP_PORT') or '8050'}"
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2)
threads = 8
# A worker that builds its app itself (no --preload) loads the first snapshot while booting, and gunicorn kills a
# worker silent for longer than this: a minute more than the CMDB's deadline (a first load returns by then, stale if
# the CMDB did not answer), far more than a million CIs take (docs/benchmarks.md: ~3 s). A gthread worker's heartbeat
# does not wait for its requests, so this bounds booting and hanging, never a slow request.
timeout = int(float(os.environ.get("SERVICEMAP_CMDB_DEADLINE_SECONDS") or 120)) + 60
graceful_timeout = 30
# A wall asks every 5 to 60 s: a connection kept open that long (gthread keeps idle ones in its poller, not in a thread)
# spares it a new connection per refresh, and the race of reusing one the server is just closing (gunicorn's 2 s).
keepalive = 75
# gunicorn's control socket sits at one path per user ($HOME/.gunicorn/gunicorn.ctl): a second servicemap on the same
# host would take it over, and nothing of servicemap uses it.
control_socket_disable = True


def on_starting(server: object) -> None:
    """The master's events go to stderr too."""
    logs.configure()


def pre_fork(server: object, worker: object) -> None:
    """Say so when a thread runs in the master at fork time: a lock it holds would stay held in the worker."""
    others = [thread.name for thread in threading.enumerate() if thread is not threading.main_thread()]
    if others:
        logs.log_event("threads_at_fork", level=logging.WARNING, threads=others)


def post_fork(server: object, worker: object) -> None:
    """Every worker logs servicemap's events (INFO and up) to stderr."""
    logs.configure()


def post_worker_init(worker: object) -> None:
    """Start this worker's own snapshot refresh and views' warm-up, now that its app is loaded."""
    work = background.of(getattr(worker, "wsgi", None))
    if work is not None:
        work.ensure_started()
