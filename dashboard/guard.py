"""Request guard: a forged or malformed callback request gets a 400, never a traceback or a 500."""

import logging

import flask
from dash import Dash
from werkzeug.exceptions import HTTPException, InternalServerError

from dashboard.logs import log_event, new_error_id

MAX_REQUEST_BYTES = 1_000_000
CALLBACK_PATH = "_dash-update-component"


def install(app: Dash) -> None:
    """Check every callback request against the registered callbacks before Dash sees it."""
    server = app.server
    callback_path = app.config.routes_pathname_prefix + CALLBACK_PATH

    @server.before_request
    def check_callback_request() -> tuple[flask.Response, int] | None:
        if flask.request.method != "POST" or flask.request.path != callback_path:
            return None
        if (flask.request.content_length or 0) > MAX_REQUEST_BYTES:
            problem = f"the body is larger than {MAX_REQUEST_BYTES:,} bytes"
        else:
            problem = callback_request_problem(app.callback_map, flask.request.get_json(silent=True))
        if problem is None:
            return None
        log_event("callback_rejected", level=logging.WARNING, reason=problem, remote=flask.request.remote_addr)
        return flask.jsonify(error="bad callback request", reason=problem), 400

    @server.errorhandler(Exception)
    def hide_traceback(error: Exception) -> tuple[flask.Response, int] | HTTPException:
        if isinstance(error, HTTPException):
            return error
        if not is_ours(app):  # a host application's own pages keep its own error handling
            return InternalServerError(original_exception=error)
        error_id = new_error_id()
        log_event("server_error", level=logging.ERROR, error_id=error_id, cause=f"{type(error).__name__}: {error}")
        return flask.jsonify(error="internal error", error_id=error_id), 500


def callback_request_problem(callback_map: dict, body: object) -> str | None:
    """Why a callback request body does not match any registered callback, or None when it does."""
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    output = body.get("output")
    if not isinstance(output, str) or output not in callback_map:
        return "unknown output"
    if _outputs_of(body.get("outputs")) != _outputs_in_key(output):
        return "outputs do not match the callback"
    registered = callback_map[output]
    if "callback" not in registered:
        return "a browser-side callback"  # clientside callbacks run in the browser; the server has nothing to run
    for part in ("inputs", "state"):
        sent = body.get(part, [])
        expected = registered.get(part, [])
        if not isinstance(sent, list) or len(sent) != len(expected):
            return f"{part} do not match the callback"
        for item, want in zip(sent, expected, strict=True):
            if not isinstance(item, dict) or (item.get("id"), item.get("property")) != (want["id"], want["property"]):
                return f"{part} do not match the callback"
    return None


def _outputs_in_key(key: str) -> list[tuple[str, str]]:
    """(id, property) of each output named in a callback_map key ("..a.children...b.data@hash.." or "a.children")."""
    parts = key.strip(".").split("...")
    return [tuple(part.split("@")[0].rsplit(".", 1)) for part in parts]


def _outputs_of(sent: object) -> list[tuple[str, str]] | None:
    items = sent if isinstance(sent, list) else [sent]
    if not all(isinstance(item, dict) for item in items):
        return None
    # Outputs that allow duplicates carry "@<hash>" after the property name; the key does not repeat it per part.
    return [(item.get("id"), str(item.get("property")).split("@")[0]) for item in items]


def is_ours(app: Dash) -> bool:
    """True when the current request is for servicemap, not for a Flask application it is mounted in."""
    return flask.request.path.startswith(app.config.routes_pathname_prefix)
