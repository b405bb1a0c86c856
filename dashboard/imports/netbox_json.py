"""NetBox's dumpdata JSON (`manage.py dumpdata`, NetBox 3.3 and later): the CIs and relationships of the netbox profile.

The objects the netbox profile reads are put into an in-memory SQLite database under NetBox 4.2's table and column
names; the profile's own statements then read them, so a fixture and a live NetBox give the same CIs, relationships
and health. Older field names are renamed on the way (a 3.x cluster's `site` is 4.2's cached `_site_id`, a 3.x circuit
termination's `site` its `_site_id`). Models the profile does not read are counted in a note, not rejected; a row that
points at an object the file does not hold is rejected (by the import) with the reference it could not resolve.
Cables that make no connection (planned, a repeat of a connected pair, an end on neither a device nor a circuit) are
counted in a note too.
"""

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from dashboard.cmdb.load import TIMESTAMP_COLUMNS
from dashboard.cmdb.profiles.base import present_tables
from dashboard.cmdb.profiles.netbox import HEALTH_METRIC, NETBOX, cable_accounting, netbox_key, relationship_origin
from dashboard.imports.batch import ImportBatch, Rejection, frame, parse_files

_TIMES = ("created", "last_updated")
_COMMON = ("name", "status", "tenant", *_TIMES)
# model → the fields read, each with its 4.2 column name (a field a model does not have reads as NULL)
MODELS: dict[str, dict[str, str]] = {
    "dcim.region": {"name": "name", "parent": "parent_id", **{t: t for t in _TIMES}},
    "dcim.site": {"name": "name", "status": "status", "region": "region_id", "tenant": "tenant_id",
                  **{t: t for t in _TIMES}},
    "dcim.location": {"name": "name", "status": "status", "site": "site_id", "parent": "parent_id",
                      "tenant": "tenant_id", **{t: t for t in _TIMES}},
    "dcim.rack": {"name": "name", "status": "status", "site": "site_id", "location": "location_id",
                  "tenant": "tenant_id", **{t: t for t in _TIMES}},
    "dcim.devicerole": {"name": "name", "slug": "slug"},
    "dcim.device": {"name": "name", "status": "status", "role": "role_id", "device_role": "role_id",
                    "site": "site_id", "location": "location_id", "rack": "rack_id", "cluster": "cluster_id",
                    "tenant": "tenant_id", **{t: t for t in _TIMES}},
    "virtualization.cluster": {"name": "name", "status": "status", "tenant": "tenant_id", "site": "_site_id",
                               "_site": "_site_id", "_location": "_location_id", "_region": "_region_id",
                               **{t: t for t in _TIMES}},
    "virtualization.virtualmachine": {"name": "name", "status": "status", "cluster": "cluster_id",
                                      "device": "device_id", "site": "site_id", "tenant": "tenant_id",
                                      **{t: t for t in _TIMES}},
    "circuits.circuit": {"cid": "cid", "status": "status", "provider": "provider_id", "tenant": "tenant_id",
                         **{t: t for t in _TIMES}},
    "circuits.circuittermination": {"circuit": "circuit_id", "site": "_site_id", "_site": "_site_id",
                                    "provider_network": "_provider_network_id",
                                    "_provider_network": "_provider_network_id", "termination_type":
                                    "termination_type_id", "termination_id": "termination_id",
                                    **{t: t for t in _TIMES}},
    "circuits.provider": {"name": "name", **{t: t for t in _TIMES}},
    "circuits.providernetwork": {"name": "name", "provider": "provider_id", **{t: t for t in _TIMES}},
    "tenancy.tenant": {"name": "name", **{t: t for t in _TIMES}},
    "dcim.cable": {"status": "status", **{t: t for t in _TIMES}},
    "dcim.cabletermination": {"cable": "cable_id", "cable_end": "cable_end", "termination_type":
                              "termination_type_id", "termination_id": "termination_id", "_device": "_device_id",
                              **{t: t for t in _TIMES}},
}  # fmt: skip
CONTENT_TYPES = "contenttypes.contenttype"


def parse_netbox_json(paths: Sequence[Path]) -> ImportBatch:
    """Each file (or every .json file of a folder) as one NetBox; their batches added together."""
    return parse_files(paths, "*.json", _parse_file)


def _parse_file(path: Path) -> ImportBatch:
    objects = _objects(path)
    by_model: dict[str, list[dict]] = {}
    for item in objects:
        by_model.setdefault(str(item.get("model", "")).lower(), []).append(item)
    batch = ImportBatch()
    unreadable = [n for n, item in enumerate(objects) if not isinstance(item.get("fields"), dict)]
    batch.rejected.extend(
        Rejection(f"{path.name} object {n + 1}", "not a NetBox object (no fields)") for n in unreadable
    )
    content_types = _content_types(by_model.get(CONTENT_TYPES, []))
    tables = {model.replace(".", "_"): _table(rows, MODELS[model], content_types) for model, rows in by_model.items()
              if model in MODELS}  # fmt: skip
    tables["django_content_type"] = pd.DataFrame(
        [{"id": i, "app_label": a, "model": m} for (a, m), i in content_types.items()],
        columns=["id", "app_label", "model"],
    )
    frames, cables = _read(tables)
    batch = batch + _batch(frames, path.name)
    batch.notes.append(_ignored_note(path.name, by_model))
    if cables is not None:
        batch.notes.append(_cables_note(path.name, cables))
    return batch


