"""A hung database (our own TCP proxy in front of the real one stops forwarding, connections stay open). PostgreSQL:
connecting gives up within the connect timeout, a refresh within the store's deadline, the wall and the map are told,
and it all recovers. MariaDB: a read gives up within the socket-read timeout."""

import json
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from dashboard.app import create_app
from dashboard.cmdb import connect
from dashboard.cmdb.connect import parse_url, read_only_engine
from dashboard.cmdb.store import SnapshotStore
from dashboard.settings import Settings
from layouts import ids
from tests.callbacks import callback_request, post
from tests.rows import ci, write
from tests.tcp_proxy import StallingProxy, stalling_proxy

DEADLINE = 2.0  # seconds a refresh may run in these tests


@pytest.fixture
def proxy(postgresql_db: str) -> Iterator[StallingProxy]:
    url = parse_url(postgresql_db)
    with stalling_proxy((url.host or "127.0.0.1", url.port or 5432)) as proxy:
        yield proxy


@pytest.fixture
def proxied_db(postgresql_db: str, proxy: StallingProxy) -> str:
    write(postgresql_db, ci=[ci(1, "Payroll", "business_service")])
    return parse_url(postgresql_db).set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)


def test_hg001_connecting_to_a_hung_database_gives_up_within_the_connect_timeout(proxied_db, proxy, monkeypatch):
    monkeypatch.setattr(connect, "CONNECT_TIMEOUT_SECONDS", 2)  # libpq's least
    engine = read_only_engine(proxied_db)
    proxy.stall()
    started = time.monotonic()
    with pytest.raises(sa.exc.OperationalError, match="timeout"):
        engine.connect()
    assert time.monotonic() - started < 4
    proxy.resume()
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT 1")).scalar_one() == 1
    engine.dispose()


def test_hg002_a_refresh_that_overruns_marks_the_snapshot_stale_and_recovers(proxied_db, proxy):
    store = SnapshotStore(proxied_db, deadline_seconds=DEADLINE)
    assert store.refresh()
    loaded = store.snapshot
    proxy.stall()
    started = time.monotonic()
    assert store.refresh() is False
    assert time.monotonic() - started < DEADLINE + 1
    assert store.status.error == "the CMDB has not answered for 2 s"
    assert store.status.stale
    assert store.snapshot is loaded  # the last good data stays
    proxy.resume()
    assert store.refresh() is False  # nothing changed: the same snapshot, now current again
    assert not store.status.stale
    assert store.snapshot is loaded


def test_hg003_the_wall_is_told_when_the_cmdb_hangs(proxied_db, proxy):
    settings = Settings.from_env(
        {}, database_url=proxied_db, refresh_seconds=0, anonymous=True, cmdb_deadline_seconds=DEADLINE
    )
    app = create_app(settings)
    store = app.server.extensions["servicemap"].store
    proxy.stall()
    store.refresh()
    body = callback_request(app, ids.WALL_TILES, "children", {f"{ids.WALL_REQUEST}.data": {"tick": 1}})
    status, data = post(app, body)
    assert status == 200
    answer = data["response"][ids.WALL_ANSWER]["data"]
    assert answer["error"] == "the CMDB has not answered for 2 s"
    assert answer["loaded_at"] <= answer["failed_at"]


def test_hg004_the_map_says_stale_with_the_same_sentence(proxied_db, proxy):
    settings = Settings.from_env(
        {}, database_url=proxied_db, refresh_seconds=0, anonymous=True, cmdb_deadline_seconds=DEADLINE
    )
    app = create_app(settings)
    proxy.stall()
    app.server.extensions["servicemap"].store.refresh()
    body = callback_request(
        app,
        ids.OVERVIEW_STATUS,
        "children",
        {f"{ids.OVERVIEW_TICK}.n_intervals": 1, f"{ids.SNAPSHOT_VERSION}.data": 1, f"{ids.URL}.pathname": "/quality"},
    )
    status, data = post(app, body)
    assert status == 200
    text = json.dumps(data["response"][ids.OVERVIEW_STATUS]["children"])
    assert "STALE" in text
    assert "the CMDB has not answered for 2 s" in text
    assert data["response"][ids.MAP_GRAPH]["className"] == "map stale"


def test_hg005_a_mariadb_that_stops_answering_mid_session_times_out_on_the_socket(mariadb_db, monkeypatch):
    monkeypatch.setattr(connect, "STATEMENT_TIMEOUT_SECONDS", 1)  # socket reads wait this plus READ_GRACE_SECONDS
    upstream = parse_url(mariadb_db)
    with stalling_proxy((upstream.host or "127.0.0.1", upstream.port or 3306)) as proxy:
        engine = read_only_engine(upstream.set(host="127.0.0.1", port=proxy.port))
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT 1")).scalar_one() == 1
            proxy.stall()
            started = time.monotonic()
            with pytest.raises(sa.exc.OperationalError, match="timed out"):
                connection.execute(sa.text("SELECT 2"))
        assert time.monotonic() - started < 1 + connect.READ_GRACE_SECONDS + 2
        engine.dispose()
