"""The password file of HTTP basic sign-in, and checking a password against it at a bounded cost.

A password hash (scrypt) costs ~0.2 s of CPU by design; checking one on every request of every wall would queue them
all. So a verified password is checked once: the browser gets a signed session cookie (dashboard.sessions), and a
client that sends Authorization on every request without cookies meets a short cache of verified credentials. An
unknown user costs the same one hash as a known one (against a dummy hash of the same method), so the answer's time
does not tell who exists.
"""

import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

CACHE_SECONDS = 60.0
CACHE_SIZE = 1024


class PasswordFile:
    """`name:hash` lines (hashes from werkzeug.security.generate_password_hash); # starts a comment. Read again when
    the file changes, so that a new hash takes effect (and ends the sessions signed for the old one) without a
    restart."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise ValueError(f"auth=basic needs SERVICEMAP_BASIC_USERS_FILE, a file of name:hash lines (not {path})")
        self._path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._users: dict[str, str] = {}
        self.users()

    def users(self) -> dict[str, str]:
        """User name → hash, as the file says now (one stat per call)."""
        try:
            info = self._path.stat()
            stamp = (info.st_mtime_ns, info.st_size)
        except OSError:
            return self._users  # a file being replaced: the last one read
        if stamp != self._stamp:
            with self._lock:
                if stamp != self._stamp:
                    self._users = _parse(self._path.read_text(encoding="utf-8"))
                    self._stamp = stamp
        return self._users

    def hash_of(self, name: str) -> str | None:
        """The stored hash of a user, None for a user the file does not name."""
        return self.users().get(name)


def _parse(text: str) -> dict[str, str]:
    users = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, hashed = line.partition(":")
            users[name.strip()] = hashed.strip()
    return users


class PasswordCheck:
    """Checks a user's password: at most one hash per (user, password, stored hash) a minute, one for unknown users."""

    def __init__(self, passwords: PasswordFile) -> None:
        self.passwords = passwords
        self.hashes_checked = 0  # how many password hashes were computed: what a sign-in costs, for the tests
        self._dummy = generate_password_hash(secrets.token_urlsafe(16), method=_method_of(passwords.users()))
        self._verified: OrderedDict[bytes, float] = OrderedDict()
        self._lock = threading.Lock()

    def verify(self, name: str, password: str) -> str | None:
        """The stored hash the password matched, or None (wrong password, or no such user)."""
        stored = self.passwords.hash_of(name)
        key = _cache_key(name, password, stored or self._dummy)
        if stored is not None and self._cached(key):
            return stored
        self.hashes_checked += 1
        matched = check_password_hash(stored or self._dummy, password)
        if stored is None or not matched:
            return None
        self._remember(key)
        return stored

    def _cached(self, key: bytes) -> bool:
        with self._lock:
            until = self._verified.get(key)
            if until is None:
                return False
            if until < time.monotonic():
                del self._verified[key]
                return False
            return True

    def _remember(self, key: bytes) -> None:
        with self._lock:
            self._verified[key] = time.monotonic() + CACHE_SECONDS
            self._verified.move_to_end(key)
            while len(self._verified) > CACHE_SIZE:
                self._verified.popitem(last=False)


def _cache_key(name: str, password: str, stored: str) -> bytes:
    """A digest that names the credentials without keeping the password; a changed hash misses the cache."""
    return hmac.new(stored.encode(), f"{name}\0{password}".encode(), hashlib.sha256).digest()


def _method_of(users: dict[str, str]) -> str:
    """The hash method of the file's first user ('scrypt:32768:8:1'), so that the dummy costs what a real one does."""
    for hashed in users.values():
        method = hashed.split("$", 1)[0]
        if method.startswith(("scrypt", "pbkdf2")):
            return method
    return "scrypt"
