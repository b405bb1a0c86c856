"""Shared fixtures: scratch databases on the real PostgreSQL and MariaDB servers, skipped (in CI: failed) if absent."""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from dashboard.cmdb.connect import parse_url, redacted

REQUIRE_SERVICES = os.environ.get("SERVICEMAP_REQUIRE_SERVICES") == "1"
POSTGRESQL_URL = os.environ.get("SERVICEMAP_POSTGRESQL_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
MARIADB_URL = os.environ.get("SERVICEMAP_MARIADB_URL", "mysql://root@127.0.0.1:3306/test")


def unavailable(reason: str) -> None:
    """Skip with the reason; in CI (SERVICEMAP_REQUIRE_SERVICES=1) fail instead, so a missing server is noticed."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (SERVICEMAP_REQUIRE_SERVICES=1 makes this a failure)")
    pytest.skip(reason)


def _server(admin_url: str, kind: str, variable: str) -> sa.Engine:
    engine = sa.create_engine(parse_url(admin_url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as error:
        engine.dispose()
        unavailable(f"{kind} is not reachable at {redacted(admin_url)} ({error.orig}); set {variable} to use another")
    return engine


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[sa.Engine]:
    """An AUTOCOMMIT engine on the PostgreSQL server's admin database."""
    engine = _server(POSTGRESQL_URL, "PostgreSQL", "SERVICEMAP_POSTGRESQL_URL")
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def mariadb_server() -> Iterator[sa.Engine]:
    """An AUTOCOMMIT engine on the MariaDB server."""
    engine = _server(MARIADB_URL, "MariaDB", "SERVICEMAP_MARIADB_URL")
    yield engine
    engine.dispose()


@pytest.fixture
def postgresql_db(postgresql_server: sa.Engine) -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database, dropped afterwards."""
    name = f"servicemap_test_{uuid.uuid4().hex[:10]}"
    with postgresql_server.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield parse_url(POSTGRESQL_URL).set(database=name).render_as_string(hide_password=False)
    with postgresql_server.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def mariadb_db(mariadb_server: sa.Engine) -> Iterator[str]:
    """The URL of a fresh, empty MariaDB database, dropped afterwards."""
    name = f"servicemap_test_{uuid.uuid4().hex[:10]}"
    with mariadb_server.connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE `{name}`"))
    yield parse_url(MARIADB_URL).set(database=name).render_as_string(hide_password=False)
    with mariadb_server.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))


@pytest.fixture
def sqlite_db(tmp_path) -> str:
    """The URL of a new SQLite file."""
    return f"sqlite:///{tmp_path / 'cmdb.sqlite'}"


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def empty_db(request: pytest.FixtureRequest) -> str:
    """An empty database on each backend in turn."""
    return request.getfixturevalue(f"{request.param}_db")


HOSTILE_NAMES = {900001: "<img src=x onerror=window.__pwned=1>", 900002: "javascript:window.__pwned=2"}


@pytest.fixture(scope="session")
def demo_cmdb(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo sample CMDB (2,000 CIs, seed 42) plus two CIs with hostile names under Online Banking (id 5)."""
    from dashboard.cmdb.sample import SampleSpec, generate
    from tests.rows import ci, rel, write

    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite'}"
    generate(url, SampleSpec(cis=2000, seed=42), progress=False)
    write(
        url,
        ci=[ci(i, name, "application" if i == 900001 else "server") for i, name in HOSTILE_NAMES.items()],
        relationship=[rel(900001, 5, "depends on", 900001), rel(900002, 900001, "runs on", 900002)],
    )
    return url


SHARED_DATA = Path(os.environ.get("SERVICEMAP_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public data sets beside the checkout (../shared/data, or $SERVICEMAP_SHARED_DATA); never copied in."""
    if not (SHARED_DATA / "README.md").is_file():
        pytest.skip(f"the shared real data is not at {SHARED_DATA} (set SERVICEMAP_SHARED_DATA to where it is)")
    return SHARED_DATA


@pytest.fixture(scope="session", autouse=True)
def _own_files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """servicemap's own files (secret key, CMDB health trend) go to a scratch folder, never the user's home."""
    previous = os.environ.get("SERVICEMAP_HOME")
    os.environ["SERVICEMAP_HOME"] = str(tmp_path_factory.mktemp("servicemap-home"))
    yield
    if previous is None:
        os.environ.pop("SERVICEMAP_HOME", None)
    else:
        os.environ["SERVICEMAP_HOME"] = previous
