"""A cheap fingerprint of a CMDB: row count and newest change marker per source table, in one round trip."""

import hashlib

import sqlalchemy as sa

from dashboard.cmdb.profiles import Profile
from dashboard.cmdb.profiles.base import present_tables
from dashboard.cmdb.profiles.native import NATIVE


def fingerprint(connection: sa.Connection, profile: Profile = NATIVE) -> str:
    """A short hash that changes when any table the profile reads gains, loses or updates a row."""
    statement = profile.fingerprint_statement(present_tables(connection))
    rows = sorted(tuple(row) for row in connection.execute(statement)) if statement is not None else []
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:16]
