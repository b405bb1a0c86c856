"""Who may look: a user named by a trusted reverse proxy, HTTP basic against a password file, or anonymous read-only
access when the settings allow it (the demo does; `serve` does not unless told to).

HTTP basic checks a password once: a browser then carries a signed session cookie (dashboard.sessions), other clients
meet a short cache of verified credentials (dashboard.passwords); failed sign-ins are limited per client address and
per user name (dashboard.throttle).

A user header is believed only from the configured proxy addresses: the same header sent straight to servicemap is
ignored, so that nobody can name themselves.
"""

import ipaddress
import logging
from dataclasses import dataclass
from pathlib import Path

import flask
from dash import Dash

from dashboard import oidc, throttle
from dashboard.logs import log_event
from dashboard.passwords import PasswordCheck, PasswordFile
from dashboard.sessions import Sessions, secret_key
from dashboard.settings import Settings

MODES = ("none", "proxy", "basic", "oidc")
MAX_USER = 128


@dataclass(frozen=True, slots=True)
class AuthPolicy:
    """How a request proves who it comes from."""

    mode: str = "none"
    anonymous: bool = False
    proxy_header: str = "X-Forwarded-User"
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    passwords: PasswordCheck | None = None  # basic: the password file and its checks
    sessions: Sessions | None = None  # basic: the session cookie of a verified user

    def user(self, request: flask.Request) -> str | None:
        """The signed-in user of a request, or None."""
        if self.mode == "proxy":
            return self._proxy_user(request)
        if self.mode == "basic":
            return self._basic_user(request)
        if self.mode == "oidc" and self.sessions is not None:
            return self.sessions.user(request, lambda _name: oidc.SESSION_MARK)
        return None

    def _proxy_user(self, request: flask.Request) -> str | None:
        name = request.headers.get(self.proxy_header, "").strip()
        if not name:
            return None
        if not self._from_trusted_proxy(request.remote_addr):
            log_event(
                "user_header_ignored", level=logging.WARNING, remote=request.remote_addr, header=self.proxy_header
            )
            return None
        return name[:MAX_USER]

    def client_address(self, request: flask.Request) -> str:
        """The client's address: the one a trusted proxy names (the last X-Forwarded-For entry), else the peer's."""
        if self._from_trusted_proxy(request.remote_addr):
            forwarded = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
            if forwarded:
                return forwarded
        return request.remote_addr or "unknown"

    def over_https(self, request: flask.Request) -> bool:
        """True when the browser speaks https: to servicemap, or to a trusted proxy that says so."""
        if request.is_secure:
            return True
        proto = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
        return proto == "https" and self._from_trusted_proxy(request.remote_addr)

    def _from_trusted_proxy(self, address: str | None) -> bool:
        try:
            ip = ipaddress.ip_address(address or "")
        except ValueError:
            return False
        return any(ip in network for network in self.trusted_proxies)

    def _basic_user(self, request: flask.Request) -> str | None:
        if self.passwords is None or self.sessions is None:
            return None
        name = self.sessions.user(request, self.passwords.passwords.hash_of)
        if name is not None:
            return name[:MAX_USER]
        credentials = request.authorization
        if credentials is None or credentials.type != "basic" or not credentials.username:
            return None
        stored = self.passwords.verify(credentials.username, credentials.password or "")
        if stored is None:
            flask.g.servicemap_signin_failed = True
            remote = self.client_address(request)
            log_event("sign_in_failed", level=logging.WARNING, remote=remote, user=credentials.username[:MAX_USER])
            return None
        flask.g.servicemap_signed_in = (credentials.username, stored)
        return credentials.username[:MAX_USER]


