"""Database safety on the real servers: a slow query is cancelled by the database within the statement timeout, and
a session killed under servicemap is survived on the next use (pre-ping)."""

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
