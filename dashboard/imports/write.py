"""Resolve, validate and write an ImportBatch into servicemap's own database; a dry run only reports.

Importing again updates instead of duplicating: CIs match by class and name (ignoring case), incidents and changes by
number, relationships by (source, target, type), health events by (CI, metric, time). Every row that is not
written is reported with its origin and the reason.
A placeholder CI (see batch.py) whose name the target already has is not written: references to it go to that CI.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd
import sqlalchemy as sa
from tqdm import tqdm

from dashboard.cmdb import schema
from dashboard.cmdb.connect import parse_url, redacted, sqlite_path, writable_engine
from dashboard.cmdb.upgrade import upgrade_schema
from dashboard.imports.batch import OPTIONAL_PARTS, PARTS, ImportBatch, Rejection
from dashboard.imports.validate import Checked, check_part, parse_times

CHUNK_ROWS = 20_000
_TABLE_OF = {
    "cis": "ci",
    "relationships": "relationship",
    "incidents": "incident",
    "health": "health",
    "changes": "change",
    "traffic": "call_traffic",
}
# Call traffic is matched on its key and kept when its figures are the same, replaced when not.
TRAFFIC_KEY = ("source_id", "target_id", "bucket_start")
TRAFFIC_FIGURES = ("bucket_seconds", "requests", "errors", "p50_ms", "p95_ms")


@dataclass(slots=True)
class PartReport:
    """What happened to one part's rows."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0


@dataclass(slots=True)
class ImportReport:
    """The outcome of an import: counts per part and every rejected row."""

    target: str
    dry_run: bool
    parts: dict[str, PartReport] = field(default_factory=lambda: {name: PartReport() for name in PARTS})
    rejected: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """A table for the terminal."""
        verb = "Would import" if self.dry_run else "Imported"
        out = [f"{verb} into {self.target}:", f"  {'':14}{'added':>10}{'updated':>10}{'unchanged':>10}{'rejected':>10}"]
        for name, part in self.parts.items():
            out.append(f"  {name:14}{part.added:>10,}{part.updated:>10,}{part.unchanged:>10,}{part.rejected:>10,}")
        unassigned = sum(1 for r in self.rejected if not r.part)
        if unassigned:
            out.append(f"  {unassigned:,} source rows were not recognised at all (listed below)")
        out.extend(f"  {note}" for note in self.notes)
        return out


def import_batch(url: str, batch: ImportBatch, *, dry_run: bool = False, progress: bool = True) -> ImportReport:
    """Write the batch into servicemap's own database at `url` (created if needed); with dry_run, write nothing."""
    url_parsed = parse_url(url)
    report = ImportReport(redacted(url_parsed), dry_run, rejected=list(batch.rejected), notes=list(batch.notes))
    for rejection in batch.rejected:
        if rejection.part:
            report.parts[rejection.part].rejected += 1
    new_sqlite = (path := sqlite_path(url_parsed)) is not None and not path.exists()
    if dry_run and new_sqlite:
        _plan(batch, _Existing.none(), report)
        return _without_unused(report)
    if new_sqlite:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = writable_engine(url_parsed)
    try:
        with engine.begin() as connection:
            _check_own(connection)
            existing = _Existing.read(connection)
            checked = _plan(batch, existing, report)
            if not dry_run:
                schema.create_schema(connection)  # type: ignore[arg-type]
                report.notes.extend(f"database upgraded: {step}" for step in upgrade_schema(connection))
                _write(connection, checked, existing, progress)
                _write_history(connection, batch.incident_history, checked["incidents"].rows)
    finally:
        engine.dispose()
    return _without_unused(report)


def _without_unused(report: ImportReport) -> ImportReport:
    """The report without the parts only some formats produce (call traffic) when this import had none."""
    for name in OPTIONAL_PARTS:
        if report.parts[name] == PartReport():
            del report.parts[name]
    return report


def _check_own(connection: sa.Connection) -> None:
    """Refuse a database that holds tables other than servicemap's: imports write only to servicemap's own."""
    native = {t.name for t in schema.TABLES}
    foreign = sorted(set(sa.inspect(connection).get_table_names()) - native)
    if foreign:
        shown = ", ".join(foreign[:5]) + (" …" if len(foreign) > 5 else "")
        raise ValueError(
            f"{redacted(connection.engine.url)} is not servicemap's own database (it has the tables {shown}); "
            "imports write only to a database that is empty or holds servicemap's tables alone"
        )


