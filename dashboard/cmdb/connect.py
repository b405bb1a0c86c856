"""Read-only connections to a CMDB: servicemap never writes to a database it is pointed at."""

from pathlib import Path

import sqlalchemy as sa

STATEMENT_TIMEOUT_SECONDS = 30  # the database cancels a query running longer
CONNECT_TIMEOUT_SECONDS = 10  # a server that does not complete the handshake in time is not there
READ_GRACE_SECONDS = 5  # beyond the statement timeout, for the database to say it cancelled the query
# TCP keepalive: probe an idle connection after 10 s, every 5 s, and give it up after 3 unanswered probes.
KEEPALIVE_IDLE_SECONDS, KEEPALIVE_INTERVAL_SECONDS, KEEPALIVE_COUNT = 10, 5, 3


def parse_url(url: str | sa.URL) -> sa.URL:
    """A SQLAlchemy URL with the driver servicemap installs for each backend filled in."""
    url = sa.make_url(url)
    drivers = {"postgresql": "postgresql+psycopg", "mysql": "mysql+pymysql", "mariadb": "mariadb+pymysql"}
    if url.drivername in drivers:
        url = url.set(drivername=drivers[url.drivername])
    return url


def sqlite_path(url: sa.URL) -> Path | None:
    """The file behind a SQLite URL, or None for an in-memory database."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def read_only_engine(url: str | sa.URL, timeout_seconds: int | None = None) -> sa.Engine:
    """An engine whose every connection refuses writes, with pre-ping, and that never waits on the database without a
    bound: a connect timeout, a statement timeout (default STATEMENT_TIMEOUT_SECONDS), a socket-read timeout or TCP
    timeouts, and TCP keepalive."""
    url = parse_url(url)
    timeout_seconds = STATEMENT_TIMEOUT_SECONDS if timeout_seconds is None else timeout_seconds
    backend = url.get_backend_name()
    if backend == "sqlite":
        return _sqlite_read_only(url, timeout_seconds)
    if backend == "postgresql":
        return sa.create_engine(url, pool_pre_ping=True, connect_args=libpq_parameters(timeout_seconds))
    if backend in ("mysql", "mariadb"):
        engine = sa.create_engine(url, pool_pre_ping=True, connect_args=pymysql_parameters(timeout_seconds))
        sa.event.listen(engine, "connect", _mysql_read_only(timeout_seconds))
        return engine
    raise ValueError(f"unsupported database backend {backend!r}: use SQLite, PostgreSQL or MariaDB/MySQL")


def libpq_parameters(timeout_seconds: int = STATEMENT_TIMEOUT_SECONDS) -> dict[str, str | int]:
    """libpq connection parameters (psycopg and ADBC): read-only, and every wait bounded. libpq has no read timeout:
    tcp_user_timeout gives up a connection whose sent data stays unacknowledged past the statement timeout, keepalive
    one whose peer went silent; a server that acknowledges but never answers is the store's watchdog's to catch."""
    statement_ms = int(timeout_seconds * 1000)
    return {
        "connect_timeout": CONNECT_TIMEOUT_SECONDS,
        "options": f"-c default_transaction_read_only=on -c statement_timeout={statement_ms}",
        "keepalives": 1,
        "keepalives_idle": KEEPALIVE_IDLE_SECONDS,
        "keepalives_interval": KEEPALIVE_INTERVAL_SECONDS,
        "keepalives_count": KEEPALIVE_COUNT,
        "tcp_user_timeout": statement_ms + READ_GRACE_SECONDS * 1000,
    }


def pymysql_parameters(timeout_seconds: int = STATEMENT_TIMEOUT_SECONDS) -> dict[str, int]:
    """PyMySQL connection parameters: connecting, and every socket read and write, bounded."""
    socket_seconds = int(timeout_seconds) + READ_GRACE_SECONDS
    return {"connect_timeout": CONNECT_TIMEOUT_SECONDS, "read_timeout": socket_seconds, "write_timeout": socket_seconds}


def _sqlite_read_only(url: sa.URL, timeout_seconds: int) -> sa.Engine:
    path = sqlite_path(url)
    if path is None:
        raise ValueError("an in-memory SQLite database has no CMDB to read: give a file path")
    if not path.is_file():
        raise FileNotFoundError(f"no SQLite database at {path}")
    ro_url = sa.URL.create("sqlite+pysqlite", database=f"file:{path.resolve()}", query={"mode": "ro", "uri": "true"})
    # timeout: how long a read waits for another process's write lock before it fails.
    return sa.create_engine(ro_url, connect_args={"timeout": timeout_seconds})


def _mysql_read_only(timeout_seconds: int):  # noqa: ANN202 - an SQLAlchemy event hook
    def on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET SESSION TRANSACTION READ ONLY")
            cursor.execute("SET SESSION time_zone = '+00:00'")
            cursor.execute(f"SET SESSION max_statement_time = {int(timeout_seconds)}")

    return on_connect


def writable_engine(url: str | sa.URL) -> sa.Engine:
    """An ordinary engine, for servicemap's own databases only (sample generator, importers)."""
    return sa.create_engine(parse_url(url))


def redacted(url: str | sa.URL) -> str:
    """The URL with its password hidden, for logs and the page."""
    return parse_url(url).render_as_string(hide_password=True)
