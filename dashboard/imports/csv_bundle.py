"""servicemap's CSV bundle: one file per native table, named and laid out as documented in data/README.md.

ci.csv (id, name, class, status, criticality, environment, location, owner, updated_at, attributes),
relationship.csv (source_id, target_id, type, updated_at), incident.csv (number, ci_id, priority, state, opened_at,
resolved_at, summary, updated_at), health.csv (ci_id, status, metric, value, observed_at) and change.csv (number,
ci_id, state, summary, planned_start, planned_end, actual_start, actual_end, updated_at, and optionally type and
assignment_group). Every file is optional;
ids are the bundle's own (any text), references may also be names of the bundle's CIs. The folder is one key scope
(named as batch.place_names says): its files refer to each other, and to nothing else unless the import joins by name.
Give the folder or the files.
"""

from collections.abc import Iterator, Sequence
from functools import partial
from pathlib import Path

import pandas as pd

from dashboard.imports import csvfile
from dashboard.imports.batch import ImportBatch, Rejection, files_in, frame, place_names, scope_note

# file stem → (batch part, renames from the file's columns to the batch's)
FILES: dict[str, tuple[str, dict[str, str]]] = {
    "ci": ("cis", {"id": "key"}),
    "relationship": ("relationships", {"source_id": "source", "target_id": "target"}),
    "incident": ("incidents", {"ci_id": "ci"}),
    "health": ("health", {"ci_id": "ci"}),
    "change": ("changes", {"ci_id": "ci"}),
}


def parse(paths: Sequence[Path]) -> ImportBatch:
    """The bundle's files (a folder stands for the files in it); a file with another name, or without rows, is
    rejected. Only each file's beginning is read here: the import reads the rows a chunk at a time (csvfile.CHUNK_ROWS),
    so that a bundle of millions of rows is never in memory whole."""
    files = files_in(paths, "*.csv")
    folders = place_names([path.resolve().parent for path in files])
    batch = ImportBatch(notes=scope_note([f"csv:{name}" for name in set(folders.values())]))
    for path in files:
        known = FILES.get(path.stem.lower())
        if known is None:
            batch.rejected.append(Rejection(path.name, f"not a bundle file: expected one of {_names()}"))
            continue
        if not csvfile.has_rows(path):
            batch.rejected.append(Rejection(path.name, "no rows to import in this file"))
            continue
        part, renames = known
        # A bundle's ids are its own: unique within the folder it came in, where its files refer to each other.
        scope = f"csv:{folders[path.resolve().parent]}"
        batch.streamed.setdefault(part, []).append(partial(_chunks, path, part, renames, scope))
    return batch


def _chunks(path: Path, part: str, renames: dict[str, str], scope: str) -> Iterator[pd.DataFrame]:
    """One bundle file's rows as a part's frames, a chunk at a time."""
    for table in csvfile.read_csv_chunks(path, csvfile.CHUNK_ROWS):
        rows = table.rows.rename(columns=renames).assign(scope=scope)
        yield frame(part, rows, table.origins())


def _names() -> str:
    return ", ".join(f"{stem}.csv" for stem in FILES)
