"""Free attributes read from several source columns as one text column, and made a JSON object after reading.

A profile's SELECT has one `attributes` column (the loader may read it later, on its own: see load.reading_frames),
so the source columns it is made of travel packed: `name=value` pairs joined by a separator no CMDB text holds.
"""

import json

import pandas as pd
import sqlalchemy as sa

SEPARATOR = "\x1f"  # ASCII unit separator


def packed(pairs: list[tuple[str, sa.ColumnElement]]) -> sa.ColumnElement:
    """One text column holding every (attribute name, column) pair: `name=value`, an empty value where NULL."""
    text: sa.ColumnElement | None = None
    for name, column in pairs:
        part = sa.literal(f"{name}=") + sa.func.coalesce(sa.cast(column, sa.String), "")
        text = part if text is None else text + SEPARATOR + part
    return text if text is not None else sa.null()


def unpacked(values: pd.Series) -> pd.Series:
    """Packed texts as JSON objects of their non-empty values (NULL stays NULL)."""
    return pd.Series([_object(v) for v in values], index=values.index, dtype="object")


def _object(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    pairs = (part.partition("=") for part in value.split(SEPARATOR))
    return json.dumps({name: text for name, _, text in pairs if text.strip()})
