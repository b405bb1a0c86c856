"""Security headers on every response: a Content-Security-Policy without 'unsafe-eval' (Dash's one inline script is
allowed by its hash), framing limited to configured origins, no MIME sniffing, no referrer leaks.
"""

import flask
from dash import Dash

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


def content_security_policy(app: Dash, frame_ancestors: tuple[str, ...]) -> str:
    """The CSP for this app: its inline scripts' hashes, and who may frame it ('self' and the allowed origins)."""
    ancestors = " ".join(("'self'", *frame_ancestors))
    return "; ".join(_POLICY).format(hashes=" ".join(app.csp_hashes()), ancestors=ancestors)


def install(app: Dash, frame_ancestors: tuple[str, ...] = ()) -> None:
    """Add the headers to every response of the app's server."""
    policy: list[str] = []

    @app.server.after_request
    def add_headers(response: flask.Response) -> flask.Response:
        if not flask.request.path.startswith(app.config.routes_pathname_prefix):
            return response  # a host application's own pages set their own headers
        if not policy:  # the hashes are known once Dash has its config, i.e. at the first request
            policy.append(content_security_policy(app, frame_ancestors))
        response.headers["Content-Security-Policy"] = policy[0]
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if not frame_ancestors:
            response.headers["X-Frame-Options"] = "SAMEORIGIN"  # for browsers that predate frame-ancestors
        return response
