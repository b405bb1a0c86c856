"""servicemap's own session cookie: signed (itsdangerous) with a secret shared by every worker, HttpOnly,
SameSite=Lax, Secure on https, valid for SESSION_HOURS and only while the user's password hash is unchanged.

The secret is SERVICEMAP_SECRET_KEY when set; otherwise one is generated once and kept in $SERVICEMAP_HOME/secret_key
(mode 0600), so that every worker, and the next start, signs with the same one.
"""

import hashlib
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import flask
from itsdangerous import BadSignature, URLSafeTimedSerializer

from dashboard.settings import data_home

COOKIE = "servicemap_session"
SESSION_HOURS = 12
SECRET_FILE = "secret_key"


def secret_key(configured: str = "") -> str:
    """The configured secret, else the one kept in servicemap's home (created, 0600, on first use)."""
    if configured:
        return configured
    path = data_home() / SECRET_FILE
    if not path.exists():
        _create_secret(path)
    return path.read_text(encoding="utf-8").strip()


def _create_secret(path: Path) -> None:
    """Write a new secret unless another process just did (O_EXCL: the first one wins, the others read it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(secrets.token_urlsafe(48))


@dataclass(frozen=True, slots=True)
class Sessions:
    """Signs and reads the session cookie of a signed-in user."""

    secret: str
    path: str = "/"
    hours: float = SESSION_HOURS

    @property
    def _signer(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret, salt="servicemap-session")

    def user(self, request: flask.Request, hash_of: Callable[[str], str | None]) -> str | None:
        """The user the request's cookie names, if it is valid, recent and signed for the user's current hash."""
        token = request.cookies.get(COOKIE)
        if not token:
            return None
        try:
            name, mark = self._signer.loads(token, max_age=int(self.hours * 3600))
        except (BadSignature, ValueError, TypeError):
            return None
        stored = hash_of(name) if isinstance(name, str) else None
        if stored is None or mark != _mark(stored):
            return None
        return name

    def sign_in(self, response: flask.Response, name: str, stored: str, secure: bool) -> None:
        """Give the response a cookie that signs `name` in until it expires or the hash changes."""
        token = self._signer.dumps([name, _mark(stored)])
        max_age = int(self.hours * 3600)
        response.set_cookie(
            COOKIE, token, max_age=max_age, path=self.path, secure=secure, httponly=True, samesite="Lax"
        )

    def sign_out(self, response: flask.Response) -> None:
        """Remove the cookie."""
        response.delete_cookie(COOKIE, path=self.path, httponly=True, samesite="Lax")


def _mark(stored: str) -> str:
    """A short digest of the stored hash: a new password ends the sessions of the old one."""
    return hashlib.sha256(stored.encode()).hexdigest()[:16]
