"""OpenID Connect sign-in (SERVICEMAP_AUTH=oidc) through Authlib, an optional extra: `pip install -e '.[oidc]'`.

A user without a session is sent to the provider (its discovery document at SERVICEMAP_OIDC_ISSUER); the callback
checks the id_token (signature against the provider's keys, issuer, audience, nonce) and gives servicemap's signed
session cookie (dashboard.sessions), so that no request afterwards talks to the provider. /_auth/logout ends it.
"""

import logging
from collections.abc import Callable
from typing import Any

import flask

from dashboard.logs import cause_of, log_event, new_error_id
from dashboard.sessions import Sessions

LOGIN, CALLBACK, LOGOUT = "_auth/login", "_auth/callback", "_auth/logout"
SESSION_MARK = "oidc"  # what a session is signed for: an OIDC session does not end with a password file's change
NAME_CLAIMS = ("preferred_username", "email", "sub")


def client_registry() -> Any:
    """Authlib's Flask integration; ValueError saying what to install when the extra is missing."""
    try:
        from authlib.integrations.flask_client import OAuth
    except ImportError:
        raise ValueError(
            "auth=oidc needs Authlib: install servicemap with its oidc extra, .venv/bin/pip install -e '.[oidc]'"
        ) from None
    return OAuth


def check_settings(issuer: str, client_id: str, client_secret: str) -> None:
    """Raise ValueError naming what is missing for OIDC sign-in."""
    client_registry()
    missing = [
        name
        for name, value in (
            ("SERVICEMAP_OIDC_ISSUER", issuer),
            ("SERVICEMAP_OIDC_CLIENT_ID", client_id),
            ("SERVICEMAP_OIDC_CLIENT_SECRET", client_secret),
        )
        if not value
    ]
    if missing:
        raise ValueError(f"auth=oidc needs {', '.join(missing)} (the issuer is its discovery URL or its base URL)")


def install(
    server: flask.Flask,
    prefix: str,
    sessions: Sessions,
    issuer: str,
    client_id: str,
    secret: str,
    over_https: Callable[[flask.Request], bool],
) -> None:
    """Add the login, callback and logout routes under prefix."""
    if not server.secret_key:
        server.secret_key = sessions.secret  # Authlib keeps the state and nonce of a login in Flask's session
    oauth = client_registry()(server)
    provider = oauth.register(
        "servicemap",
        client_id=client_id,
        client_secret=secret,
        server_metadata_url=_discovery_url(issuer),
        client_kwargs={"scope": "openid profile email"},
    )

    @server.route(f"{prefix}{LOGIN}", endpoint="servicemap_oidc_login")
    def login() -> flask.Response:
        flask.session["servicemap_next"] = _local(flask.request.args.get("next"), prefix)
        scheme = "https" if over_https(flask.request) else "http"  # behind a TLS proxy, the browser's scheme
        return provider.authorize_redirect(flask.url_for("servicemap_oidc_callback", _external=True, _scheme=scheme))

    @server.route(f"{prefix}{CALLBACK}", endpoint="servicemap_oidc_callback")
    def callback() -> flask.Response:
        from authlib.integrations.base_client.errors import OAuthError
        from joserfc.errors import JoseError

        try:
            token = provider.authorize_access_token()
        # A forged or replayed callback, a refused grant, an id_token that does not verify.
        except (OAuthError, JoseError) as error:
            error_id = new_error_id()
            log_event("sign_in_failed", level=logging.WARNING, via="oidc", error_id=error_id, cause=cause_of(error))
            return flask.Response(f"Sign-in failed (error id {error_id}); open servicemap again to retry.", 400)
        claims = token.get("userinfo") or {}
        name = next((str(claims[claim]) for claim in NAME_CLAIMS if claims.get(claim)), None)
        if name is None:
            return flask.Response("The identity provider named no user.", 403)
        log_event("signed_in", user=name, via="oidc")
        response = flask.redirect(flask.session.pop("servicemap_next", prefix))
        sessions.sign_in(response, name, SESSION_MARK, secure=over_https(flask.request))
        return response

    @server.route(f"{prefix}{LOGOUT}", endpoint="servicemap_oidc_logout")
    def logout() -> flask.Response:
        response = flask.make_response("Signed out of servicemap.", 200)
        sessions.sign_out(response)
        return response


def login_redirect(prefix: str) -> flask.Response:
    """Send a browser without a session to the login route, coming back to where it was."""
    target = flask.request.full_path if flask.request.query_string else flask.request.path
    return flask.redirect(f"{prefix}{LOGIN}?next={_quoted(target)}")


def _discovery_url(issuer: str) -> str:
    if issuer.endswith("/.well-known/openid-configuration"):
        return issuer
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def _local(target: str | None, prefix: str) -> str:
    """Only a path of this site: never an open redirect to another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return prefix
    return target


def _quoted(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")