def policy_from(settings: Settings) -> AuthPolicy:
    """The policy the settings describe; raises ValueError with what to fix when they do not add up."""
    mode, anonymous = settings.auth, settings.anonymous
    if mode not in MODES:
        raise ValueError(f"auth must be one of {', '.join(MODES)}, not {mode!r}")
    if mode == "none" and not anonymous:
        raise ValueError(
            "no way to sign in: set SERVICEMAP_AUTH=proxy (with SERVICEMAP_TRUSTED_PROXIES), basic (with "
            "SERVICEMAP_BASIC_USERS_FILE) or oidc (with SERVICEMAP_OIDC_ISSUER), or SERVICEMAP_ANONYMOUS=1 for "
            "anonymous read-only access"
        )
    proxies = settings.trusted_proxies.replace(",", " ").split()
    networks = tuple(ipaddress.ip_network(p, strict=False) for p in proxies)
    if mode == "proxy" and not networks:
        raise ValueError("auth=proxy needs SERVICEMAP_TRUSTED_PROXIES: the addresses the user header may come from")
    header = settings.proxy_user_header
    if mode not in ("basic", "oidc"):
        return AuthPolicy(mode, anonymous, header, networks)
    if mode == "oidc":
        oidc.check_settings(settings.oidc_issuer, settings.oidc_client_id, settings.oidc_client_secret)
    passwords = PasswordCheck(PasswordFile(Path(settings.basic_users_file))) if mode == "basic" else None
    sessions = Sessions(secret_key(settings.secret_key), settings.url_prefix)
    return AuthPolicy(mode, anonymous, header, networks, passwords, sessions)


def install(app: Dash, policy: AuthPolicy, settings: Settings) -> None:
    """Refuse servicemap's pages and callbacks to requests without a user, unless anonymous access is allowed."""
    prefix = app.config.routes_pathname_prefix
    app.server.extensions["servicemap_auth"] = policy
    if policy.mode == "basic":
        # Before the check below: a limited client costs no hash.
        throttle.install(app.server, prefix, settings.redis_url, policy.client_address)
    if policy.mode == "oidc" and policy.sessions is not None:
        issuer, client_id, secret = settings.oidc_issuer, settings.oidc_client_id, settings.oidc_client_secret
        oidc.install(app.server, prefix, policy.sessions, issuer, client_id, secret, policy.over_https)

    callbacks = prefix + "_dash-"
    api = prefix + "api/"

    @app.server.before_request
    def require_user() -> flask.Response | None:
        if not flask.request.path.startswith(prefix) or flask.request.path.startswith(prefix + "_auth/"):
            return None
        user = policy.user(flask.request)
        flask.g.servicemap_user = user
        if user is not None or policy.anonymous:
            return None
        if policy.mode == "basic":
            return flask.Response(
                "Sign in to see servicemap.", 401, {"WWW-Authenticate": 'Basic realm="servicemap", charset="UTF-8"'}
            )
        if flask.request.path.startswith(api):  # a script is not sent to a login page: it is told, in JSON
            return flask.Response('{"error":"sign in first","status":401}', 401, mimetype="application/json")
        if policy.mode == "oidc" and flask.request.method == "GET" and not flask.request.path.startswith(callbacks):
            return oidc.login_redirect(app.config.requests_pathname_prefix)
        return flask.Response("Sign in through the portal to see servicemap.", 401)

    @app.server.after_request
    def keep_signed_in(response: flask.Response) -> flask.Response:
        signed_in_now = flask.g.pop("servicemap_signed_in", None)
        if signed_in_now is not None and policy.sessions is not None:
            policy.sessions.sign_in(response, *signed_in_now, secure=policy.over_https(flask.request))
        return response


HIDDEN_CAUSE = "the server log has the details"


def signed_in() -> bool:
    """True when the current request names a user (anonymous viewers are not signed in)."""
    return flask.g.get("servicemap_user") is not None


def cause_for_viewer(cause: str | None, *, public: bool = False) -> str | None:
    """What the current viewer may see of an error's cause: signed-in users the driver's text (URLs in it are
    redacted), anonymous viewers only a sentence: the log has the cause under the error id shown next to it. A
    `public` cause is servicemap's own sentence ("the CMDB has not answered for 2 min"): everyone sees it."""
    if cause is None or public or signed_in():
        return cause
    return HIDDEN_CAUSE


def source_for_viewer(source: str) -> str | None:
    """The (redacted) database URL for signed-in users; None for anonymous viewers."""
    return source if signed_in() else None
