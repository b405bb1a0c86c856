"""The fault lists of the Nezha layout (`*-fault_list.json`): each fault once, timed by the field that agrees with the
telemetry, numbered by its time and target. See docs/importers.md, `nezha`.

A fault gives its time twice: `inject_timestamp` (Unix seconds) and `inject_time` (wall clock, no zone). They agree
in most lists; where they do not (the Online Boutique list once by a minute, Train-Ticket lists by 8 hours, an epoch
taken from a UTC+8 clock), the one the pod's metrics agree with is used: the candidate that the pod's metrics cover,
or, when they cover both, the one after which they change more. One field is chosen per list, by the votes of its
disagreeing faults, since a list's disagreement comes from the way it was written, not from each fault.
"""

import hashlib
import json
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.imports.traces import service_of_pod

EPOCH, WALL = "inject_timestamp", "inject_time"
# The telemetry's look at a candidate time: the samples of this long before it against those of FAULT_WINDOW after.
BEFORE = pd.Timedelta(minutes=30)


def fault_number(seconds: str, pod: str, kind: str) -> str:
    """A fault's incident number: its Unix time and a digest of its pod and type (32 characters at most, and the same
    on every import, so that two faults of one second on different pods are two incidents and a re-import matches)."""
    digest = hashlib.sha256(f"{pod}\n{kind}".encode()).hexdigest()[:8]
    return f"NZ-{seconds}-{digest}"


def read_faults(files: list[Path]) -> tuple[pd.DataFrame, list[str]]:
    """Every fault of the lists once: pod, service, type, both time fields, number, list and origin; with a note of
    the faults listed again (overlapping lists), which are imported once."""
    rows, notes = [], []
    for path in files:
        try:
            groups = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as error:
            raise ValueError(f"{path}: not a readable fault list ({error})") from None
        if not isinstance(groups, dict) or not all(isinstance(g, list) for g in groups.values()):
            raise ValueError(f"{path}: not a fault list (an object of hours, each a list of faults)")
        if not any(groups.values()):
            notes.append(f"{path.name}: no faults listed")
        for hour, faults in groups.items():
            for n, fault in enumerate(faults, 1):
                rows.append({**fault, "list": path.name, "_origin": f"{path.name} hour {hour!r} fault {n}"})
    faults = pd.DataFrame(rows, columns=[WALL, EPOCH, "inject_pod", "inject_type", "list", "_origin"])
    faults[EPOCH] = pd.to_datetime(pd.to_numeric(faults[EPOCH], errors="coerce"), unit="s")
    faults[WALL] = pd.to_datetime(faults[WALL], errors="coerce")  # no zone given: read as UTC, as the metrics write
    faults["wall_text"] = [str(f.get(WALL, "")) for f in rows]
    faults["epoch_text"] = [str(f.get(EPOCH, "")) for f in rows]
    faults["inject_pod"] = faults["inject_pod"].fillna("").astype("str")  # no pod: the incident names no CI
    faults["service"] = faults["inject_pod"].map(service_of_pod)
    seconds = faults[EPOCH].fillna(faults[WALL]).map(lambda at: str(int(at.timestamp())) if pd.notna(at) else "")
    faults["number"] = [
        fault_number(s, p, k) for s, p, k in zip(seconds, faults["inject_pod"], faults["inject_type"], strict=True)
    ]
    again = faults["number"].duplicated()
    notes += [_repeats_note(faults.loc[again, "_origin"])] if again.any() else []
    return faults.loc[~again].reset_index(drop=True), notes


def _repeats_note(origins: pd.Series) -> str:
    shown = ", ".join(origins.head(5)) + (", …" if len(origins) > 5 else "")
    faults = "fault is" if len(origins) == 1 else "faults are"
    return f"{len(origins)} {faults} listed again (same time, pod and type), imported once: {shown}"


