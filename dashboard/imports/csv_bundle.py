"""servicemap's CSV bundle: one file per native table, named and laid out as documented in data/README.md.

ci.csv (id, name, class, status, criticality, environment, location, owner, updated_at, attributes),
relationship.csv (source_id, target_id, type, updated_at), incident.csv (number, ci_id, priority, state, opened_at,
resolved_at, summary, updated_at), health.csv (ci_id, status, metric, value, observed_at) and change.csv (number,
ci_id, state, summary, planned_start, planned_end, actual_start, actual_end, updated_at). Every file is optional;
ids are the bundle's own (any text), references may also be CI names. Give the folder or the files.
"""

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from dashboard.imports.batch import ImportBatch, Rejection, files_in, frame

# file stem → (batch part, renames from the file's columns to the batch's)
FILES: dict[str, tuple[str, dict[str, str]]] = {
    "ci": ("cis", {"id": "key"}),
    "relationship": ("relationships", {"source_id": "source", "target_id": "target"}),
    "incident": ("incidents", {"ci_id": "ci"}),
    "health": ("health", {"ci_id": "ci"}),
    "change": ("changes", {"ci_id": "ci"}),
}


def parse(paths: Sequence[Path]) -> ImportBatch:
    """Read the bundle's files (a folder stands for the files in it); a file with another name is rejected."""
    files = files_in(paths, "*.csv")
    batch = ImportBatch()
    for path in files:
        known = FILES.get(path.stem.lower())
        if known is None:
            batch.rejected.append(Rejection(path.name, f"not a bundle file: expected one of {_names()}"))
            continue
        part, renames = known
        rows = read_csv(path)
        origins = [f"{path.name} line {n}" for n in range(2, len(rows) + 2)]
        batch = batch + ImportBatch(**{part: frame(part, rows.rename(columns=renames), origins)})
    return batch


def read_csv(path: Path) -> pd.DataFrame:
    """A CSV file as text columns (nothing guessed), header names trimmed and lower case; empty cells as NULL."""
    try:
        rows = pd.read_csv(path, dtype="str", keep_default_na=False, na_values=[""], encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError) as error:
        raise ValueError(f"{path}: not a readable CSV file ({error})") from None
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    return rows.rename(columns=lambda c: str(c).strip().lower())


def _names() -> str:
    return ", ".join(f"{stem}.csv" for stem in FILES)
