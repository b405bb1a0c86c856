"""ImportBatch: what a format parser hands over, in the native model's shape but keyed by the source's own ids."""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

# Columns of each part of a batch. CIs carry `key` (the source's id) and `scope`, where that key is unique: one file
# ("graphml:deps.graphml"), one CSV bundle folder ("csv:exports"), one ServiceNow instance ("servicenow"). The key is
# stored as scope:key, so that a later import matches it only when it comes from the same place.
# The other parts refer to CIs by a reference (`ci`, `source`, `target`) resolved in their row's `scope`: a key of that
# scope, else a name unique among that scope's CIs (of this batch, or of an earlier import of the same scope). A key
# never reaches a CI of another scope; names reach other scopes only when the import joins by name (--join-by name).
# A reference row without a scope (ANY_SCOPE) names a CI that lives anywhere: a name unique in the batch, else in the
# target database — metrics, alerts and edge lists refer to CIs this way.
# A CI with `placeholder` true is one a format only names (an edge list's endpoint): when the target already has a CI
# of that name (the one of the same scope and key first), that CI is used and the placeholder dropped; otherwise it
# is created.
COLUMNS: dict[str, tuple[str, ...]] = {
    "cis": ("key", "name", "class", "status", "criticality", "environment", "location", "owner", "updated_at",
            "attributes", "placeholder", "scope"),
    "relationships": ("source", "target", "type", "updated_at", "scope"),
    "incidents": ("number", "ci", "priority", "state", "opened_at", "resolved_at", "summary", "updated_at",
                  "assignment_group", "category", "location", "contact_type", "business_service", "scope"),
    "health": ("ci", "status", "metric", "value", "observed_at", "scope"),
    "changes": ("number", "ci", "state", "summary", "planned_start", "planned_end", "actual_start", "actual_end",
                "updated_at", "type", "assignment_group", "scope"),
    # Calls from source to target per time bucket (traces.py): one row per (source, target, bucket_start).
    "traffic": ("source", "target", "bucket_start", "bucket_seconds", "requests", "errors", "p50_ms", "p95_ms",
                "scope"),
}  # fmt: skip
ANY_SCOPE = ""  # the scope of references that name CIs wherever they live
PARTS: tuple[str, ...] = tuple(COLUMNS)
# An incident's audit trail (not a part: its rows go with their incident, written when the incident is, and replaced
# with it). `seq` orders an incident's updates; see dashboard/imports/incident_history.py.
HISTORY_COLUMNS: tuple[str, ...] = ("number", "seq", "field", "old_value", "new_value", "changed_at")
# Parts that only some formats produce: an import report lists them only when it has rows of them.
OPTIONAL_PARTS: tuple[str, ...] = ("traffic",)
# Where each part's rows came from: shown with rejections ("incident.csv line 12").
ORIGIN = "_origin"
# A part's rows still in their file, read on demand a frame at a time (COLUMNS plus ORIGIN, as a parsed part).
Chunks = Callable[[], Iterator[pd.DataFrame]]


@dataclass(frozen=True, slots=True)
class Rejection:
    """A source row that was not imported, and why."""

    origin: str  # file and row, e.g. "incident.csv line 12"
    reason: str
    part: str = (
        ""  # cis, relationships, incidents, health, changes or traffic; empty when the row was not recognised at all
    )


@dataclass(slots=True)
class ImportBatch:
    """Parsed rows per part (frames with COLUMNS plus ORIGIN), and the rows the parser already rejected."""

    cis: pd.DataFrame = field(default_factory=lambda: empty("cis"))
    relationships: pd.DataFrame = field(default_factory=lambda: empty("relationships"))
    incidents: pd.DataFrame = field(default_factory=lambda: empty("incidents"))
    health: pd.DataFrame = field(default_factory=lambda: empty("health"))
    changes: pd.DataFrame = field(default_factory=lambda: empty("changes"))
    traffic: pd.DataFrame = field(default_factory=lambda: empty("traffic"))
    incident_history: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(HISTORY_COLUMNS)))
    rejected: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the parser read past on purpose (shown in the report)
    # Rows of a part left in their files (a large CSV bundle), read by the import a chunk at a time after the part's
    # frame, so that they never are all in memory at once.
    streamed: dict[str, list[Chunks]] = field(default_factory=dict)

    def part(self, name: str) -> pd.DataFrame:
        """One part's frame by name (its parsed rows; the streamed ones are read by chunks())."""
        return getattr(self, name)

    def chunks(self, name: str) -> Iterator[pd.DataFrame]:
        """All of a part's rows, a frame at a time: its parsed frame (when it has rows), then each streamed chunk."""
        if len(parsed := self.part(name)):
            yield parsed
        for read in self.streamed.get(name, []):
            yield from read()

    def counts(self) -> dict[str, int]:
        """Rows per part, as parsed (a part only some formats produce only when it has rows); streamed rows are
        counted when the import reads them."""
        counts = {name: len(self.part(name)) for name in PARTS}
        return {name: n for name, n in counts.items() if n or name not in OPTIONAL_PARTS}

    def change_rows(self, change: Callable[[str, pd.DataFrame], pd.DataFrame]) -> None:
        """Apply `change` (part name, rows → rows) to every part: the parsed frames now, the streamed chunks as the
        import reads them."""
        for name in PARTS:
            setattr(self, name, change(name, self.part(name)))
        self.streamed = {
            name: [_changed(read, name, change) for read in reads] for name, reads in self.streamed.items()
        }

    def __add__(self, other: "ImportBatch") -> "ImportBatch":
        """Two batches as one (several files of one import)."""
        frames = {name: _concat(self.part(name), other.part(name)) for name in PARTS}
        history = _concat(self.incident_history, other.incident_history)
        streamed = {name: [*self.streamed.get(name, []), *other.streamed.get(name, [])]
                    for name in {*self.streamed, *other.streamed}}  # fmt: skip
        return ImportBatch(
            **frames,
            incident_history=history,
            rejected=[*self.rejected, *other.rejected],
            notes=[*self.notes, *other.notes],
            streamed=streamed,
        )


