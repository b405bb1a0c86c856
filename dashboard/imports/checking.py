"""A part's rows checked a chunk at a time (validate.check_part on each chunk), the results put together as one.

An import reads a large file a chunk at a time (batch.chunks) and keeps only each chunk's checked rows: typed columns,
without the text they came from. What must hold across the whole part (a key or number used once) is checked after
the chunks, so that where a chunk ends never changes what is imported.
"""

from collections.abc import Iterator

import pandas as pd

from dashboard.imports.batch import ORIGIN, Rejection, empty
from dashboard.imports.report import PartReport
from dashboard.imports.resolve import Resolver
from dashboard.imports.validate import Checked, check_part

# Parts whose rows an import holds unique by a key of its own: a row repeating the key of an earlier row that passed
# its checks is rejected (a CI's stored key is scope:key, see batch.py); checked after the chunks of a part, so that
# the outcome does not depend on where chunks end. Their checked rows keep their origin, to name such a row.
_UNIQUE = {"cis": "stored_key", "incidents": "number", "changes": "number"}
# References every row of their part must have: held as plain int64 once checked (Int64 turns into objects).
_IDS = frozenset({"source_id", "target_id", "ci_id"})


def check_chunks(part: str, chunks: Iterator[pd.DataFrame], counts: PartReport, resolver: Resolver) -> Checked:
    """A part's rows checked a chunk at a time (each counted as read), the results as one."""
    results = [check_part(part, chunk, resolver.within(chunk["scope"])) for chunk in _counted(chunks, counts)]
    return _as_one(part, results or [check_part(part, empty(part), resolver.within(empty(part)["scope"]))])


def _counted(chunks: Iterator[pd.DataFrame], counts: PartReport) -> Iterator[pd.DataFrame]:
    """The chunks (indexed from 0), each counted as read."""
    for chunk in chunks:
        counts.read += len(chunk)
        yield chunk.reset_index(drop=True)


def _as_one(part: str, results: list[Checked]) -> Checked:
    """A part's checked chunks (at least one) as one: a row that repeats the key of an accepted row before it
    rejected, and the rows' origins dropped where no later step names a row (the bulk of the text an import would
    hold)."""
    if part not in _UNIQUE:
        for result in results:
            result.rows = result.rows.drop(columns=ORIGIN)
    rows = pd.concat([r.rows for r in results], ignore_index=True) if len(results) > 1 else results[0].rows
    for column in _IDS.intersection(rows.columns):
        if not rows[column].hasnans:
            rows[column] = rows[column].astype("int64")
    rejected = [rejection for result in results for rejection in result.rejected]
    if part in _UNIQUE:
        rows = _reject_repeats(part, rows, rejected)
    return Checked(rows, rejected)


def _reject_repeats(part: str, rows: pd.DataFrame, rejected: list[Rejection]) -> pd.DataFrame:
    """The rows without those that repeat an earlier row's key, each of those added to `rejected`."""
    key = rows[_UNIQUE[part]]
    repeats = key.duplicated() & key.notna()
    if part == "cis":
        reasons = ("another row of " + rows.loc[repeats, "scope"].fillna("this import") + " has the same key").tolist()
    else:
        reasons = ["another row of this import has the same number"] * int(repeats.sum())
    origins = rows.loc[repeats, ORIGIN].astype("str").tolist()
    rejected.extend(Rejection(origin, reason, part) for origin, reason in zip(origins, reasons, strict=True))
    return rows.loc[~repeats].reset_index(drop=True)


def check_ci_chunks(chunks: Iterator[pd.DataFrame], counts: PartReport) -> tuple[Checked, Checked]:
    """The import's CIs checked a chunk at a time (each counted as read): the regular ones, and the placeholders."""
    regular, named = [], []
    for chunk in _counted(chunks, counts):
        flagged = chunk["placeholder"].astype("str").str.strip().str.lower().isin(("true", "1", "yes"))
        regular.append(check_part("cis", chunk.loc[~flagged]))
        named.append(check_part("cis", chunk.loc[flagged]))
    none = [check_part("cis", empty("cis"))]
    return _as_one("cis", regular or none), _as_one("cis", named or none)
