"""Database safety on the real servers: a slow query is cancelled by the database within the statement timeout, a
session killed under servicemap is survived on the next use (pre-ping), and every connection has connect, read and
keepalive timeouts."""

import time

import pytest
import sqlalchemy as sa

from dashboard.cmdb.connect import read_only_engine


def test_ds001_postgresql_cancels_a_query_slower_than_the_timeout(postgresql_db):
    engine = read_only_engine(postgresql_db, timeout_seconds=1)
    started = time.monotonic()
    with pytest.raises(sa.exc.OperationalError, match="statement timeout"), engine.connect() as connection:
        connection.execute(sa.text("SELECT pg_sleep(5)"))
    assert time.monotonic() - started < 2.0  # the timeout plus a second
    engine.dispose()


def test_ds002_mariadb_stops_a_query_slower_than_the_timeout(mariadb_db):
    engine = read_only_engine(mariadb_db, timeout_seconds=1)
    started = time.monotonic()
    with engine.connect() as connection:
        try:
            # MariaDB interrupts SLEEP() at max_statement_time and returns 1 instead of 0.
            interrupted = connection.execute(sa.text("SELECT SLEEP(5)")).scalar_one() == 1
        except sa.exc.OperationalError as error:
            interrupted = "max_statement_time" in str(error)
    assert interrupted
    assert time.monotonic() - started < 2.0
    engine.dispose()


def test_ds003_a_postgresql_session_killed_under_servicemap_is_survived(postgresql_db, postgresql_server):
    engine = read_only_engine(postgresql_db)
    with engine.connect() as connection:
        pid = connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
    with postgresql_server.connect() as admin:
        assert admin.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
    with engine.connect() as connection:  # the pooled connection is dead; pre-ping replaces it
        assert connection.execute(sa.text("SELECT 1")).scalar_one() == 1
    engine.dispose()


def test_ds004_a_cmdb_that_times_out_is_shown_as_timed_out_within_the_limit(postgresql_db, monkeypatch):
    from dashboard.cmdb import connect
    from dashboard.cmdb.store import SnapshotStore
    from tests.rows import ci, write

    write(postgresql_db, ci=[ci(1, "Payroll", "business_service")])
    monkeypatch.setattr(connect, "STATEMENT_TIMEOUT_SECONDS", 1)
    store = SnapshotStore(postgresql_db)
    # A migration holds the ci table: every read of it waits, until the statement timeout cancels the wait.
    engine = sa.create_engine(connect.parse_url(postgresql_db))
    with engine.connect() as migration, migration.begin():
        migration.execute(sa.text("LOCK TABLE ci IN ACCESS EXCLUSIVE MODE"))
        started = time.monotonic()
        assert store.refresh() is False
        elapsed = time.monotonic() - started
    engine.dispose()
    assert elapsed < 2.5  # the timeout, plus a second, plus connecting
    assert store.status.error.startswith("the CMDB timed out")


def test_ds005_postgresql_connections_carry_connect_read_and_keepalive_timeouts(postgresql_db):
    from dashboard.cmdb import connect

    engine = read_only_engine(postgresql_db)
    with engine.connect() as connection:
        parameters = connection.connection.dbapi_connection.info.get_parameters()
        assert connection.execute(sa.text("SHOW statement_timeout")).scalar_one() == "30s"
        assert connection.execute(sa.text("SHOW default_transaction_read_only")).scalar_one() == "on"
    engine.dispose()
    assert parameters["connect_timeout"] == str(connect.CONNECT_TIMEOUT_SECONDS)
    assert parameters["keepalives"] == "1"
    assert parameters["keepalives_idle"] == str(connect.KEEPALIVE_IDLE_SECONDS)
    assert parameters["keepalives_interval"] == str(connect.KEEPALIVE_INTERVAL_SECONDS)
    assert parameters["keepalives_count"] == str(connect.KEEPALIVE_COUNT)
    assert parameters["tcp_user_timeout"] == str(
        (connect.STATEMENT_TIMEOUT_SECONDS + connect.READ_GRACE_SECONDS) * 1000
    )


def test_ds006_mariadb_connections_carry_connect_read_and_write_timeouts(mariadb_db):
    from dashboard.cmdb import connect

    engine = read_only_engine(mariadb_db)
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert connection.execute(sa.text("SELECT @@max_statement_time")).scalar_one() == 30
    engine.dispose()
    socket_seconds = connect.STATEMENT_TIMEOUT_SECONDS + connect.READ_GRACE_SECONDS
    assert (raw.connect_timeout, raw._read_timeout, raw._write_timeout) == (10, socket_seconds, socket_seconds)


def test_ds007_sqlite_connections_wait_for_a_writer_no_longer_than_the_timeout(sqlite_db):
    from tests.rows import write

    write(sqlite_db)  # the native tables, empty
    engine = read_only_engine(sqlite_db)
    with engine.connect() as connection:
        assert connection.execute(sa.text("PRAGMA busy_timeout")).scalar_one() == 30_000
    engine.dispose()


def test_ds008_the_columnar_path_connects_to_postgresql_with_the_same_bounds():
    from dashboard.cmdb.connect import parse_url
    from dashboard.cmdb.load import _libpq_uri

    uri = _libpq_uri(parse_url("postgresql://u@db.example:5432/cmdb"))
    for parameter in ("connect_timeout=10", "keepalives=1", "keepalives_idle=10", "tcp_user_timeout=35000"):
        assert parameter in uri.split("?", 1)[1].split("&")
    assert "statement_timeout%3D30000" in uri
