"""Bring servicemap's own database, written by an earlier version, up to the current native schema before an import.

Only ever run on servicemap's own database (the importers check that first), never on a CMDB it reads. Columns added
since are added (all nullable); columns that became nullable lose their NOT NULL. Rows are kept as they are.
"""

import sqlalchemy as sa

from dashboard.cmdb import schema


def upgrade_schema(connection: sa.Connection) -> list[str]:
    """Add missing columns and relax NOT NULL where the schema now allows NULL; what was done, for the report."""
    done: list[str] = []
    inspector = sa.inspect(connection)
    present = set(inspector.get_table_names())
    for table in schema.TABLES:
        if table.name not in present:
            continue
        columns = {c["name"]: c for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in columns:
                _add_column(connection, table, column)
                done.append(f"added {table.name}.{column.name}")
        relaxed = [c for c in table.columns if c.name in columns and c.nullable and not columns[c.name]["nullable"]]
        if relaxed:
            _allow_null(connection, table, relaxed)
            done.extend(f"{table.name}.{c.name} may be empty" for c in relaxed)
    return done


def _add_column(connection: sa.Connection, table: sa.Table, column: sa.Column) -> None:
    preparer = connection.dialect.identifier_preparer
    kind = column.type.compile(dialect=connection.dialect)
    connection.execute(
        sa.text(f"ALTER TABLE {preparer.format_table(table)} ADD COLUMN {preparer.format_column(column)} {kind}")
    )


def _allow_null(connection: sa.Connection, table: sa.Table, columns: list[sa.Column]) -> None:
    preparer = connection.dialect.identifier_preparer
    name = preparer.format_table(table)
    dialect = connection.dialect.name
    if dialect == "sqlite":  # SQLite cannot alter a column: the table is rebuilt with the same rows
        _rebuild(connection, table)
        return
    for column in columns:
        quoted = preparer.format_column(column)
        if dialect in ("mysql", "mariadb"):
            kind = column.type.compile(dialect=connection.dialect)
            connection.execute(sa.text(f"ALTER TABLE {name} MODIFY {quoted} {kind} NULL"))
        else:
            connection.execute(sa.text(f"ALTER TABLE {name} ALTER COLUMN {quoted} DROP NOT NULL"))


def _rebuild(connection: sa.Connection, table: sa.Table) -> None:
    old = f"_old_{table.name}"
    for index in table.indexes:  # they move with the renamed table, and their names would clash
        connection.execute(sa.text(f'DROP INDEX IF EXISTS "{index.name}"'))
    connection.execute(sa.text(f'ALTER TABLE "{table.name}" RENAME TO "{old}"'))
    table.create(connection)
    columns = ", ".join(f'"{c.name}"' for c in table.columns)
    connection.execute(sa.text(f'INSERT INTO "{table.name}" ({columns}) SELECT {columns} FROM "{old}"'))
    connection.execute(sa.text(f'DROP TABLE "{old}"'))
