"""How old the health events are that the health window left out: one aggregate query, asked only when the window
held none (a CMDB imported from a 2022 data set shows every CI as unknown, and the page must say why)."""

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import sqlalchemy as sa

from dashboard.cmdb.connect import read_only_engine
from dashboard.cmdb.profiles import Profile
from dashboard.cmdb.profiles.base import present_tables


@dataclass(frozen=True, slots=True)
class OutsideWindow:
    """Health events the source holds outside the health window: how many, and when the newest was observed."""

    events: int
    newest: datetime | None


def health_outside_window(url: str | sa.URL, profile: Profile) -> OutsideWindow:
    """Count and newest observed_at of every health event of the source, whatever the window (the profile's own
    SELECT without the window's condition, so that any schema is asked the same way)."""
    engine = read_only_engine(url)
    try:
        with engine.connect() as connection:
            plan = profile.plan(engine, present_tables(connection), None)
            statement = plan.statements.get("health")
            if statement is None:
                return OutsideWindow(0, None)
            events = statement.subquery()
            if "observed_at" not in events.c:
                return OutsideWindow(0, None)
            query = sa.select(sa.func.count(), sa.func.max(events.c.observed_at))
            count, newest = connection.execute(query).one()
    finally:
        engine.dispose()
    return OutsideWindow(int(count or 0), _timestamp(newest))


def _timestamp(value: object) -> datetime | None:
    """A naive-UTC datetime from what the driver returned (SQLite gives text)."""
    if value is None:
        return None
    stamp = pd.to_datetime(value, errors="coerce", utc=True)
    return None if pd.isna(stamp) else stamp.tz_convert(None).to_pydatetime()
