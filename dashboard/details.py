"""A CI's details for the side panel: its record, its status and why, incidents, changes, health events, and
relationships that point at CIs which do not exist. Plain values only; read from the current snapshot.
"""

import json
import math
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from dashboard.cmdb.derived import Derived, id_array
from dashboard.cmdb.snapshot import Snapshot
from dashboard.domain.health import explain
from dashboard.domain.names import shown_name, visible
from dashboard.domain.vocabulary import Health, class_label
from dashboard.incident_history import IncidentHistory, incident_histories

MAX_ROWS = 200  # incidents or changes listed per CI
MAX_EVENTS = 2000  # health events charted per CI
FIELDS = ("id", "class", "status", "criticality", "environment", "location", "owner", "updated_at")
# The attributes are read just after a snapshot is published (~0.5 s at 1M CIs): a click that early waits this long.
ATTRIBUTES_WAIT_SECONDS = 3.0


@dataclass(frozen=True, slots=True)
class CIDetails:
    """Everything the details panel shows about one CI."""

    ci_id: int
    name: str
    class_label: str
    fields: tuple[tuple[str, str], ...]
    attributes: tuple[tuple[str, str], ...]
    attributes_note: str  # why the attributes are not shown (still being read, or the read failed); else empty
    status: Health
    rule: str
    reason: str
    culprits: tuple[tuple[int, str], ...]  # (CI id, name) of the dependencies that decided the status
    incidents: tuple[dict, ...]
    histories: tuple[IncidentHistory, ...]  # of the listed incidents that have one, newest first
    changes: tuple[dict, ...]
    events: pd.DataFrame  # observed_at, metric, value, status
    dangling: tuple[str, ...]  # relationships to or from CIs that do not exist


def ci_details(derived: Derived, position: int) -> CIDetails:
    """The details of the CI at a node position."""
    snapshot = derived.snapshot
    row = snapshot.ci.iloc[position]
    ci_id = int(snapshot.index.ci_ids[position])
    why = explain(snapshot.index, derived.health, position)
    class_name = str(row["class"])
    attributes, attributes_note = _attributes_of(snapshot, position)
    incidents = _rows(
        snapshot.tables["incident"],
        ci_id,
        "opened_at",
        ("number", "priority", "state", "opened_at", "resolved_at", "summary"),
    )
    return CIDetails(
        ci_id=ci_id,
        name=visible(row["name"]),  # whole: the one place a long name is shown in full
        class_label=class_label(class_name),
        fields=tuple((name, text(row[name])) for name in FIELDS if name in row.index),
        attributes=attributes,
        attributes_note=attributes_note,
        status=why.status,
        rule=why.rule,
        reason=why.text,
        culprits=_culprits(snapshot, why.culprits, position),
        incidents=incidents,
        histories=incident_histories(snapshot.tables["incident"], snapshot.tables["incident_history"], incidents),
        changes=_rows(
            snapshot.tables["change"],
            ci_id,
            "planned_start",
            ("number", "state", "planned_start", "planned_end", "actual_start", "summary"),
        ),
        events=_events(snapshot.tables["health"], ci_id),
        dangling=_dangling(derived, ci_id),
    )


def text(value: object) -> str:
    """A cell as display text: NULL/NaN as empty, times without microseconds."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    return str(value)


def _attributes_of(snapshot: Snapshot, position: int) -> tuple[tuple[tuple[str, str], ...], str]:
    """The CI's attributes from the snapshot, or none and why."""
    values = snapshot.attributes(timeout=ATTRIBUTES_WAIT_SECONDS)
    if values is not None:
        return _attributes(values.iat[position]), ""
    if snapshot.attributes_error_id:
        return (), f"The CI's attributes could not be read (error id {snapshot.attributes_error_id})."
    return (), "Loading attributes… click the CI again in a moment."


def _attributes(raw: object) -> tuple[tuple[str, str], ...]:
    """Free attributes stored as a JSON object; anything else is shown as it is, under 'attributes'."""
    value = text(raw)
    if not value:
        return ()
    try:
        parsed = json.loads(value)
    except ValueError:
        return (("attributes", value[:500]),)
    if not isinstance(parsed, dict):
        return (("attributes", value[:500]),)
    return tuple((str(k)[:100], _attribute_text(v)[:500]) for k, v in list(parsed.items())[:50])


def _attribute_text(value: object) -> str:
    """An attribute's value as text: lists as comma-separated values, objects as JSON."""
    if isinstance(value, list):
        return ", ".join(_attribute_text(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return text(value)


def _mine(frame: pd.DataFrame, ci_id: int) -> pd.DataFrame:
    return frame.loc[id_array(frame["ci_id"]) == ci_id]


def _rows(frame: pd.DataFrame, ci_id: int, newest: str, columns: tuple[str, ...]) -> tuple[dict, ...]:
    mine = _mine(frame, ci_id).sort_values(newest, ascending=False, na_position="last").head(MAX_ROWS)
    return tuple(
        {c: text(v) for c, v in zip(columns, values, strict=True)}
        for values in mine[list(columns)].itertuples(index=False)
    )


def _events(health: pd.DataFrame, ci_id: int) -> pd.DataFrame:
    mine = _mine(health, ci_id).sort_values("observed_at").tail(MAX_EVENTS)
    return mine[["observed_at", "metric", "value", "status"]].reset_index(drop=True)


def _dangling(derived: Derived, ci_id: int) -> tuple[str, ...]:
    relationship = derived.snapshot.tables["relationship"]
    index = derived.snapshot.index
    found = []
    for here, there in (("source_id", "target_id"), ("target_id", "source_id")):
        rows = relationship.loc[id_array(relationship[here]) == ci_id]
        missing = rows.loc[index.locate(id_array(rows[there])) < 0]
        arrow = "→" if here == "source_id" else "←"
        found += [
            f"{r.type} {arrow} {text(getattr(r, there)) or 'no id'} (relationship {r.id})" for r in missing.itertuples()
        ]
    return tuple(found[:MAX_ROWS])


def _culprits(snapshot: Snapshot, culprits: tuple[int, ...], position: int) -> tuple[tuple[int, str], ...]:
    """Up to 20 (CI id, shown name) of the CIs that make this one's status, itself left out."""
    names = snapshot.ci["name"]
    return tuple((int(snapshot.index.ci_ids[c]), shown_name(names.iat[c])) for c in culprits if c != position)[:20]
