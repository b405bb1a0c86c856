"""Properties of importing an incident audit trail, for random trails: shuffled rows, 1–10 updates per number, split
over 1–3 export files, some of which cannot tell the day from the month.

- each incident is imported as its row with the highest (sys_mod_count, sys_updated_at), over all the files;
- its history has one row per (update, tracked field) that the update set or changed
  (dashboard/imports/incident_history.py), none when no number repeats (a plain export);
- a number with a row in a file whose dates cannot be read is rejected whole, once;
- imported + rejected = numbers read;
- importing the same files again changes nothing.
"""

import csv
import tempfile
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.imports import import_batch, parse
from dashboard.imports.incident_history import TRACKED

STATES = {"New": "new", "Active": "in_progress", "Awaiting User Info": "on_hold", "Resolved": "resolved",
          "Closed": "closed"}  # fmt: skip
PRIORITIES = {"1 - Critical": "1", "2 - High": "2", "3 - Moderate": "3", "4 - Low": "4"}
GROUPS = ("Group 56", "Group 70", "?")
PEOPLE = ("Resolver 89", "Resolver 31", "?")
COLUMNS = ("number", "incident_state", "sys_mod_count", "opened_at", "sys_updated_at", "cmdb_ci", "priority",
           "assignment_group", "assigned_to", "category")  # fmt: skip

update = st.fixed_dictionaries(
    {
        "incident_state": st.sampled_from(sorted(STATES)),
        "priority": st.sampled_from(sorted(PRIORITIES)),
        "assignment_group": st.sampled_from(GROUPS),
        "assigned_to": st.sampled_from(PEOPLE),
        "minutes": st.integers(0, 600),  # the same minute may repeat: the update count orders those
    }
)
trails = st.lists(st.lists(update, min_size=1, max_size=10), min_size=1, max_size=6)


def export_rows(trail_list: list[list[dict]]) -> list[dict]:
    """One row per update in the event log's layout; update times never go back, dates tell day from month."""
    rows = []
    for n, updates in enumerate(trail_list):
        minutes = sorted(u["minutes"] for u in updates)
        for count, (values, at) in enumerate(zip(updates, minutes, strict=True)):
            rows.append(
                {
                    "number": f"INC{n:07d}",
                    "incident_state": values["incident_state"],
                    "sys_mod_count": str(count),
                    "opened_at": "13/3/2016 00:00",
                    "sys_updated_at": f"13/3/2016 {at // 60:02d}:{at % 60:02d}",
                    "cmdb_ci": "?",
                    "priority": values["priority"],
                    "assignment_group": values["assignment_group"],
                    "assigned_to": values["assigned_to"],
                    "category": "Category 55",
                }
            )
    return rows


def expected_history_length(updates: list[dict]) -> int:
    """Fields the first update sets plus, for each later update, the fields whose value differs from the one before."""
    keys = {"state": "incident_state", "priority": "priority", "assignment_group": "assignment_group",
            "assigned_to": "assigned_to"}  # fmt: skip
    length, before = 0, dict.fromkeys(TRACKED, "?")
    for row in updates:
        for field in TRACKED:
            value = row[keys[field]]
            length += value != before[field]
            before[field] = value
    return length


def read(url: str) -> dict[str, pd.DataFrame]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                "incident": pd.read_sql("SELECT * FROM incident ORDER BY number", connection),
                "incident_history": pd.read_sql(
                    "SELECT * FROM incident_history ORDER BY number, seq, field", connection
                ),
            }
    finally:
        engine.dispose()


def write_files(folder: Path, rows: list[dict], files: int, unreadable: list[bool]) -> set[str]:
    """The rows in `files` export files, in turn; a file marked unreadable (never the first) gets a month-first date
    besides its day-first ones, so that none of its dates can be read. The numbers with a row in such a file."""
    rejected = set()
    for n in range(files):
        part = rows[n::files]
        if unreadable[n] and n and part:
            part = [{**part[0], "opened_at": "3/13/2016 00:00"}, *part[1:]]
            rejected |= {row["number"] for row in part}
        with (folder / f"incident_{n + 1}.csv").open("w", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(part)
    return rejected


@settings(max_examples=20, deadline=None)
@given(
    trail_list=trails,
    order=st.randoms(use_true_random=False),
    files=st.integers(1, 3),
    unreadable=st.lists(st.booleans(), min_size=3, max_size=3),
)
def test_itp001_an_audit_trail_imports_each_incident_at_its_latest_update(trail_list, order, files, unreadable):
    rows = export_rows(trail_list)
    shuffled = rows.copy()
    order.shuffle(shuffled)
    with tempfile.TemporaryDirectory() as folder:
        exports = Path(folder) / "exports"
        exports.mkdir()
        files = min(files, len(rows))
        rejected = write_files(exports, shuffled, files, unreadable)
        url = f"sqlite:///{Path(folder) / 'cmdb.sqlite'}"
        report = import_batch(url, parse("servicenow", [exports]), progress=False)
        if rejected == {row["number"] for row in rows}:  # nothing to import: no database written
            assert (report.parts["incidents"].added, report.parts["incidents"].rejected) == (0, len(rejected))
            return
        first = read(url)
        again = import_batch(url, parse("servicenow", [exports]), progress=False)
        second = read(url)

    numbers = {row["number"] for row in rows}
    incidents = report.parts["incidents"]
    assert incidents.added + incidents.rejected == len(numbers)
    assert incidents.rejected == len(rejected)
    kept = {f"INC{n:07d}": updates for n, updates in enumerate(trail_list) if f"INC{n:07d}" not in rejected}
    latest = pd.DataFrame([row for row in rows if row["number"] in kept])
    latest = latest.assign(count=latest["sys_mod_count"].astype(int))
    latest = latest.sort_values(["number", "count"]).groupby("number").tail(1).set_index("number")
    imported = first["incident"].set_index("number")
    assert imported["state"].to_dict() == latest["incident_state"].map(STATES).to_dict()
    assert imported["priority"].astype(str).to_dict() == latest["priority"].map(PRIORITIES).to_dict()
    assert imported["assignment_group"].fillna("?").to_dict() == latest["assignment_group"].to_dict()
    history = first["incident_history"].groupby("number").size()
    trail = any(len(updates) > 1 for updates in kept.values())  # else a plain export: its rows tell no history
    for number, updates in kept.items():
        assert history.get(number, 0) == (expected_history_length(updates) if trail else 0)

    counts = again.parts["incidents"]
    assert (counts.added, counts.updated, counts.unchanged, counts.rejected) == (0, 0, len(kept), len(rejected))
    for name, frame in first.items():
        pd.testing.assert_frame_equal(frame, second[name])