@dataclass(frozen=True, slots=True)
class _Existing:
    """What the target already holds, for matching: CIs (id, name, class) and the keys of the other tables."""

    ci: pd.DataFrame
    max_ids: dict[str, int]
    keys: dict[str, set[tuple]]

    @classmethod
    def none(cls) -> "_Existing":
        return cls(pd.DataFrame({"id": [], "name": [], "class": [], "source_key": []}), {}, {})

    @classmethod
    def read(cls, connection: sa.Connection) -> "_Existing":
        present = set(sa.inspect(connection).get_table_names())
        if "ci" not in present:
            return cls.none()
        columns = (schema.ci.c.id, schema.ci.c.name, schema.ci.c["class"], schema.ci.c.attributes)
        ci = pd.read_sql(sa.select(*columns), connection)
        ci["source_key"] = [_source_key(text) for text in ci.pop("attributes")]
        max_ids = {
            name: int(connection.execute(sa.select(sa.func.coalesce(sa.func.max(t.c.id), 0))).scalar() or 0)
            for name, t in (("ci", schema.ci), ("relationship", schema.relationship), ("health", schema.health))
            if name in present
        }
        keys = {
            "relationships": _keys(connection, schema.relationship, ("source_id", "target_id", "type"), present),
            "incidents": _keys(connection, schema.incident, ("number",), present),
            "changes": _keys(connection, schema.change, ("number",), present),
            "health": _keys(connection, schema.health, ("ci_id", "metric", "observed_at"), present),
            "traffic": {
                _traffic_row(key)
                for key in _keys(connection, schema.call_traffic, TRAFFIC_KEY + TRAFFIC_FIGURES, present)
            },
        }
        return cls(ci, max_ids, keys)


def _keys(connection: sa.Connection, table: sa.Table, columns: tuple[str, ...], present: set[str]) -> set[tuple]:
    if table.name not in present:
        return set()
    rows = connection.execute(sa.select(*(table.c[c] for c in columns)))
    return {tuple(_plain(v) for v in row) for row in rows}


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0)
    return value


def _plan(batch: ImportBatch, existing: _Existing, report: ImportReport) -> dict[str, Checked]:
    """Validate every part, resolve CI references to ids, and count what would be added, updated or kept."""
    checked: dict[str, Checked] = {}
    rows, aliases = _known_placeholders(batch.cis, existing)
    report.parts["cis"].unchanged += len(batch.cis) - len(rows)
    cis = check_part("cis", rows)
    cis.rows = _assign_ci_ids(cis.rows, existing)
    checked["cis"] = cis
    resolve = _Resolver(cis.rows, existing.ci, aliases)
    for part in PARTS[1:]:
        checked[part] = check_part(part, batch.part(part), resolve)
    _assign_ids(checked, existing)
    for part, result in checked.items():
        report.parts[part].rejected += len(result.rejected)
        report.rejected.extend(result.rejected)
        if not result.rows.empty:
            _count(part, result, existing, report.parts[part])
    return checked


def _count(part: str, result: Checked, existing: _Existing, counts: PartReport) -> None:
    """Count added and updated rows; relationships and health events the target holds already are left out."""
    if part == "traffic":
        _count_traffic(result, existing, counts)
        return
    if part == "cis":
        exists = result.rows["_exists"]
    else:
        exists = _known(part, result.rows, existing)
        if part in ("relationships", "health"):  # kept as they are: nothing to write
            counts.unchanged += int(exists.sum())
            counts.added += int((~exists).sum())
            result.rows = result.rows.loc[~exists]
            return
    counts.updated += int(exists.sum())
    counts.added += int((~exists).sum())


def _count_traffic(result: Checked, existing: _Existing, counts: PartReport) -> None:
    """Call traffic the target holds with the same figures is left out; with other figures it is replaced."""
    held = existing.keys.get("traffic", set())
    held_keys = {row[: len(TRAFFIC_KEY)] for row in held}
    rows = result.rows
    given = [_traffic_row(row) for row in zip(*(rows[c] for c in TRAFFIC_KEY + TRAFFIC_FIGURES), strict=True)]
    same = pd.Series([row in held for row in given], index=rows.index, dtype=bool)
    replaced = pd.Series([row[: len(TRAFFIC_KEY)] in held_keys for row in given], index=rows.index, dtype=bool) & ~same
    counts.unchanged += int(same.sum())
    counts.updated += int(replaced.sum())
    counts.added += int((~same & ~replaced).sum())
    result.rows = rows.loc[~same].assign(_exists=replaced[~same])


