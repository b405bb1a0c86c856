"""The read-only JSON API under `<prefix>api/v1/`, behind the pages' sign-in, from the pages' view models.

Every input is untrusted (the pages' parsers and bounds); every answer is JSON, errors included ({"error", "status"}),
never a traceback. GET answers carry a strong ETag of their body: a client that sends it back in If-None-Match gets
a 304 while nothing changed. docs/api.md has curl examples; /api/v1/openapi.json describes every answer.
"""

import hashlib
import json
import logging
from collections.abc import Callable
from urllib.parse import urlencode

import flask
from dash import Dash
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from dashboard import api_views
from dashboard.cmdb.derived import Derived
from dashboard.domain.untrusted import MAX_QUERY, text, whole_number
from dashboard.domain.whatif_query import parse_query
from dashboard.guard import MAX_REQUEST_BYTES, depth_at_most
from dashboard.logs import log_event, new_error_id
from dashboard.openapi import document
from dashboard.services import Services

API_PATH = "api/v1/"
MAX_WHATIF_BYTES = 64_000
WHATIF_FIELDS = ("fail", "in", "site")
LOG = logging.getLogger(__name__)


class Refused(Exception):
    """An answer that is an error: its HTTP status and sentence."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def install(app: Dash, services: Services) -> None:
    """Add the API's routes under the app's prefix (the sign-in of dashboard/auth.py covers them)."""
    base = f"{app.config.routes_pathname_prefix}{API_PATH}"
    shown = f"{app.config.requests_pathname_prefix}{API_PATH}"
    budget = services.settings.map_budget

    def route(path: str, name: str, answer: Callable[..., tuple[str, object]], methods: tuple = ("GET",)) -> None:
        def endpoint(**kwargs: str) -> flask.Response:
            return _answered(services, lambda derived: answer(derived, **kwargs))

        app.server.add_url_rule(f"{base}{path}", f"servicemap_api_{name}", endpoint, methods=list(methods))

    route("services", "services", lambda d: ("services", d.kept("api:services", lambda: api_views.services_answer(d))))
    route("cis/<ci_id>", "ci", lambda d, ci_id: ("ci", api_views.ci_answer(d, _position(d, ci_id))))
    route("cis/<ci_id>/impact", "impact", lambda d, ci_id: ("impact", _found(api_views.impact_answer(
        d, _ci_id(ci_id), budget))))  # fmt: skip
    route("map", "map", lambda d: ("map", _found(api_views.map_answer(d, _query(), budget))))
    route("search", "search", lambda d: ("matches", api_views.search_answer(d, _search_text())))
    route("whatif", "whatif", lambda d: ("whatif", api_views.whatif_answer(d, parse_query(_whatif_query()))),
          ("POST",))  # fmt: skip

    @app.server.route(f"{base}openapi.json", endpoint="servicemap_api_openapi")
    def openapi() -> flask.Response:
        return _json(document(shown.rstrip("/")), 200, conditional=True)

    @app.server.route(f"{base}<path:_rest>", endpoint="servicemap_api_unknown", methods=["GET", "POST"])
    def unknown(_rest: str) -> flask.Response:
        return _error(404, "no such API path: see openapi.json")


def _answered(services: Services, answer: Callable[[Derived], tuple[str, object]]) -> flask.Response:
    derived = services.current()
    if derived is None:
        return _error(503, "the CMDB has not been read yet")
    try:
        key, body = answer(derived)
    except Refused as refused:
        return _error(refused.status, str(refused))
    except RequestEntityTooLarge:
        return _error(413, f"the body is larger than {MAX_WHATIF_BYTES:,} bytes")
    except Exception:  # a bug must not show a traceback: log it with an id the answer gives
        error_id = new_error_id()
        LOG.exception("API request failed (error %s)", error_id)
        log_event("api_failed", level=logging.ERROR, error_id=error_id, path=flask.request.path)
        return _error(500, f"the server could not answer (error {error_id}; the server log has the details)")
    snapshot = api_views.snapshot_info(derived, services.store.status)
    return _json({"snapshot": snapshot, key: body}, 200, conditional=flask.request.method == "GET")


def _json(body: object, status: int, *, conditional: bool = False) -> flask.Response:
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
    response = flask.Response(data, status, mimetype="application/json")
    # Kept by the client only to revalidate it (the ETag makes that cheap); never by a shared cache.
    response.cache_control.private = True
    response.cache_control.no_cache = True
    response.cache_control.max_age = 0
    if conditional:
        response.set_etag(hashlib.sha256(data).hexdigest()[:32])
        response.make_conditional(flask.request)
    return response


def _error(status: int, message: str) -> flask.Response:
    return _json({"error": message, "status": status}, status)


def _ci_id(raw: str) -> int:
    ci_id = whole_number(raw.removeprefix("#"))
    if ci_id is None:
        raise Refused(400, "a CI id is a whole number")
    return ci_id


def _position(derived: Derived, raw: str) -> int:
    position = derived.snapshot.index.position(_ci_id(raw))
    if position is None:
        raise Refused(404, "no CI with that id in the CMDB")
    return position


def _found(answer: dict | None) -> dict:
    if answer is None:
        raise Refused(404, "no CI with that id in the CMDB")
    return answer


def _query() -> str:
    """The request's query string, bounded like a page's URL; a map needs its root."""
    raw = flask.request.query_string.decode("utf-8", "replace")
    if len(raw) > MAX_QUERY:
        raise Refused(400, f"the query string is longer than {MAX_QUERY:,} characters")
    if whole_number(flask.request.args.get("root", "")) is None:
        raise Refused(400, "root= names the CI the map is centred on (a whole number)")
    return raw


def _search_text() -> str:
    typed = text(flask.request.args.get("q", ""), 200).strip()
    if not typed:
        raise Refused(400, "q= is what to look for: a name's start, 712 or #712")
    return typed


def _whatif_query() -> str:
    """The POSTed choices as the what-if page's query string, so that its parser and bounds apply."""
    flask.request.max_content_length = min(MAX_WHATIF_BYTES, MAX_REQUEST_BYTES)
    try:
        body = json.loads(flask.request.get_data(cache=False) or b"null")
    except (ValueError, UnicodeDecodeError, BadRequest) as error:
        raise Refused(400, "the body is not JSON") from error
    if not isinstance(body, dict) or not depth_at_most(body, 4) or set(body) - set(WHATIF_FIELDS):
        raise Refused(400, f"the body is an object with lists named {', '.join(WHATIF_FIELDS)}")
    pairs: list[tuple[str, str]] = []
    for field in WHATIF_FIELDS:
        values = body.get(field, [])
        if not isinstance(values, list) or not all(_plain(v, field) for v in values):
            raise Refused(400, f"{field} is a list of {'site names' if field == 'site' else 'CI ids'}")
        if field == "site":
            pairs += [("site", str(v)) for v in values]
        elif values:
            pairs.append((field, ",".join(str(v) for v in values)))
    return urlencode(pairs)


def _plain(value: object, field: str) -> bool:
    if field == "site":
        return isinstance(value, str)
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
