"""Request guard: a forged or malformed callback request gets a 400 (a too large one 413), an unknown asset a 404,
never a traceback or a 500."""

import json
import logging

import flask
from dash import Dash
from dash.fingerprint import check_fingerprint
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound, RequestEntityTooLarge

from dashboard.logs import log_event, new_error_id

MAX_REQUEST_BYTES = 1_000_000  # also for bodies sent in chunks, without a Content-Length
MAX_JSON_DEPTH = 32  # a browser's callback request nests a handful of levels
CALLBACK_PATH = "_dash-update-component"
SUITES_PATH = "_dash-component-suites/"


def install(app: Dash) -> None:
    """Check every callback request against the registered callbacks before Dash sees it."""
    server = app.server
    prefix = app.config.routes_pathname_prefix

    @server.before_request
    def check_request() -> tuple[flask.Response, int] | None:
        path = flask.request.path
        if not path.startswith(prefix):
            return None  # a host application's own pages keep their own limits
        flask.request.max_content_length = MAX_REQUEST_BYTES  # Werkzeug answers 413 when a body goes past it
        if path.startswith(prefix + SUITES_PATH) and not is_registered_asset(
            app, path.removeprefix(prefix + SUITES_PATH)
        ):
            raise NotFound()
        if flask.request.method != "POST" or path != prefix + CALLBACK_PATH:
            return None
        try:
            problem = callback_request_problem(app.callback_map, read_json(flask.request))
        except RequestEntityTooLarge:
            return _rejected(f"the body is larger than {MAX_REQUEST_BYTES:,} bytes", 413)
        return None if problem is None else _rejected(problem, 400)

    @server.errorhandler(Exception)
    def hide_traceback(error: Exception) -> tuple[flask.Response, int] | HTTPException:
        if isinstance(error, HTTPException):
            return error
        if not is_ours(app):  # a host application's own pages keep its own error handling
            return InternalServerError(original_exception=error)
        error_id = new_error_id()
        log_event("server_error", level=logging.ERROR, error_id=error_id, cause=f"{type(error).__name__}: {error}")
        return flask.jsonify(error="internal error", error_id=error_id), 500


def _rejected(problem: str, status: int) -> tuple[flask.Response, int]:
    log_event("callback_rejected", level=logging.WARNING, reason=problem, remote=flask.request.remote_addr)
    return flask.jsonify(error="bad callback request", reason=problem), status


def read_json(request: flask.Request) -> object:
    """The request's JSON body; None when it is not JSON or nests deeper than MAX_JSON_DEPTH. Raises
    RequestEntityTooLarge for a body of MAX_REQUEST_BYTES or more."""
    # Werkzeug stops reading a streamed (chunked) body at max_content_length without a word: a body that fills the
    # limit may go on, and is refused.
    data = request.get_data(cache=True)
    if len(data) >= MAX_REQUEST_BYTES:
        raise RequestEntityTooLarge()
    try:
        body = json.loads(data)
    except (ValueError, RecursionError):
        return None
    return body if depth_at_most(body, MAX_JSON_DEPTH) else None


def depth_at_most(value: object, limit: int) -> bool:
    """True when lists and objects nest at most `limit` levels deep (walked without recursion)."""
    pending = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            if depth >= limit:
                return False
            pending.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return True


def is_registered_asset(app: Dash, fingerprinted_path: str) -> bool:
    """True when a component-suite path names a file Dash registered (it raises, i.e. 500, for any other)."""
    package, _, rest = fingerprinted_path.partition("/")
    path_in_package, _ = check_fingerprint(rest)
    return path_in_package in app.registered_paths.get(package, ())