def _traffic_row(row: tuple) -> tuple:
    """A call traffic row comparable with one read back: whole numbers, naive times, figures to the µs."""
    source, target, bucket, seconds, requests, errors, p50, p95 = row
    return (int(source), int(target), _plain(pd.Timestamp(bucket).to_pydatetime()), int(seconds), int(requests),
            int(errors), *(None if pd.isna(v) else round(float(v), 3) for v in (p50, p95)))  # fmt: skip


def _known_placeholders(cis: pd.DataFrame, existing: _Existing) -> tuple[pd.DataFrame, dict[str, int]]:
    """Drop the placeholder CIs whose name the target already has; their keys then stand for that CI."""
    flagged = cis["placeholder"].astype("str").str.strip().str.lower().isin(("true", "1", "yes"))
    if not flagged.any():
        return cis, {}
    lower = cis["name"].astype("str").str.strip().str.lower()
    old_names, shared = _names(existing.ci)
    known = flagged & (lower.isin(list(old_names)) | lower.isin(shared))
    keys = cis["key"].where(cis["key"].notna(), cis["name"]).astype("str")
    # A name several CIs share gets no alias: references to it are rejected as ambiguous by the resolver.
    aliases = {k: old_names[n] for k, n in zip(keys[known], lower[known], strict=True) if n in old_names}
    return cis.loc[~known], aliases


def _source_key(attributes: object) -> str | None:
    """The key an earlier import kept in a CI's attributes."""
    try:
        parsed = json.loads(attributes) if isinstance(attributes, str) else None
    except ValueError:
        return None
    key = parsed.get("source_key") if isinstance(parsed, dict) else None
    return str(key) if key is not None else None


def _assign_ci_ids(rows: pd.DataFrame, existing: _Existing) -> pd.DataFrame:
    """Each CI's id: the existing CI's with the same source key, else with the same class and name (where that
    pair is unique on both sides), else a new one."""
    old = existing.ci
    by_key = old.dropna(subset=["source_key"]).drop_duplicates("source_key").set_index("source_key")["id"]
    found = rows["stored_key"].astype("str").map(by_key)
    old_pairs, new_pairs = _match_key(old["class"], old["name"]), _match_key(rows["class"], rows["name"])
    by_pair = old.loc[~old_pairs.duplicated(keep=False), "id"].set_axis(old_pairs[~old_pairs.duplicated(keep=False)])
    unique_new = ~new_pairs.duplicated(keep=False)
    taken = set(found.dropna())
    pair_ids = new_pairs.map(by_pair).where(unique_new & found.isna())
    found = found.fillna(pair_ids.where(~pair_ids.isin(taken)))
    next_id = int(existing.ci["id"].max()) + 1 if len(existing.ci) else 1
    new = found.isna()
    found.loc[new] = np.arange(next_id, next_id + int(new.sum()))
    return rows.assign(id=found.astype("int64"), _exists=~new)


def _match_key(classes: pd.Series, names: pd.Series) -> pd.Series:
    return classes.astype("str").str.lower() + "\x00" + names.astype("str").str.strip().str.lower()


class _Resolver:
    """CI references → ids: a key of this batch, else a name unique in this batch, else a name unique in the target."""

    def __init__(self, cis: pd.DataFrame, existing: pd.DataFrame, aliases: dict[str, int] | None = None) -> None:
        self._by_key = {**(aliases or {}), **dict(zip(cis["key"].astype("str"), cis["id"], strict=True))}
        self._batch_names, batch_shared = _names(cis)
        self._old_names, old_shared = _names(existing)
        self._shared = batch_shared | old_shared

    def __call__(self, references: pd.Series) -> tuple[pd.Series, pd.Series]:
        """Ids (nullable) and, where none was found, the reason."""
        text = references.astype("str").str.strip()
        lower = text.str.lower()
        ids = text.map(self._by_key)
        for names in (self._batch_names, self._old_names):
            ids = ids.fillna(lower.map(names))
        missing = ids.isna()
        ambiguous = missing & lower.isin(self._shared)
        reason = pd.Series("", index=references.index, dtype="str")
        reason[missing] = "no CI with the key or name " + text[missing].str.slice(0, 120).map(repr)
        reason[ambiguous] = "the name " + text[ambiguous].str.slice(0, 120).map(repr) + " belongs to several CIs"
        reason[references.isna()] = "no CI given"
        return ids.astype("Int64"), reason


def _names(cis: pd.DataFrame) -> tuple[dict[str, int], set[str]]:
    """Lower-case names that belong to one CI (→ its id), and the names several CIs share."""
    lower = cis["name"].astype("str").str.strip().str.lower()
    counts = lower.value_counts()
    shared = set(counts.index[counts > 1])
    return {n: int(i) for n, i in zip(lower, cis["id"], strict=True) if n not in shared}, shared


