"""Who may look: a user named by a trusted reverse proxy, HTTP basic against a password file, or anonymous read-only
access when the settings allow it (the demo does; `serve` does not unless told to).

A user header is believed only from the configured proxy addresses: the same header sent straight to servicemap is
ignored, so that nobody can name themselves.
"""

import ipaddress
import logging
from dataclasses import dataclass
from pathlib import Path

import flask
from dash import Dash
from werkzeug.security import check_password_hash

from dashboard.logs import log_event

MODES = ("none", "proxy", "basic")
MAX_USER = 128


@dataclass(frozen=True, slots=True)
class AuthPolicy:
    """How a request proves who it comes from."""

    mode: str = "none"
    anonymous: bool = False
    proxy_header: str = "X-Forwarded-User"
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    users: dict[str, str] | None = None  # basic: user name → werkzeug password hash

    def user(self, request: flask.Request) -> str | None:
        """The signed-in user of a request, or None."""
        if self.mode == "proxy":
            return self._proxy_user(request)
        if self.mode == "basic":
            return self._basic_user(request)
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

    def _from_trusted_proxy(self, address: str | None) -> bool:
        try:
            ip = ipaddress.ip_address(address or "")
        except ValueError:
            return False
        return any(ip in network for network in self.trusted_proxies)

    def _basic_user(self, request: flask.Request) -> str | None:
        credentials = request.authorization
        if credentials is None or credentials.type != "basic" or not credentials.username:
            return None
        stored = (self.users or {}).get(credentials.username)
        if stored is None or not check_password_hash(stored, credentials.password or ""):
            return None
        return credentials.username[:MAX_USER]


def policy_from(mode: str, anonymous: bool, header: str, proxies: str, users_file: str) -> AuthPolicy:
    """The policy the settings describe; raises ValueError with what to fix when they do not add up."""
    if mode not in MODES:
        raise ValueError(f"auth must be one of {', '.join(MODES)}, not {mode!r}")
    if mode == "none" and not anonymous:
        raise ValueError(
            "no way to sign in: set SERVICEMAP_AUTH=proxy (with SERVICEMAP_TRUSTED_PROXIES) or basic (with "
            "SERVICEMAP_BASIC_USERS_FILE), or SERVICEMAP_ANONYMOUS=1 for anonymous read-only access"
        )
    networks = tuple(ipaddress.ip_network(p, strict=False) for p in proxies.replace(",", " ").split())
    if mode == "proxy" and not networks:
        raise ValueError("auth=proxy needs SERVICEMAP_TRUSTED_PROXIES: the addresses the user header may come from")
    users = _users(Path(users_file)) if mode == "basic" else None
    return AuthPolicy(mode, anonymous, header, networks, users)


def _users(path: Path) -> dict[str, str]:
    """`name:hash` lines (hashes from werkzeug.security.generate_password_hash); # starts a comment."""
    if not path.is_file():
        raise ValueError(f"auth=basic needs SERVICEMAP_BASIC_USERS_FILE, a file of name:hash lines (not {path})")
    users = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, hashed = line.partition(":")
            users[name.strip()] = hashed.strip()
    return users


def install(app: Dash, policy: AuthPolicy) -> None:
    """Refuse servicemap's pages and callbacks to requests without a user, unless anonymous access is allowed."""
    prefix = app.config.routes_pathname_prefix

    @app.server.before_request
    def require_user() -> flask.Response | None:
        if not flask.request.path.startswith(prefix):
            return None
        user = policy.user(flask.request)
        flask.g.servicemap_user = user
        if user is not None or policy.anonymous:
            return None
        if policy.mode == "basic":
            return flask.Response(
                "Sign in to see servicemap.", 401, {"WWW-Authenticate": 'Basic realm="servicemap", charset="UTF-8"'}
            )
        return flask.Response("Sign in through the portal to see servicemap.", 401)


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
