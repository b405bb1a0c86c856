"""WSGI entry point: `gunicorn -c python:dashboard.gunicorn_conf dashboard.wsgi:server` (settings from SERVICEMAP_*
variables). The app is built without threads, so that a gunicorn master may build it before forking (--preload);
each worker starts its own refresh (gunicorn_conf.post_worker_init, or its first request)."""

from dashboard import logs
from dashboard.app import create_app

logs.configure()
server = create_app(start_threads=False).server
