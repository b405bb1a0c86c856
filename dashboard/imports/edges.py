"""A plain edge list: CSV with source, target and optionally type, source_class, target_class (see docs/importers.md).

Every name in source or target stands for a CI. A name without a class refers to the CI of that name in the target
database when there is one, and is otherwise created as an application (DEFAULT_CLASS). A name given a class is a CI
of that class (matched on re-import by class and name). The first class given for a name wins.
"""

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from dashboard.imports.batch import ImportBatch, Rejection, frame, parse_files
from dashboard.imports.csvfile import read_csv

DEFAULT_CLASS = "application"
DEFAULT_TYPE = "depends on"
REQUIRED = ("source", "target")


def parse(paths: Sequence[Path]) -> ImportBatch:
    """Read edge list CSV files (a folder stands for the .csv files in it)."""
    return _one_ci_per_name(parse_files(paths, "*.csv", parse_file))


def parse_file(path: Path) -> ImportBatch:
    """One edge list file: its relationships and a CI per name it mentions."""
    table = read_csv(path)
    missing = [c for c in REQUIRED if c not in table.rows.columns]
    if missing:
        shown = ", ".join(map(repr, table.rows.columns))  # names from the file: control characters escaped
        reason = f"not an edge list: no {' or '.join(missing)} column (columns are {shown})"
        return ImportBatch(rejected=[Rejection(path.name, reason)])
    rows = table.rows.reindex(columns=[*REQUIRED, "type", "source_class", "target_class"]).astype("object")
    origins = table.origins()
    edges = pd.DataFrame(
        {"source": rows["source"].str.strip(), "target": rows["target"].str.strip(),
         "type": rows["type"].fillna(DEFAULT_TYPE)}
    )  # fmt: skip
    ends = [
        pd.DataFrame({"name": rows[end].str.strip(), "class": rows[f"{end}_class"], "origin": origins})
        for end in REQUIRED
    ]
    named = pd.concat(ends, ignore_index=True).dropna(subset=["name"])
    named = named.loc[named["name"] != ""]
    cis = pd.DataFrame(
        {
            "key": named["name"],
            "name": named["name"],
            "class": named["class"].fillna(DEFAULT_CLASS),
            "placeholder": named["class"].isna(),
        }
    )
    return ImportBatch(
        cis=frame("cis", cis, named["origin"].tolist()), relationships=frame("relationships", edges, origins)
    )


def _one_ci_per_name(batch: ImportBatch) -> ImportBatch:
    """One CI per name (case ignored): the first row that gives a class, else the first row."""
    cis = batch.cis
    if cis.empty:
        return batch
    lower = cis["name"].str.lower()
    order = cis.assign(_lower=lower, _unclassed=cis["placeholder"].astype(bool)).sort_values(
        ["_unclassed"], kind="stable"
    )
    first = order.drop_duplicates("_lower").sort_index().drop(columns=["_lower", "_unclassed"])
    batch.cis = first.reset_index(drop=True)
    return batch
