"""The import formats: name → the module that parses it (imported only when used)."""

import importlib
import inspect
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard.imports.batch import ANY_SCOPE, ImportBatch


@dataclass(frozen=True, slots=True)
class ImportFormat:
    """A format the import command accepts: its parser module and what it reads."""

    module: str  # has `parse(paths: Sequence[Path], **options) -> ImportBatch`
    reads: str
    # True when the format's rows name CIs that live anywhere (a metric's CI, an edge list's endpoints): its references
    # are resolved by name across the import and the target, not within a key scope (see batch.py).
    names_anywhere: bool = False


FORMATS: dict[str, ImportFormat] = {
    "csv": ImportFormat("dashboard.imports.csv_bundle", "servicemap's CSV bundle: ci.csv, relationship.csv, …"),
    "servicenow": ImportFormat("dashboard.imports.servicenow", "ServiceNow CSV exports (cmdb_ci, incident, …)"),
    "netbox-json": ImportFormat("dashboard.imports.netbox_json", "NetBox dumpdata JSON"),
    "graphml": ImportFormat("dashboard.imports.graphml", "a dependency graph as GraphML"),
    "edges": ImportFormat("dashboard.imports.edges", "an edge list CSV: source, target, type", names_anywhere=True),
    "metrics": ImportFormat(
        "dashboard.imports.monitoring", "health metrics CSV: timestamp, ci, metric, value", names_anywhere=True
    ),
    "alerts": ImportFormat(
        "dashboard.imports.monitoring", "alert or fault list CSV/JSON: time, ci, type", names_anywhere=True
    ),
    "nezha": ImportFormat("dashboard.imports.nezha", "a data set in the Nezha layout (a folder)"),
    "traces": ImportFormat("dashboard.imports.traces", "spans (OTLP JSON, Jaeger JSON, Zipkin v2 JSON, span CSV)"),
}


def parse(format_name: str, paths: Sequence[Path], **options: object) -> ImportBatch:
    """Parse files of one format into a batch; ValueError for an unknown format, an option the format does not take
    or a file that cannot be read. Options given as None are left out (the format's default applies)."""
    known = FORMATS.get(format_name)
    if known is None:
        raise ValueError(f"unknown import format {format_name!r}: use one of {', '.join(FORMATS)}")
    for path in paths:
        if not path.exists():
            raise ValueError(f"{path}: no such file or folder")
    module = importlib.import_module(known.module)
    parser = getattr(module, f"parse_{format_name.replace('-', '_')}", None) or module.parse
    given = {name: value for name, value in options.items() if value is not None}
    taken = inspect.signature(parser).parameters
    foreign = sorted(name for name in given if name not in taken)
    if foreign:
        shown = ", ".join("--" + name.replace("_", "-") for name in foreign)
        raise ValueError(f"{shown}: not an option of the format {format_name!r}")
    batch = parser(list(paths), **given)

    # Keys are unique within their format unless the parser said where (see batch.py, scope); references are resolved
    # in that scope too, unless the format's rows name CIs that live anywhere.
    def scoped(part: str, rows: pd.DataFrame) -> pd.DataFrame:
        default = ANY_SCOPE if known.names_anywhere and part != "cis" else format_name
        return rows.assign(scope=rows["scope"].where(rows["scope"].notna(), default))

    batch.change_rows(scoped)
    return batch
