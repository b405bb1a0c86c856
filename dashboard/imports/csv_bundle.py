"""servicemap's CSV bundle: one file per native table, named and laid out as documented in data/README.md.

ci.csv (id, name, class, status, criticality, environment, location, owner, updated_at, attributes),
relationship.csv (source_id, target_id, type, updated_at), incident.csv (number, ci_id, priority, state, opened_at,
resolved_at, summary, updated_at), health.csv (ci_id, status, metric, value, observed_at) and change.csv (number,
ci_id, state, summary, planned_start, planned_end, actual_start, actual_end, updated_at). Every file is optional;
ids are the bundle's own (any text), references may also be names of the bundle's CIs. The folder is one key scope
(named as batch.place_names says): its files refer to each other, and to nothing else unless the import joins by name.
Give the folder or the files.
"""

from collections.abc import Sequence
from pathlib import Path

from dashboard.imports.batch import ImportBatch, Rejection, files_in, frame, place_names, scope_note
from dashboard.imports.csvfile import read_csv

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
    folders = place_names([path.resolve().parent for path in files])
    batch = ImportBatch(notes=scope_note([f"csv:{name}" for name in set(folders.values())]))
    for path in files:
        known = FILES.get(path.stem.lower())
        if known is None:
            batch.rejected.append(Rejection(path.name, f"not a bundle file: expected one of {_names()}"))
            continue
        part, renames = known
        table = read_csv(path)
        if table.rows.empty:
            batch.rejected.append(Rejection(path.name, "no rows to import in this file"))
            continue
        rows = table.rows.rename(columns=renames)
        # A bundle's ids are its own: unique within the folder it came in, where its files refer to each other.
        rows["scope"] = f"csv:{folders[path.resolve().parent]}"
        batch = batch + ImportBatch(**{part: frame(part, rows, table.origins())})
    return batch


def _names() -> str:
    return ", ".join(f"{stem}.csv" for stem in FILES)
