"""Resolve, validate and write an ImportBatch into servicemap's own database; a dry run only reports.

An import is one transaction: everything it accepts is written, or nothing (when nothing is usable, when more rows
are rejected than --max-rejects allows, or when its counts would not add up). Every row read is accounted for: added,
updated, unchanged (the target holds it with the same values), joined (it became one with another CI or relationship)
or rejected with its origin and reason.
Importing again updates instead of duplicating: CIs match by their key within its scope (see batch.py and
resolve.py), incidents and changes by number, relationships by (source, target, type), health events by (CI, metric,
exact time), replaced when their status or value differ. A placeholder CI (see batch.py) whose name the target already
has is not written: references to it go to that CI.
"""

from collections.abc import Callable

import numpy as np
import pandas as pd
import sqlalchemy as sa
from tqdm import tqdm

from dashboard.cmdb import schema
from dashboard.cmdb.connect import parse_url, redacted, sqlite_path, writable_engine
from dashboard.cmdb.upgrade import upgrade_schema
from dashboard.imports import compare
from dashboard.imports.batch import OPTIONAL_PARTS, ORIGIN, PARTS, ImportBatch
from dashboard.imports.checking import check_chunks, check_ci_chunks
from dashboard.imports.existing import (
    FEW_VALUES,
    HEALTH_KEY,
    HEALTH_VALUES,
    HISTORY,
    TRAFFIC_FIGURES,
    TRAFFIC_KEY,
    Existing,
    comparable,
    found_in,
    traffic_row,
    whole_seconds,
)
from dashboard.imports.memory import give_back_freed_memory
from dashboard.imports.report import ImportReport, MaxRejects, PartReport
from dashboard.imports.resolve import Known, Resolver, by_stored_key, joined_by_name, placeholders
from dashboard.imports.validate import Checked, parse_times

CHUNK_ROWS = 20_000
_TABLE_OF = {
    "cis": "ci",
    "relationships": "relationship",
    "incidents": "incident",
    "health": "health",
    "changes": "change",
    "traffic": "call_traffic",
}


def import_batch(
    url: str,
    batch: ImportBatch,
    *,
    dry_run: bool = False,
    progress: bool = True,
    join_by: str | None = None,
    max_rejects: MaxRejects | None = None,
) -> ImportReport:
    """Write the batch into servicemap's own database at `url` (created if needed) in one transaction, or nothing
    (see the module's docstring); with dry_run, write nothing but report the same. join_by="name" lets CIs and
    references join CIs of other scopes by name."""
    give_back_freed_memory()
    url_parsed = parse_url(url)
    report = ImportReport(
        redacted(url_parsed), dry_run, rejected=list(batch.rejected), notes=list(batch.notes), max_rejects=max_rejects
    )
    for rejection in batch.rejected:
        if rejection.part:
            report.parts[rejection.part].rejected += 1
            report.parts[rejection.part].read += 1
    new_sqlite = (path := sqlite_path(url_parsed)) is not None and not path.exists()
    if new_sqlite:  # nothing to match against: planned before the file exists, created only to be written
        checked = _plan(batch, Existing.none(), report, join_by == "name")
        report.check_accounting()
        if report.writes and not dry_run:
            path.parent.mkdir(parents=True, exist_ok=True)
            _in_transaction(url_parsed, lambda connection: _write(connection, checked, batch, report, progress))
        return _without_unused(report)

    def plan_and_write(connection: sa.Connection) -> None:
        _check_own(connection)
        checked = _plan(batch, Existing.read(connection), report, join_by == "name")
        report.check_accounting()
        if report.writes and not dry_run:
            _write(connection, checked, batch, report, progress)

    _in_transaction(url_parsed, plan_and_write)
    return _without_unused(report)


def _in_transaction(url: sa.URL, work: Callable[[sa.Connection], None]) -> None:
    """Run `work` in one transaction on servicemap's own database: all of it is committed, or nothing."""
    engine = writable_engine(url)
    try:
        with engine.begin() as connection:
            work(connection)
    finally:
        engine.dispose()


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


