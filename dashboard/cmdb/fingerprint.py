"""A cheap fingerprint of a CMDB: row count and newest change marker per table, in one round trip."""

import hashlib

import sqlalchemy as sa

from dashboard.cmdb import schema


def fingerprint_statement(present: set[str]) -> sa.Select | None:
    """One SELECT returning (table, rows, newest marker) for every native table that exists."""
    parts = []
    for table in schema.TABLES:
        if table.name not in present:
            continue
        marker = table.c[schema.CHANGE_MARKER[table.name]]
        parts.append(
            sa.select(
                sa.literal(table.name).label("name"),
                sa.func.count().label("rows"),
                sa.cast(sa.func.max(marker), sa.String).label("newest"),
            ).select_from(table)
        )
    return sa.union_all(*parts) if parts else None


def fingerprint(connection: sa.Connection) -> str:
    """A short hash that changes when any table gains, loses or updates a row (by its change marker)."""
    present = set(sa.inspect(connection).get_table_names())
    statement = fingerprint_statement(present)
    rows = sorted(tuple(row) for row in connection.execute(statement)) if statement is not None else []
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:16]
