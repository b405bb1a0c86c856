"""Hand-made CMDB rows for tests: complete rows from a few fields, as frames or written to a database."""

from datetime import UTC, datetime, timedelta

import pandas as pd
import sqlalchemy as sa

from dashboard.cmdb import schema
from dashboard.cmdb.load import Frames, empty_frame, normalise

NOW = datetime(2026, 11, 1, 12, 0, 0)


def ci(id_: int, name: str | None = None, cls: str = "server", **fields: object) -> dict:
    """A CI row with sensible defaults."""
    row = {
        "id": id_,
        "name": name if name is not None else f"ci-{id_}",
        "class": cls,
        "status": "operational",
        "criticality": "medium",
        "environment": "production",
        "location": "FRA1",
        "owner": "Unix Ops",
        "updated_at": NOW,
        "attributes": "{}",
    }
    return row | fields


def rel(id_: int, source: int, type_: str, target: int) -> dict:
    """A relationship row: source TYPE target."""
    return {"id": id_, "source_id": source, "target_id": target, "type": type_, "updated_at": NOW}


def incident(number: str, ci_id: int, priority: int = 3, state: str = "new", **fields: object) -> dict:
    """An incident row."""
    row = {
        "number": number,
        "ci_id": ci_id,
        "priority": priority,
        "state": state,
        "opened_at": NOW,
        "resolved_at": None,
        "summary": "Something broke",
        "updated_at": NOW,
    }
    return row | fields


def health(id_: int, ci_id: int, status: str, metric: str = "availability", **fields: object) -> dict:
    """A monitoring event an hour ago (the loader reads only the last days' events, counted from now)."""
    observed = datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=1)
    row = {"id": id_, "ci_id": ci_id, "status": status, "metric": metric, "value": None, "observed_at": observed}
    return row | fields


def frames(**tables: list[dict]) -> Frames:
    """Frames as the loader would return them, from lists of rows (missing tables are empty)."""
    out = {}
    for table in schema.TABLES:
        rows = tables.get(table.name)
        out[table.name] = normalise(table.name, pd.DataFrame(rows)) if rows else empty_frame(table)
    return Frames(out, "test", {})


def write(url: str | sa.URL, **tables: list[dict]) -> None:
    """Create the native tables at url and insert the rows."""
    engine = sa.create_engine(url)
    try:
        schema.create_schema(engine)
        with engine.begin() as connection:
            for name, rows in tables.items():
                if rows:
                    connection.execute(schema.metadata.tables[name].insert(), rows)
    finally:
        engine.dispose()