def _changed(read: Chunks, name: str, change: Callable[[str, pd.DataFrame], pd.DataFrame]) -> Chunks:
    return lambda: (change(name, chunk) for chunk in read())


def frame(part: str, rows: list[dict[str, object]] | pd.DataFrame, origin: str | list[str]) -> pd.DataFrame:
    """A part's frame from dicts or a frame: absent columns as NULL, unknown ones dropped, origin attached."""
    data = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
    out = pd.DataFrame({name: data.get(name) for name in COLUMNS[part]}, index=data.index)
    out[ORIGIN] = origin if isinstance(origin, str) else pd.Series(origin, index=data.index, dtype="str")
    return out.reset_index(drop=True)


def empty(part: str) -> pd.DataFrame:
    """A part with no rows."""
    return pd.DataFrame({name: pd.Series(dtype="object") for name in (*COLUMNS[part], ORIGIN)})


def _concat(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    if a.empty:
        return b
    if b.empty:
        return a
    return pd.concat([a, b], ignore_index=True)


def files_in(paths: Sequence[Path], *patterns: str) -> list[Path]:
    """The files to read: a folder stands for its files matching any of the patterns (sorted), a file for itself."""
    return [
        file
        for path in paths
        for file in (sorted({f for pattern in patterns for f in path.glob(pattern)}) if path.is_dir() else [path])
    ]


def place_names(places: Sequence[Path]) -> dict[Path, str]:
    """A key scope's name for each place (a file or a bundle folder) of one import: its base name, as it always was, so
    that importing it again from the same place matches what it stored; where two places of the import share that
    name, each is named with as many of its parent folders as set it apart (app1/graph.graphml, app2/graph.graphml).
    Places are resolved first: a relative path (".", "ci.csv") is named after the folder it stands for, never ""."""
    distinct = sorted({place.resolve() for place in places})
    names = {}
    for place in distinct:
        others = [other.parts for other in distinct if other != place]
        depth = 1
        while depth < len(place.parts) and any(parts[-depth:] == place.parts[-depth:] for parts in others):
            depth += 1
        names[place] = Path(*place.parts[-depth:]).as_posix()
    return {place: names[place.resolve()] for place in places}


def scope_note(scopes: Sequence[str]) -> list[str]:
    """The report's note on the scopes that place_names set apart by their folders (none when no name was shared)."""
    apart = sorted({scope for scope in scopes if "/" in scope.partition(":")[2]})
    if not apart:
        return []
    return [f"files of the same name are separate key scopes: {', '.join(apart)} (--scope NAME names one yourself)"]


def with_scope(batch: ImportBatch, scope: str) -> ImportBatch:
    """The batch with every key scope it names replaced by `scope` (--scope): all its files are then one source, whose
    keys match what earlier imports under that scope stored. References that name CIs anywhere stay so."""
    if not scope.strip():
        raise ValueError("--scope: give a name for the import's key scope (it cannot be empty)")
    batch.change_rows(lambda _, rows: rows.assign(scope=rows["scope"].where(rows["scope"] == ANY_SCOPE, scope.strip())))
    return batch


def parse_files(paths: Sequence[Path], pattern: str, parse_file: Callable[[Path], ImportBatch]) -> ImportBatch:
    """Every file of `paths` (folders by `pattern`) parsed on its own, the batches added together; a file that gave
    no row at all is a rejection (so that an empty file is never an import that silently did nothing)."""
    batch = ImportBatch()
    for path in files_in(paths, pattern):
        parsed = parse_file(path)
        if not parsed.rejected and not any(parsed.counts().values()):
            parsed.rejected.append(Rejection(path.name, "no rows to import in this file"))
        batch = batch + parsed
    return batch
