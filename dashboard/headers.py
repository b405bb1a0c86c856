"""Security headers on every response: a Content-Security-Policy without 'unsafe-eval' (Dash's one inline script is
allowed by its hash), framing limited to configured origins, no MIME sniffing, no referrer leaks; pages and callback
answers are never cached, and no software version is named.
"""

import base64
import hashlib

import flask
from dash import Dash
from werkzeug.serving import WSGIRequestHandler

SERVER_NAME = "servicemap"

# Dash components insert <style> elements at run time, so styles need 'unsafe-inline'; scripts never do.
_POLICY = (
    "default-src 'self'",
    "script-src 'self' {hashes}",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors {ancestors}",
)


def content_security_policy(app: Dash, frame_ancestors: tuple[str, ...], scripts: tuple[str, ...] = ()) -> str:
    """The CSP for this app: its inline scripts' hashes (and those of `scripts`, the inline scripts of a page of our
    own such as /report), and who may frame it ('self' and the allowed origins)."""
    ancestors = " ".join(("'self'", *frame_ancestors))
    hashes = (*app.csp_hashes(), *(script_hash(s) for s in scripts))
    return "; ".join(_POLICY).format(hashes=" ".join(hashes), ancestors=ancestors)


def script_hash(script: str) -> str:
    """The CSP source that allows one inline script: 'sha256-…' of its text."""
    return f"'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"


def install(app: Dash, frame_ancestors: tuple[str, ...] = ()) -> None:
    """Add the headers to every response of the app's server."""
    policy: list[str] = []

    @app.server.after_request
    def add_headers(response: flask.Response) -> flask.Response:
        if not flask.request.path.startswith(app.config.routes_pathname_prefix):
            return response  # a host application's own pages set their own headers
        if not policy:  # the hashes are known once Dash has its config, i.e. at the first request
            policy.append(content_security_policy(app, frame_ancestors))
        if "Content-Security-Policy" not in response.headers:  # a page of our own may have set a stricter one
            response.headers["Content-Security-Policy"] = policy[0]
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if not frame_ancestors:
            response.headers["X-Frame-Options"] = "SAMEORIGIN"  # for browsers that predate frame-ancestors
        if may_not_be_stored(response):
            response.headers["Cache-Control"] = "no-store"
        return response


def may_not_be_stored(response: flask.Response) -> bool:
    """True for pages and data (HTML, JSON: layouts, callback answers, health) that carry no caching rule of their own;
    fingerprinted component suites come with a year's max-age and keep it."""
    has_rule = response.cache_control.max_age is not None or response.cache_control.no_store
    return not has_rule and response.mimetype in ("text/html", "application/json")


class RequestHandler(WSGIRequestHandler):
    """The development server's handler, without Werkzeug's and Python's versions in the Server header."""

    def version_string(self) -> str:
        return SERVER_NAME