def timed(
    faults: pd.DataFrame, telemetry: Mapping[str, pd.DataFrame], window: pd.Timedelta
) -> tuple[pd.DataFrame, list[str]]:
    """Each fault's time (column `at`, UTC) and the field it came from (`field`), with a note per list saying which
    field was used and why. `telemetry` holds each pod's numeric metrics indexed by sample time."""
    at = faults[EPOCH].copy()
    field = pd.Series(EPOCH, index=faults.index, dtype="object")
    notes = []
    for name, group in faults.groupby("list", sort=False):
        used, note = _choose(str(name), group, telemetry, window)
        other = WALL if used == EPOCH else EPOCH
        chosen = group[used].notna()
        at[group.index] = group[used].where(chosen, group[other])
        field[group.index] = np.where(chosen, used, other)
        notes.append(note)
    return faults.assign(at=at, field=field), notes


def _choose(
    name: str, faults: pd.DataFrame, telemetry: Mapping[str, pd.DataFrame], window: pd.Timedelta
) -> tuple[str, str]:
    """The field of a list's faults that agrees with the telemetry, and the note saying so."""
    differ = faults.loc[faults[EPOCH].notna() & faults[WALL].notna() & (faults[EPOCH] != faults[WALL])]
    if differ.empty:
        return EPOCH, f"{name}: {EPOCH} and {WALL} (read as UTC) agree in all {len(faults)} faults"
    votes = Counter(_judge(_samples(f.inject_pod, f.service, telemetry), f, window) for f in differ.itertuples())
    for_epoch = sum(n for (winner, _), n in votes.items() if winner == EPOCH)
    for_wall = sum(n for (winner, _), n in votes.items() if winner == WALL)
    used = WALL if for_wall > for_epoch else EPOCH
    why = "; ".join(
        f"{reason} {winner} in {n}" for (winner, reason), n in sorted(votes.items(), key=lambda v: -v[1]) if winner
    )
    undecided = sum(n for (winner, _), n in votes.items() if not winner)
    if not (for_epoch or for_wall):
        why = f"no pod metrics around either time, so {EPOCH} (it needs no time zone)"
    elif for_wall == for_epoch:
        why += f"; a tie keeps {EPOCH}"
    if undecided and (for_epoch or for_wall):
        why += f"; {undecided} undecided"
    return used, (
        f"{name}: {EPOCH} and {WALL} (read as UTC) disagree in {len(differ)} of {len(faults)} faults; {used} used for"
        f" the list ({why})"
    )


def _judge(samples: pd.DataFrame | None, fault: object, window: pd.Timedelta) -> tuple[str, str]:
    """Which candidate time of one fault the pod's metrics agree with, and how they show it."""
    epoch = _change(samples, getattr(fault, EPOCH), window)
    wall = _change(samples, getattr(fault, WALL), window)
    if epoch is None and wall is None:
        return "", "no pod metrics around either"
    if epoch is None or wall is None:
        return (WALL if epoch is None else EPOCH), "the pod metrics cover only"
    if epoch == wall:
        return "", "equal change"
    return (EPOCH if epoch > wall else WALL), "the pod metrics change more after"


def _samples(pod: str, service: str, telemetry: Mapping[str, pd.DataFrame]) -> pd.DataFrame | None:
    """The pod's metrics, else those of another pod of its service (a fault list and metric files of other days)."""
    if pod in telemetry:
        return telemetry[pod]
    return next((telemetry[name] for name in telemetry if service_of_pod(name) == service), None)


def _change(samples: pd.DataFrame | None, at: pd.Timestamp, window: pd.Timedelta) -> float | None:
    """How far the metrics move after `at`: the largest shift of a metric's mean in the window after it, in standard
    deviations of the BEFORE span; None when the metrics do not cover both spans."""
    if samples is None:
        return None
    before = samples.loc[(samples.index > at - BEFORE) & (samples.index <= at)]
    after = samples.loc[(samples.index > at) & (samples.index <= at + window)]
    if len(before) < 2 or after.empty:
        return None
    spread = before.std().replace(0, np.nan)
    shift = ((after.mean() - before.mean()).abs() / spread).dropna()
    return float(shift.max()) if not shift.empty else 0.0