def _assign_ids(checked: dict[str, Checked], existing: _Existing) -> None:
    for part, table in (("relationships", "relationship"), ("health", "health")):
        rows = checked[part].rows
        start = existing.max_ids.get(table, 0) + 1
        checked[part].rows = rows.assign(id=np.arange(start, start + len(rows), dtype=np.int64))


def _known(part: str, rows: pd.DataFrame, existing: _Existing) -> pd.Series:
    """Rows whose key the target already holds."""
    columns = {
        "relationships": ("source_id", "target_id", "type"),
        "incidents": ("number",),
        "changes": ("number",),
        "health": ("ci_id", "metric", "observed_at"),
    }[part]
    keys = existing.keys.get(part, set())
    if not keys:
        return pd.Series(False, index=rows.index)
    values = zip(*(rows[c].map(_plain) if c == "observed_at" else rows[c] for c in columns), strict=True)
    return pd.Series([tuple(_plain(v) for v in key) in keys for key in values], index=rows.index)


def _write(connection: sa.Connection, checked: dict[str, Checked], existing: _Existing, progress: bool) -> None:
    total = sum(len(c.rows) for c in checked.values())
    with tqdm(total=total, unit=" rows", disable=not progress, desc="import") as bar:
        for part, result in checked.items():
            table = schema.metadata.tables[_TABLE_OF[part]]
            rows = result.rows
            bar.set_postfix_str(table.name)
            if rows.empty:
                continue
            _delete_replaced(connection, part, rows)
            values = rows[[c.name for c in table.columns]]
            for start in range(0, len(values), CHUNK_ROWS):
                chunk = values.iloc[start : start + CHUNK_ROWS]
                connection.execute(table.insert(), _records(chunk))
                bar.update(len(chunk))


def _delete_replaced(connection: sa.Connection, part: str, rows: pd.DataFrame) -> None:
    """Remove the rows an import replaces (existing CIs, incidents and changes with the same key)."""
    if part == "cis":
        keys, column = rows.loc[rows["_exists"], "id"].tolist(), schema.ci.c.id
    elif part in ("incidents", "changes"):
        table = schema.incident if part == "incidents" else schema.change
        keys, column = rows["number"].tolist(), table.c.number
    elif part == "traffic":
        _delete_traffic(connection, rows.loc[rows["_exists"]])
        return
    else:
        return
    for start in range(0, len(keys), 500):
        connection.execute(sa.delete(column.table).where(column.in_(keys[start : start + 500])))
        if part == "incidents":  # an incident's history goes with it: replaced, or gone when the new one has none
            history = schema.incident_history.c.number
            connection.execute(sa.delete(history.table).where(history.in_(keys[start : start + 500])))


def _write_history(connection: sa.Connection, history: pd.DataFrame, incidents: pd.DataFrame) -> None:
    """The history rows of the incidents written (a rejected incident's history is not)."""
    rows = history.loc[history["number"].isin(incidents["number"])]
    if rows.empty:
        return
    changed = parse_times(rows["changed_at"].astype("object"))
    rows = rows.assign(
        changed_at=changed.dt.tz_localize(None).astype("datetime64[us]"), seq=rows["seq"].astype("int64")
    )
    for start in range(0, len(rows), CHUNK_ROWS):
        connection.execute(schema.incident_history.insert(), _records(rows.iloc[start : start + CHUNK_ROWS]))


def _delete_traffic(connection: sa.Connection, rows: pd.DataFrame) -> None:
    """Remove the call traffic rows that an import replaces (same source, target and bucket)."""
    if rows.empty:
        return
    table = schema.call_traffic
    condition = sa.and_(*(table.c[c] == sa.bindparam(f"old_{c}") for c in TRAFFIC_KEY))
    values = zip(*(rows[c] for c in TRAFFIC_KEY + TRAFFIC_FIGURES), strict=True)
    keys = [dict(zip(("old_" + c for c in TRAFFIC_KEY), _traffic_row(row), strict=False)) for row in values]
    connection.execute(sa.delete(table).where(condition), keys)


def _records(chunk: pd.DataFrame) -> list[dict[str, object]]:
    """Plain Python values; NULL for NaN and NaT."""
    out = chunk.astype(object).where(chunk.notna(), None)
    for name in out.columns:
        if pd.api.types.is_datetime64_any_dtype(chunk[name]):
            # A Series of dtype object: a plain list would be inferred as datetime64 again, turning None into NaT.
            values = [v.to_pydatetime() if v is not None else None for v in out[name]]
            out[name] = pd.Series(values, index=out.index, dtype=object)
    return out.to_dict("records")
