"""OpenID Connect sign-in through Authlib against an identity provider of the tests' own: a Flask app on a local port
serving discovery, JWKS, authorize and token, signing id_tokens with an RSA key made here. A real flow, end to end."""

import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs, urlencode, urlsplit

import flask
import pytest
import requests
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

from dashboard.app import create_app
from dashboard.sessions import COOKIE
from dashboard.settings import Settings
from tests.rows import ci, write

CLIENT_ID, CLIENT_SECRET = "servicemap", "client secret"


@pytest.fixture
def cmdb(sqlite_db):
    write(sqlite_db, ci=[ci(1, "Payroll", "business_service")])
    return sqlite_db


def provider_app(key: RSAKey, issuer: str, user: str, published: RSAKey | None = None) -> flask.Flask:
    """A minimal OIDC provider: every authorization request is granted to `user`; its JWKS holds `published`
    (default: the signing key)."""
    provider = flask.Flask("provider")
    codes: dict[str, str] = {}

    @provider.get("/.well-known/openid-configuration")
    def discovery():
        return {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "jwks_uri": f"{issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    @provider.get("/jwks")
    def jwks():
        public = published or key
        return {"keys": [public.as_dict(private=False, kid="test-key", use="sig", alg="RS256")]}

    @provider.get("/authorize")
    def authorize():
        args = flask.request.args
        assert args["client_id"] == CLIENT_ID
        assert args["response_type"] == "code"
        code = uuid.uuid4().hex
        codes[code] = args["nonce"]
        return flask.redirect(args["redirect_uri"] + "?" + urlencode({"code": code, "state": args["state"]}))

    @provider.post("/token")
    def token():
        auth = flask.request.authorization
        if auth is None or (auth.username, auth.password) != (CLIENT_ID, CLIENT_SECRET):
            return {"error": "invalid_client"}, 401
        nonce = codes.pop(flask.request.form["code"], None)
        if nonce is None:
            return {"error": "invalid_grant"}, 400
        now = int(time.time())
        claims = {"iss": issuer, "sub": "u-1", "aud": CLIENT_ID, "iat": now, "exp": now + 300, "nonce": nonce}
        claims["preferred_username"] = user
        id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, key)
        return {"access_token": uuid.uuid4().hex, "token_type": "Bearer", "expires_in": 300, "id_token": id_token}

    return provider


@pytest.fixture
def issuer() -> Iterator[str]:
    with identity_provider() as base:
        yield base


@contextmanager
def identity_provider(published: RSAKey | None = None) -> Iterator[str]:
    """The provider's base URL (its issuer), served in a thread until the block ends."""
    server = make_server("127.0.0.1", 0, None)  # the port first: the issuer names it
    base = f"http://127.0.0.1:{server.port}"
    server.app = provider_app(RSAKey.generate_key(2048), base, "alice", published)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def oidc_app(cmdb, issuer, **settings):
    settings = {"auth": "oidc", "oidc_issuer": issuer, "oidc_client_id": CLIENT_ID, **settings}
    settings = {"oidc_client_secret": CLIENT_SECRET, "secret_key": "a test secret", **settings}
    return create_app(Settings.from_env({}, database_url=cmdb, refresh_seconds=0, **settings))


def location(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def through_the_provider(client, login: str):
    """Follow a login to the provider (a real HTTP request, granted), and back to servicemap's callback."""
    granted = requests.get(location(client.get(login)), allow_redirects=False, timeout=10)
    callback = urlsplit(granted.headers["Location"])
    assert callback.path == "/_auth/callback"
    assert "code" in parse_qs(callback.query)
    return client.get(f"{callback.path}?{callback.query}")


def test_oi001_sign_in_through_the_provider_then_the_session_cookie_then_sign_out(cmdb, issuer):
    client = oidc_app(cmdb, issuer).server.test_client()
    assert client.post("/_dash-update-component", json={}).status_code == 401
    login = location(client.get("/wall?refresh=30"))
    assert login == "/_auth/login?next=/wall%3Frefresh%3D30"
    assert location(client.get(login)).startswith(f"{issuer}/authorize?")
    back = through_the_provider(client, login)
    assert location(back) == "/wall?refresh=30"
    cookie = back.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert client.get("/").status_code == 200
    assert client.get("/_auth/logout").status_code == 200
    assert client.get_cookie(COOKIE) is None
    assert client.get("/").status_code == 302


def test_oi002_a_forged_callback_signs_nobody_in(cmdb, issuer):
    client = oidc_app(cmdb, issuer).server.test_client()
    client.get(location(client.get("/_auth/login?next=https://evil.example.com/")))
    answer = client.get("/_auth/callback?code=made-up&state=made-up")
    assert answer.status_code == 400
    assert "error id" in answer.get_data(as_text=True)
    assert client.get_cookie(COOKIE) is None
    assert client.get("/").status_code == 302


def test_oi003_settings_that_do_not_add_up_say_what_to_fix(cmdb, issuer, monkeypatch):
    with pytest.raises(ValueError, match="SERVICEMAP_OIDC_CLIENT_SECRET"):
        oidc_app(cmdb, issuer, oidc_client_secret="")
    monkeypatch.setitem(sys.modules, "authlib.integrations.flask_client", None)  # as if the extra were not installed
    with pytest.raises(ValueError, match=r"pip install -e '\.\[oidc\]'"):
        oidc_app(cmdb, issuer)


def test_oi004_an_id_token_not_signed_by_the_providers_keys_signs_nobody_in(cmdb):
    with identity_provider(published=RSAKey.generate_key(2048)) as issuer:
        client = oidc_app(cmdb, issuer).server.test_client()
        assert through_the_provider(client, "/_auth/login").status_code == 400
        assert client.get_cookie(COOKIE) is None
