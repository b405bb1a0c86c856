"""WSGI entry point: `gunicorn dashboard.wsgi:server` (settings from SERVICEMAP_* variables)."""

from dashboard.app import create_app

server = create_app().server