def _objects(path: Path) -> list[dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path}: not a readable JSON file ({error})") from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ValueError(f"{path}: not a NetBox dumpdata file (a JSON list of {{model, pk, fields}} objects)")
    return data


def _content_types(items: list[dict]) -> dict[tuple[str, str], int]:
    """(app_label, model) → id: the file's own pk where it has one (dumped without natural keys), else a number."""
    out: dict[tuple[str, str], int] = {}
    for n, item in enumerate(items, start=1):
        fields = item.get("fields") or {}
        out[(str(fields.get("app_label")), str(fields.get("model")))] = int(item.get("pk") or n)
    return out


def _table(rows: list[dict], fields: dict[str, str], content_types: dict[tuple[str, str], int]) -> pd.DataFrame:
    """One model's objects under 4.2's column names; natural-key content types as ids."""
    records = []
    for item in rows:
        values = item.get("fields")
        if not isinstance(values, dict):
            continue
        record: dict[str, object] = {"id": item.get("pk")}
        for field, column in fields.items():
            if field in values and record.get(column) is None:
                record[column] = _value(values[field], content_types)
        records.append(record)
    return pd.DataFrame(records, columns=["id", *dict.fromkeys(fields.values())])


def _value(value: object, content_types: dict[tuple[str, str], int]) -> object:
    if isinstance(value, list) and len(value) == 2:  # a natural key: ["dcim", "interface"]
        key = (str(value[0]), str(value[1]))
        return content_types.setdefault(key, max(content_types.values(), default=0) + 1)
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return value


def _read(tables: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], pd.DataFrame | None]:
    """The profile's statements run over the tables in an in-memory SQLite database; what became of each cable."""
    engine = sa.create_engine("sqlite://", poolclass=StaticPool)
    try:
        with engine.begin() as connection:
            for name, table in tables.items():
                table.to_sql(name, connection, index=False)
            present = present_tables(connection)
            plan = NETBOX.plan(engine, present, None)
            frames = {
                name: NETBOX.translate(name, pd.read_sql(statement, connection, parse_dates=TIMESTAMP_COLUMNS[name]))
                for name, statement in plan.statements.items()
            }
            accounting = cable_accounting(present)
            return frames, None if accounting is None else pd.read_sql(accounting, connection)
    finally:
        engine.dispose()


def _batch(frames: dict[str, pd.DataFrame], file: str) -> ImportBatch:
    """The profile's native rows as a batch keyed by NetBox object ("dcim.device/12")."""
    cis, relationships, health = (frames.get(name, pd.DataFrame()) for name in ("ci", "relationship", "health"))
    batch = ImportBatch()
    if not cis.empty:
        keys = cis["id"].map(netbox_key)
        batch.cis = frame("cis", cis.assign(key=keys), (f"{file} " + keys).tolist())
    if not relationships.empty:
        rows = relationships.assign(
            source=relationships["source_id"].map(netbox_key), target=relationships["target_id"].map(netbox_key)
        )
        batch.relationships = frame("relationships", rows, (f"{file} " + rows["id"].map(relationship_origin)).tolist())
    if not health.empty:
        rows = health.assign(ci=health["ci_id"].map(netbox_key), metric=HEALTH_METRIC)
        batch.health = frame("health", rows, (f"{file} " + rows["ci"] + " status").tolist())
    return batch


def _ignored_note(file: str, by_model: dict[str, list[dict]]) -> str:
    ignored = Counter({model: len(rows) for model, rows in by_model.items() if model not in MODELS})
    ignored.pop(CONTENT_TYPES, None)
    # model names come from the file: repr() shows any control character escaped, never raw on a terminal
    shown = ", ".join(f"{model!r} {count:,}" for model, count in ignored.most_common(5))
    more = ", …" if len(ignored) > 5 else ""
    return (
        f"{file}: left out the models servicemap does not read ({_count(ignored.total(), 'object')} of "
        f"{_count(len(ignored), 'model')}: {shown}{more})"
    )


def _cables_note(file: str, cables: pd.DataFrame) -> str:
    """How many cables became connections, and why the others did not ("108 cables → 80 connections: …")."""
    first = (cables["usable"] == 1) & (cables["rank"] == 1)
    per_cable = cables.assign(first=first, usable=cables["usable"] == 1).groupby("cable_id")
    made, connected, usable = per_cable["first"].any(), per_cable["connected"].max() == 1, per_cable["usable"].any()
    same = (cables["source_id"] == cables["target_id"]).groupby(cables["cable_id"]).any()
    planned = ~made & ~connected
    repeats = ~made & connected & usable
    itself = ~made & connected & ~usable & same
    elsewhere = ~made & connected & ~usable & ~same
    parts = [
        f"{int(repeats.sum()):,} between pairs already connected",
        f"{int(planned.sum()):,} planned left out",
        f"{int(elsewhere.sum()):,} with an end on neither a device nor a circuit",
        *([f"{int(itself.sum()):,} joining a device to itself"] if itself.any() else []),
    ]
    return f"{file}: {_count(len(made), 'cable')} → {_count(int(first.sum()), 'connection')}: {', '.join(parts)}"


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
