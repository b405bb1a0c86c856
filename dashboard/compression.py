"""Compressed responses (flask-compress): pages, callback answers and JavaScript go out as brotli or gzip.

Only servicemap's own routes are compressed (a host application decides for its pages). Streamed responses are left
alone, so that nothing that streams is held back until its end. The component suites (the JavaScript bundles, about
4 MB) never change while the process runs: each is compressed once per encoding and kept, so that a cold page load does
not cost ~200 ms of CPU. So is /health's plotly.js (dashboard/page_scripts.py).
"""

import flask
from dash import Dash
from dash.fingerprint import check_fingerprint
from flask_compress import Compress

from dashboard.page_scripts import PLOTLY_ROUTE

SUITES_PATH = "_dash-component-suites/"
MAX_KEPT = 256  # compressed suites kept; the guard admits registered files only, far fewer than this
# Browsers send "br" over HTTPS only; over plain HTTP they get gzip. No zstd: brotli is as small for these files.
ALGORITHMS = ("br", "gzip")


class SuitesCache:
    """flask-compress's cache backend, keeping only the component suites (keys that name one, see `key_of`)."""

    def __init__(self) -> None:
        self.kept: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        """The compressed bytes kept under key, if any."""
        return self.kept.get(key)

    def set(self, key: str, value: bytes) -> None:
        """Keep a suite's compressed bytes; anything else (its key part is empty) is not kept."""
        if not key.endswith(";") and key not in self.kept and len(self.kept) < MAX_KEPT:
            self.kept[key] = value


def install(app: Dash) -> None:
    """Compress the app's answers to clients that accept it."""
    server = app.server
    prefix = app.config.routes_pathname_prefix
    suites = prefix + SUITES_PATH
    for name, value in (
        ("COMPRESS_ALGORITHM", list(ALGORITHMS)),
        ("COMPRESS_STREAMS", False),
        ("COMPRESS_REGISTER", False),
        ("COMPRESS_CACHE_BACKEND", SuitesCache),
        ("COMPRESS_CACHE_KEY", lambda request: key_of(request, suites, (prefix + PLOTLY_ROUTE,))),
    ):
        server.config.setdefault(name, value)
    compress = Compress(server)
    server.extensions["servicemap_compress"] = compress

    @server.after_request
    def compressed(response: flask.Response) -> flask.Response:
        if not flask.request.path.startswith(prefix):
            return response
        return compress.after_request(response)


def key_of(request: flask.Request, suites: str, unchanging: tuple[str, ...] = ()) -> str:
    """The cache key of a component suite: its file without the fingerprint (a fingerprint is a version, and each
    version of a file has the same content while the process runs); the path of an `unchanging` file; "" for any
    other answer (never kept)."""
    if request.method == "GET" and request.path in unchanging:
        return request.path
    if request.method != "GET" or not request.path.startswith(suites):
        return ""
    path, _ = check_fingerprint(request.path.removeprefix(suites))
    return path