def _plan(batch: ImportBatch, existing: Existing, report: ImportReport, join_by_name: bool) -> dict[str, Checked]:
    """Validate every part, resolve CI references to ids, and count what becomes of every row read. Each part is read
    and checked a chunk at a time (batch.chunks): what stays in memory is its checked rows, not the text they came
    from."""
    cis, aliases = _plan_cis(batch, existing, report, join_by_name)
    resolver = Resolver(Known.of(cis.rows, aliases, existing.ci), join_by_name)
    existing = existing.without_cis()  # matched: their attributes (~200 MB at 1M CIs) are not needed any more
    if cis.rows["_same"].any():  # a copy of the CIs: only when some are left out
        cis.rows = cis.rows.loc[~cis.rows["_same"]]
    checked = {"cis": cis}
    for part in PARTS[1:]:
        checked[part] = check_chunks(part, batch.chunks(part), report.parts[part], resolver)
    incidents = checked["incidents"]
    incidents.rows = incidents.rows.assign(
        **{HISTORY: incidents.rows["number"].map(compare.history_digests(batch.incident_history))}
    )
    _assign_ids(checked, existing)
    for part, result in checked.items():
        report.parts[part].rejected += len(result.rejected)
        report.rejected.extend(result.rejected)
        if part != "cis" and not result.rows.empty:
            _count(part, result, existing, report.parts[part])
    for part, what in (("relationships", "relationship"), ("health", "health event")):
        if joined := report.parts[part].joined:
            again = "listed again (or both ways, where undirected)"
            report.notes.append(f"{_plural(joined, what)} {again} imported once (counted as joined)")
    return checked


def _plan_cis(
    batch: ImportBatch, existing: Existing, report: ImportReport, join_by_name: bool
) -> tuple[Checked, pd.DataFrame]:
    """The import's CIs with ids (`_exists`: the target has it; `_same`: with the same values), and the rows that
    stand for a CI known otherwise (placeholders, CIs joined by name) with that CI's id."""
    counts = report.parts["cis"]
    cis, named = check_ci_chunks(batch.chunks("cis"), counts)
    rejected = [*cis.rejected, *named.rejected]
    next_id = int(existing.ci["id"].max()) + 1 if len(existing.ci) else 1
    held = cis.rows.drop(columns=["key", ORIGIN]).astype(dict.fromkeys(FEW_VALUES, "category"))
    regular = _numbered(held, by_stored_key(cis.rows, existing.ci), next_id)
    del cis, held  # the checked CIs are held once, as `regular`: 1M CIs take ~200 MB
    next_id += len(regular)
    joined = joined_by_name(regular, existing.ci) if join_by_name else pd.Series(dtype="int64")
    joins = regular.loc[joined.index].assign(id=joined)
    if len(joins):
        regular = regular.drop(index=joined.index)
    named_new, named_known, ambiguous = placeholders(named.rows, regular, existing.ci)
    named_new = _numbered(named_new, by_stored_key(named_new, existing.ci), next_id)
    kept = pd.concat([regular, named_new], ignore_index=True) if len(named_new) else regular
    del regular
    same = compare.same_values(kept, existing.ci)
    kept = kept.assign(_same=same)
    rejected += ambiguous
    counts.joined += len(joins)
    counts.unchanged += len(named_known) + int(same.sum())
    counts.updated += int((kept["_exists"] & ~same).sum())
    counts.added += int((~kept["_exists"]).sum())
    counts.rejected += len(rejected)
    report.rejected.extend(rejected)
    if join_by_name:
        report.notes.append(f"--join-by name: {_plural(len(joins), 'CI')} joined a CI of another file by name")
    return Checked(kept, []), pd.concat([joins, named_known], ignore_index=True)


def _numbered(rows: pd.DataFrame, found: pd.Series, next_id: int) -> pd.DataFrame:
    """Rows with their id: the one found, else a new one from next_id on."""
    new = found.isna()
    ids = found.copy()
    ids[new] = np.arange(next_id, next_id + int(new.sum()))
    return rows.assign(id=ids.astype("int64"), _exists=~new)


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _count_replacing(
    result: Checked, given: pd.DataFrame, held: pd.DataFrame, key: list[str], counts: PartReport
) -> None:
    """Rows (`given`: comparable, aligned with result.rows) the target holds with the same values are left out; those
    whose key it holds with other values replace it, the rows of that key it held (so every row of the import with a
    replaced key is written); the others are added. `_exists` marks the rows whose key is replaced."""
    rows = result.rows
    same = found_in(given, held)
    known = found_in(given[key], held[key])
    replaced = found_in(given[key], given.loc[known & ~same, key])
    counts.unchanged += int(same.sum())
    counts.updated += int((known & ~same).sum())
    counts.added += int((~known).sum())
    keep = ~same | replaced
    result.rows = rows.loc[keep].assign(_exists=replaced[keep])


def _assign_ids(checked: dict[str, Checked], existing: Existing) -> None:
    for part, table in (("relationships", "relationship"), ("health", "health")):
        rows = checked[part].rows
        start = existing.max_ids.get(table, 0) + 1
        checked[part].rows = rows.assign(id=np.arange(start, start + len(rows), dtype=np.int64))


