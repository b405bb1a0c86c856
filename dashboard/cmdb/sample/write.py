"""Writing the generated columns into a database: chunked Core inserts, one transaction per table."""

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import sqlalchemy as sa
from tqdm import tqdm

from dashboard.cmdb import schema
from dashboard.cmdb.connect import redacted, writable_engine

Columns = dict[str, np.ndarray]
CHUNK_ROWS = 50_000
_FAST_SQLITE = {"journal_mode": "OFF", "synchronous": "OFF"}


@contextmanager
def target_engine(url: str | sa.Engine) -> Iterator[sa.Engine]:
    """The engine to write with: the caller's own, or one made from the URL and disposed afterwards."""
    if isinstance(url, sa.Engine):
        yield url
        return
    engine = writable_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def prepare(engine: sa.Engine, *, replace: bool) -> None:
    """Create the native tables; refuse to write over existing rows unless replace (then drop them first)."""
    if replace:
        schema.metadata.drop_all(engine)
    else:
        filled = _filled_tables(engine)
        if filled:
            raise ValueError(
                f"{redacted(engine.url)} already holds CMDB rows ({', '.join(filled)}); "
                "pass replace=True (servicemap generate --replace) to drop and recreate servicemap's tables"
            )
    schema.create_schema(engine)


def _filled_tables(engine: sa.Engine) -> list[str]:
    inspector = sa.inspect(engine)
    filled = []
    with engine.connect() as connection:
        for table in schema.TABLES:
            if not inspector.has_table(table.name):
                continue
            if connection.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first() is not None:
                filled.append(table.name)
    return filled


def write_tables(engine: sa.Engine, tables: dict[str, Columns], *, progress: bool) -> None:
    """Insert every table's rows; indexes are built once at the end, which is several times faster than per row."""
    total = sum(len(next(iter(columns.values()))) for columns in tables.values())
    with (
        engine.connect() as connection,
        _fast_sqlite(connection),
        tqdm(total=total, unit=" rows", unit_scale=True, disable=not progress, desc="sample CMDB") as bar,
    ):
        with connection.begin():
            _drop_indexes(connection)
        for table in (t for t in schema.TABLES if t.name in tables):  # the sample has no incident history, no traffic
            bar.set_postfix_str(table.name)
            with connection.begin():
                for rows in _chunks(tables[table.name]):
                    connection.execute(table.insert(), rows)
                    bar.update(len(rows))
        bar.set_postfix_str("indexes")
        with connection.begin():
            _create_indexes(connection)


def _drop_indexes(connection: sa.Connection) -> None:
    for table in schema.TABLES:
        for index in sorted(table.indexes, key=lambda i: i.name):
            index.drop(connection, checkfirst=True)


def _create_indexes(connection: sa.Connection) -> None:
    for table in schema.TABLES:
        for index in sorted(table.indexes, key=lambda i: i.name):
            index.create(connection, checkfirst=True)


@contextmanager
def _fast_sqlite(connection: sa.Connection) -> Iterator[None]:
    """On SQLite, no rollback journal and no fsync while generating (a failed run is simply generated again)."""
    if connection.dialect.name != "sqlite":
        yield
        return
    before = {name: connection.exec_driver_sql(f"PRAGMA {name}").scalar() for name in _FAST_SQLITE}
    connection.commit()
    for name, value in _FAST_SQLITE.items():
        connection.exec_driver_sql(f"PRAGMA {name}={value}")
    connection.commit()
    try:
        yield
    finally:
        if connection.in_transaction():
            connection.rollback()
        for name, value in before.items():
            connection.exec_driver_sql(f"PRAGMA {name}={value}")
        connection.commit()


def _chunks(columns: Columns) -> Iterator[list[dict[str, object]]]:
    """Rows as lists of dicts with plain Python values, CHUNK_ROWS at a time."""
    names = list(columns)
    n = len(columns[names[0]])
    for start in range(0, n, CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, n)
        values = [_python(columns[name][start:stop]) for name in names]
        yield [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]


def _python(values: np.ndarray) -> list[object]:
    """Plain Python values, None for NaT and NaN (databases differ on what a NaN becomes)."""
    if values.dtype.kind == "f":
        out = values.astype(object)
        out[np.isnan(values)] = None
        return out.tolist()
    if values.dtype.kind == "M":
        return values.astype("datetime64[s]").astype(object).tolist()
    return values.tolist()