def callback_request_problem(callback_map: dict, body: object) -> str | None:
    """Why a callback request body does not match any registered callback, or None when it does."""
    if not isinstance(body, dict):
        return "the body is not a JSON object (or nests too deep)"
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(item, str) for item in changed):
        return "changedPropIds is not a list of strings"
    output = body.get("output")
    if not isinstance(output, str) or output not in callback_map:
        return "unknown output"
    registered = callback_map[output]
    if "callback" not in registered:
        return "a browser-side callback"  # clientside callbacks run in the browser; the server has nothing to run
    if not _outputs_match(_outputs_of(body.get("outputs")), _outputs_in_key(output)):
        return "outputs do not match the callback"
    for part in ("inputs", "state"):
        sent = body.get(part, [])
        expected = registered.get(part, [])
        if not isinstance(sent, list) or len(sent) != len(expected):
            return f"{part} do not match the callback"
        for item, want in zip(sent, expected, strict=True):
            if not _matches(item, want):
                return f"{part} do not match the callback"
    return None


MAX_PATTERN_ITEMS = 100  # components one pattern-matching (ALL) input may list


def _matches(item: object, want: dict) -> bool:
    """True when a sent input or state is the registered one: the same id and property, or for a pattern-matching id
    (registered as its JSON text, e.g. the /health charts) a list of components whose ids fit the pattern (ALL), or
    the one component whose id fits it (MATCH: the /health change pairs' pager)."""
    if not want["id"].startswith("{"):
        return isinstance(item, dict) and (item.get("id"), item.get("property")) == (want["id"], want["property"])
    pattern = json.loads(want["id"])
    if MATCH in pattern.values():
        return isinstance(item, dict) and item.get("property") == want["property"] and _fits(item.get("id"), pattern)
    return (
        isinstance(item, list)
        and len(item) <= MAX_PATTERN_ITEMS
        and all(isinstance(one, dict) and one.get("property") == want["property"] for one in item)
        and all(_fits(one.get("id"), pattern) for one in item)
    )


def _fits(ident: object, pattern: dict) -> bool:
    """True when a component id has the pattern's keys, its fixed values, and a plain value where it has a wildcard."""
    if not isinstance(ident, dict) or set(ident) != set(pattern):
        return False
    for key, value in pattern.items():
        if isinstance(value, list):  # a wildcard (["ALL"]): any string or number
            if not isinstance(ident[key], str | int) or isinstance(ident[key], bool):
                return False
        elif ident[key] != value:
            return False
    return True


MATCH = ["MATCH"]  # the wildcard of a MATCH pattern id, as Dash registers it


def _outputs_match(sent: list[tuple[object, str]] | None, expected: list[tuple[str, str]]) -> bool:
    """True when the sent outputs are the callback's: the same ids, or for a pattern id (MATCH) one that fits it."""
    if sent is None or len(sent) != len(expected):
        return False
    for (ident, prop), (want, want_prop) in zip(sent, expected, strict=True):
        if prop != want_prop:
            return False
        if want.startswith("{"):
            pattern = json.loads(want)
            if MATCH not in pattern.values() or not _fits(ident, pattern):
                return False
        elif ident != want:
            return False
    return True


def _outputs_in_key(key: str) -> list[tuple[str, str]]:
    """(id, property) of each output named in a callback_map key ("..a.children...b.data@hash.." or "a.children")."""
    parts = [part.split("@")[0] for part in key.strip(".").split("...")]
    # A callback without outputs is registered under a bare hash: it names none.
    return [(ident, prop) for ident, prop in (part.rsplit(".", 1) for part in parts if "." in part)]


def _outputs_of(sent: object) -> list[tuple[str, str]] | None:
    items = sent if isinstance(sent, list) else [sent]
    if not all(isinstance(item, dict) for item in items):
        return None
    # Outputs that allow duplicates carry "@<hash>" after the property name; the key does not repeat it per part.
    return [(item.get("id"), str(item.get("property")).split("@")[0]) for item in items]


def is_ours(app: Dash) -> bool:
    """True when the current request is for servicemap, not for a Flask application it is mounted in."""
    return flask.request.path.startswith(app.config.routes_pathname_prefix)
