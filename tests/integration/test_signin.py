"""HTTP basic at a bounded cost: one password hash, then a signed session cookie (or a short cache of verified
credentials); the same cost for unknown users; failed sign-ins limited per address and per user name."""

import base64
import os
import statistics
import time
import uuid

import pytest
import redis
from werkzeug.security import generate_password_hash

from dashboard.app import create_app
from dashboard.sessions import COOKIE
from dashboard.settings import Settings
from tests.conftest import unavailable
from tests.rows import ci, write

REDIS_URL = os.environ.get("SERVICEMAP_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# A cheap hash keeps the tests fast where the count of hashes is what they assert.
FAST = "pbkdf2:sha256:1000"


@pytest.fixture
def cmdb(sqlite_db):
    write(sqlite_db, ci=[ci(1, "Payroll", "business_service")])
    return sqlite_db


@pytest.fixture
def users(tmp_path):
    path = tmp_path / "users"
    path.write_text(f"alice:{generate_password_hash('s3cret', method=FAST)}\n", encoding="utf-8")
    return path


def basic_app(cmdb, users, **settings):
    settings = {"secret_key": "a test secret", **settings}
    return create_app(
        Settings.from_env(
            {}, database_url=cmdb, refresh_seconds=0, auth="basic", basic_users_file=str(users), **settings
        )
    )


def _policy(app):
    return app.server.extensions["servicemap_auth"]


def basic(user, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def hashes(app) -> int:
    return _policy(app).passwords.hashes_checked


def test_si001_a_browser_signs_in_once_then_carries_a_session_cookie(cmdb, users):
    app = basic_app(cmdb, users)
    client = app.server.test_client()
    first = client.get("/", headers=basic("alice", "s3cret"))
    assert first.status_code == 200
    cookie = first.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    for attribute in ("HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=43200"):
        assert attribute in cookie
    assert "Secure" not in cookie
    for _ in range(20):
        assert client.get("/").status_code == 200
    assert hashes(app) == 1


def test_si002_https_cookies_are_secure_and_a_forged_one_names_nobody(cmdb, users):
    app = basic_app(cmdb, users)
    client = app.server.test_client()
    answer = client.get("/", headers=basic("alice", "s3cret"), base_url="https://servicemap.example.com")
    assert "Secure" in answer.headers["Set-Cookie"]
    forged = app.server.test_client()
    forged.set_cookie(COOKIE, "WyJhbGljZSIsIjAwMDAiXQ.forged.signature")
    assert forged.get("/").status_code == 401


def test_si003_a_new_password_hash_ends_the_sessions_of_the_old_one(cmdb, users):
    app = basic_app(cmdb, users)
    client = app.server.test_client()
    assert client.get("/", headers=basic("alice", "s3cret")).status_code == 200
    assert client.get("/").status_code == 200
    time.sleep(0.01)  # a new modification time
    users.write_text(f"alice:{generate_password_hash('n3w', method=FAST)}\n", encoding="utf-8")
    assert client.get("/").status_code == 401
    assert client.get("/", headers=basic("alice", "s3cret")).status_code == 401
    assert client.get("/", headers=basic("alice", "n3w")).status_code == 200


def test_si004_a_client_without_cookies_pays_one_hash_a_minute(cmdb, users):
    app = basic_app(cmdb, users)
    client = app.server.test_client(use_cookies=False)
    for _ in range(20):
        assert client.get("/", headers=basic("alice", "s3cret")).status_code == 200
    assert hashes(app) == 1
    assert client.get("/", headers=basic("alice", "wrong")).status_code == 401
    assert hashes(app) == 2


def test_si005_an_unknown_user_costs_what_a_known_user_with_a_wrong_password_costs(cmdb, tmp_path):
    users = tmp_path / "users"
    users.write_text(f"alice:{generate_password_hash('s3cret')}\n", encoding="utf-8")  # scrypt, the default
    app = basic_app(cmdb, users)
    client = app.server.test_client(use_cookies=False)
    known, unknown = [], []
    for attempt in range(6):
        for name, times in (("alice", known), (f"mallory{attempt}", unknown)):
            before, start = hashes(app), time.perf_counter()
            address = {"REMOTE_ADDR": f"192.0.2.{len(known) + len(unknown)}"}  # under the limit per address
            assert client.get("/", headers=basic(name, f"wrong{attempt}"), environ_base=address).status_code == 401
            times.append(time.perf_counter() - start)
            assert hashes(app) == before + 1  # one hash each: the unknown user's against a dummy of the same method
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 1 / 1.5 < ratio < 1.5, (known, unknown)


def test_si006_failed_sign_ins_are_limited_per_address_and_per_user(cmdb, users):
    app = basic_app(cmdb, users)
    client = app.server.test_client(use_cookies=False)

    def get(user, password, address):
        return client.get("/", headers=basic(user, password), environ_base={"REMOTE_ADDR": address})

    for _ in range(10):
        assert get("bob", "guess", "192.0.2.1").status_code == 401
    limited = get("alice", "s3cret", "192.0.2.1")
    assert limited.status_code == 429
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    assert hashes(app) == 10  # a limited request costs no hash
    assert get("alice", "s3cret", "192.0.2.2").status_code == 200  # another address, another user
    for number in range(10):
        assert get("carol", "guess", f"198.51.100.{number}").status_code == 401
    assert get("carol", "guess", "198.51.100.77").status_code == 429  # one user name from many addresses
    assert (
        client.get("/", environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 401
    )  # no credentials: the challenge


def test_si007_with_redis_every_worker_counts_the_same_failures(cmdb, users):
    try:
        with redis.Redis.from_url(REDIS_URL) as probe:
            probe.ping()
    except redis.RedisError as error:
        unavailable(f"Redis is not reachable at {REDIS_URL} ({error}); set SERVICEMAP_TEST_REDIS_URL to use another")
    apps = [basic_app(cmdb, users, redis_url=REDIS_URL) for _ in range(2)]
    try:
        _count_failures_across(apps)
    finally:  # the limiters' Redis connections: closed here, not by the garbage collector in a later test
        for app in apps:
            for limiter in app.server.extensions.get("limiter", ()):
                limiter.storage.storage.connection_pool.disconnect()


def _count_failures_across(apps: list) -> None:
    workers = [app.server.test_client(use_cookies=False) for app in apps]
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    user = f"user-{uuid.uuid4().hex[:8]}"
    for number in range(10):
        answer = workers[number % 2].get("/", headers=basic(user, "guess"), environ_base={"REMOTE_ADDR": address})
        assert answer.status_code == 401
    for worker in workers:
        assert worker.get("/", headers=basic(user, "guess"), environ_base={"REMOTE_ADDR": address}).status_code == 429


def test_si008_without_a_configured_secret_every_worker_shares_one_kept_in_the_home(cmdb, users, tmp_path, monkeypatch):
    monkeypatch.setenv("SERVICEMAP_HOME", str(tmp_path / "home"))
    first, second = (basic_app(cmdb, users, secret_key="") for _ in range(2))
    secret = tmp_path / "home" / "secret_key"
    assert secret.stat().st_mode & 0o777 == 0o600
    client = first.server.test_client()
    assert client.get("/", headers=basic("alice", "s3cret")).status_code == 200
    other = second.server.test_client()
    other.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    assert other.get("/").status_code == 200  # signed by one worker, accepted by another
    stranger = basic_app(cmdb, users, secret_key="another secret").server.test_client()
    stranger.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    assert stranger.get("/").status_code == 401


def test_si009_behind_a_trusted_proxy_each_client_has_its_own_count_and_https_cookies(cmdb, users):
    app = basic_app(cmdb, users, trusted_proxies="10.0.0.1")
    client = app.server.test_client(use_cookies=False)

    def get(password, forwarded_for, remote="10.0.0.1", **headers):
        headers = {**basic("alice", password), "X-Forwarded-For": forwarded_for, **headers}
        return client.get("/", headers=headers, environ_base={"REMOTE_ADDR": remote})

    for _ in range(10):
        assert get("guess", "203.0.113.5").status_code == 401
    assert get("guess", "203.0.113.5").status_code == 429
    other = client.get(
        "/", headers={**basic("bob", "x"), "X-Forwarded-For": "203.0.113.6"}, environ_base={"REMOTE_ADDR": "10.0.0.1"}
    )
    assert other.status_code == 401  # another client (and user) behind the same proxy is not limited
    signed = get("s3cret", "203.0.113.7", **{"X-Forwarded-Proto": "https"})
    assert signed.status_code == 429  # alice's name is limited, whoever asks
    # A forwarded address or protocol from a peer that is not the proxy is not believed.
    direct = basic_app(cmdb, users, trusted_proxies="10.0.0.1").server.test_client(use_cookies=False)
    spoofed = {**basic("alice", "s3cret"), "X-Forwarded-Proto": "https"}
    answer = direct.get("/", headers=spoofed, environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert answer.status_code == 200
    assert "Secure" not in answer.headers["Set-Cookie"]
    answer = direct.get("/", headers=spoofed, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert "Secure" in answer.headers["Set-Cookie"]


def test_si010_with_redis_unreachable_failures_are_counted_in_memory_meanwhile(cmdb, users):
    from tests.served_process import free_port

    app = basic_app(cmdb, users, redis_url=f"redis://127.0.0.1:{free_port()}/0")
    client = app.server.test_client(use_cookies=False)
    assert client.get("/", headers=basic("alice", "s3cret")).status_code == 200
    for _ in range(10):
        assert client.get("/", headers=basic("alice", "guess")).status_code == 401
    assert client.get("/", headers=basic("alice", "guess")).status_code == 429