def _count(part: str, result: Checked, existing: Existing, counts: PartReport) -> None:
    """Count what becomes of each checked row, and keep only the rows to write. A relationship or health event listed
    twice is one (joined); a relationship the target holds is unchanged. A health event (by CI, metric and exact
    time), call traffic, an incident or a change the target holds is updated, or unchanged when every value is the
    same — for an incident, its update time and history (digest) too."""
    rows = result.rows
    if part in ("relationships", "health"):
        repeated = compare.repeated(part, rows)
        counts.joined += int(repeated.sum())
        rows = result.rows = rows.loc[~repeated].reset_index(drop=True)
    if part in ("health", "traffic"):
        given = comparable(part, rows, existing.whole_seconds)
        key = list(HEALTH_KEY if part == "health" else TRAFFIC_KEY)
        _count_replacing(result, given, existing.held(part), key, counts)
        return
    exists = _known(part, rows, existing)
    if part == "relationships":
        counts.unchanged += int(exists.sum())
        counts.added += int((~exists).sum())
        result.rows = rows.loc[~exists]
        return
    stored = existing.rows.get(part)
    same = pd.Series(False, index=rows.index)
    if stored is not None and exists.any():
        table = schema.metadata.tables[_TABLE_OF[part]]
        skipped = {*compare.NOT_COMPARED, "number"}
        columns = [c.name for c in table.columns if c.name in rows.columns and c.name not in skipped]
        if part == "incidents":  # updated_at is the source's last update, not the time of the import
            columns += ["updated_at", HISTORY]
        same = compare.same(rows.set_index("number"), stored, columns).set_axis(rows.index) & exists
    counts.unchanged += int(same.sum())
    counts.updated += int((exists & ~same).sum())
    counts.added += int((~exists).sum())
    result.rows = rows.loc[~same]


def _known(part: str, rows: pd.DataFrame, existing: Existing) -> pd.Series:
    """Rows whose key the target already holds (a symmetric relationship in either direction)."""
    held = existing.held(part)
    given = comparable(part, rows, existing.whole_seconds)
    found = found_in(given, held)
    if part == "relationships":
        symmetric = rows["type"].isin(compare.SYMMETRIC_TYPES).to_numpy()
        reversed_ = given.rename(columns={"source_id": "target_id", "target_id": "source_id"})[list(given.columns)]
        found = found | (symmetric & found_in(reversed_, held))
    return pd.Series(found, index=rows.index)


def _write(
    connection: sa.Connection, checked: dict[str, Checked], batch: ImportBatch, report: ImportReport, progress: bool
) -> None:
    schema.create_schema(connection)  # type: ignore[arg-type]
    report.notes.extend(f"database upgraded: {step}" for step in upgrade_schema(connection))
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
    _write_history(connection, batch.incident_history, checked["incidents"].rows)


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
    elif part == "health":
        values = zip(*(rows.loc[rows["_exists"], c] for c in HEALTH_KEY + HEALTH_VALUES), strict=True)
        events = {compare.health_event(row, whole_seconds(connection))[: len(HEALTH_KEY)] for row in values}
        _delete_keys(connection, schema.health, HEALTH_KEY, list(events))
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
    values = zip(*(rows[c] for c in TRAFFIC_KEY + TRAFFIC_FIGURES), strict=True)
    _delete_keys(connection, schema.call_traffic, TRAFFIC_KEY, [traffic_row(row) for row in values])


def _delete_keys(connection: sa.Connection, table: sa.Table, columns: tuple[str, ...], keys: list[tuple]) -> None:
    """Remove the rows of `table` whose `columns` hold one of the keys (each a tuple starting with those values)."""
    if not keys:
        return
    condition = sa.and_(*(table.c[c] == sa.bindparam(f"old_{c}") for c in columns))
    params = [dict(zip(("old_" + c for c in columns), key, strict=False)) for key in keys]
    connection.execute(sa.delete(table).where(condition), params)


def _records(chunk: pd.DataFrame) -> list[dict[str, object]]:
    """Plain Python values; NULL for NaN and NaT."""
    out = chunk.astype(object).where(chunk.notna(), None)
    for name in out.columns:
        if pd.api.types.is_datetime64_any_dtype(chunk[name]):
            # A Series of dtype object: a plain list would be inferred as datetime64 again, turning None into NaT.
            values = [v.to_pydatetime() if v is not None else None for v in out[name]]
            out[name] = pd.Series(values, index=out.index, dtype=object)
    return out.to_dict("records")
