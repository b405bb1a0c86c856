"""Saved views in servicemap's own small state database — SQLite in SERVICEMAP_HOME by default, a PostgreSQL (or
MariaDB) URL for several hosts (SERVICEMAP_STATE_URL) — never in the CMDB (Settings refuses the CMDB's URL).

A view is saved per owner (the signed-in user; "" without sign-in) under a name unique for that owner: saving a name
again replaces it. Its id makes a shareable link (`?…&saved=ID`): anyone who may see servicemap can open a view by
its id; only its owner lists it and may delete it. Every wait on the database is bounded like the CMDB's.
"""

import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from dashboard.cmdb.connect import libpq_parameters, parse_url, pymysql_parameters, sqlite_path

MAX_LISTED = 200  # an owner's views listed, newest first
MAX_QUERY_CHARS = 4000
STATEMENT_SECONDS = 10

METADATA = sa.MetaData()
SAVED_VIEW = sa.Table(
    "servicemap_saved_view",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("owner", sa.String(200), nullable=False),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("query", sa.String(MAX_QUERY_CHARS), nullable=False),
    sa.Column("positions", sa.Text, nullable=False),  # JSON {element id: [x, y]}
    sa.Column("saved_at", sa.DateTime, nullable=False),  # UTC
    sa.UniqueConstraint("owner", "name", name="servicemap_saved_view_owner_name"),
)


@dataclass(frozen=True, slots=True)
class SavedView:
    """One saved view: its id, owner, name, the map's query string and its nodes' positions."""

    id: int
    owner: str
    name: str
    query: str
    positions: dict[str, tuple[float, float]]
    saved_at: datetime


class SavedViews:
    """The saved views of one state database; the table is created on first use."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._engine: sa.Engine | None = None
        self._lock = threading.Lock()

    def save(self, owner: str, name: str, query: str, positions: dict[str, tuple[float, float]]) -> SavedView:
        """Save (or replace) the owner's view of that name; its id stays the same when it is replaced."""
        now = datetime.now(UTC).replace(tzinfo=None)
        values = {"query": query[:MAX_QUERY_CHARS], "positions": json.dumps(positions), "saved_at": now}
        with self._engine_ready().begin() as connection:
            mine = sa.and_(SAVED_VIEW.c.owner == owner, SAVED_VIEW.c.name == name)
            found = connection.execute(sa.select(SAVED_VIEW.c.id).where(mine)).scalar()
            if found is None:
                inserted = connection.execute(SAVED_VIEW.insert().values(owner=owner, name=name, **values))
                found = inserted.inserted_primary_key[0]
            else:
                connection.execute(SAVED_VIEW.update().where(SAVED_VIEW.c.id == found).values(**values))
        return SavedView(int(found), owner, name, values["query"], positions, now)

    def get(self, view_id: int) -> SavedView | None:
        """A view by its id (anyone with the link may open it), None when there is none."""
        with self._engine_ready().connect() as connection:
            row = connection.execute(sa.select(SAVED_VIEW).where(SAVED_VIEW.c.id == view_id)).first()
        return _view(row) if row is not None else None

    def listed(self, owner: str) -> list[SavedView]:
        """The owner's views, newest first (at most MAX_LISTED)."""
        query = (
            sa.select(SAVED_VIEW)
            .where(SAVED_VIEW.c.owner == owner)
            .order_by(SAVED_VIEW.c.saved_at.desc(), SAVED_VIEW.c.id.desc())
            .limit(MAX_LISTED)
        )
        with self._engine_ready().connect() as connection:
            return [_view(row) for row in connection.execute(query)]

    def delete(self, owner: str, view_id: int) -> bool:
        """Delete one of the owner's views; False when it is not theirs or not there."""
        with self._engine_ready().begin() as connection:
            gone = connection.execute(
                SAVED_VIEW.delete().where(SAVED_VIEW.c.id == view_id, SAVED_VIEW.c.owner == owner)
            ).rowcount
        return bool(gone)

    def close(self) -> None:
        """Close the database connections (a new use opens them again)."""
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None

    def _engine_ready(self) -> sa.Engine:
        with self._lock:
            if self._engine is None:
                engine = state_engine(self._url)
                METADATA.create_all(engine)
                self._engine = engine
            return self._engine


def state_engine(url: str) -> sa.Engine:
    """An engine on the state database whose every wait is bounded (connect, statements, lost peers)."""
    parsed = parse_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        path = sqlite_path(parsed)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        return sa.create_engine(parsed, connect_args={"timeout": STATEMENT_SECONDS})
    if backend == "postgresql":
        parameters = libpq_parameters(STATEMENT_SECONDS)
        parameters["options"] = f"-c statement_timeout={STATEMENT_SECONDS * 1000}"  # not read-only: its own database
        return sa.create_engine(parsed, pool_pre_ping=True, connect_args=parameters)
    if backend in ("mysql", "mariadb"):
        return sa.create_engine(parsed, pool_pre_ping=True, connect_args=pymysql_parameters(STATEMENT_SECONDS))
    raise ValueError(f"state_url: unsupported backend {backend!r}: use SQLite, PostgreSQL or MariaDB/MySQL")


def _view(row: sa.Row) -> SavedView:
    try:
        raw = json.loads(row.positions)
    except ValueError:
        raw = {}
    positions = {str(k): (float(v[0]), float(v[1])) for k, v in raw.items()} if isinstance(raw, dict) else {}
    return SavedView(int(row.id), row.owner, row.name, row.query, positions, row.saved_at)
