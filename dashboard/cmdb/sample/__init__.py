"""The sample CMDB generator: a made-up but realistic enterprise, with known dirt planted in exact amounts.

generate() writes the native tables (see data/README.md); the same SampleSpec always writes the same rows.
"""

import sqlalchemy as sa

from dashboard.cmdb.sample.spec import Planted, SampleSpec
from dashboard.cmdb.sample.tables import sample_tables
from dashboard.cmdb.sample.write import prepare, target_engine, write_tables

__all__ = ["Planted", "SampleSpec", "generate"]


def generate(
    url: str | sa.Engine,
    spec: SampleSpec = SampleSpec(),  # noqa: B008 - frozen, so one shared default is safe
    *,
    progress: bool = True,
    replace: bool = False,
) -> Planted:
    """Write a sample enterprise CMDB into the database at url (creating the native tables)."""
    with target_engine(url) as engine:
        prepare(engine, replace=replace)  # before generating, so a refusal is immediate
        tables, dirty = sample_tables(spec)
        write_tables(engine, tables, progress=progress)
    return dirty.planted
