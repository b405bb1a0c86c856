"""What the views compute once per snapshot: health roll-up, incident overlay and the name search.

Built on first use and kept until the snapshot is replaced; the snapshot itself stays immutable.
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from dashboard.cmdb.snapshot import Snapshot
from dashboard.domain.health import HealthState, own_status
from dashboard.domain.overlays import IncidentOverlay, change_counts, incident_overlay
from dashboard.domain.search import NameSearch

_NO_CI = np.iinfo(np.int64).min
_TOKEN_SPLIT = r"[\s\-_.:/()\[\],]+"


class Derived:
    """Per-snapshot views of the data, each computed on first use (two requests racing compute the same value)."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot

    @cached_property
    def health(self) -> HealthState:
        """Own and rolled-up status of every CI."""
        events = self.snapshot.tables["health"]
        return own_status(
            self.snapshot.index,
            events["ci_id"].pipe(id_array),
            events["status"].to_numpy(dtype=object),
            events["observed_at"].to_numpy(dtype="datetime64[ns]"),
        )

    @cached_property
    def incidents(self) -> IncidentOverlay:
        """Open incidents per CI and their worst priority."""
        incidents = self.snapshot.tables["incident"]
        return incident_overlay(
            self.snapshot.index,
            incidents["ci_id"].pipe(id_array),
            incidents["state"].to_numpy(dtype=object),
            incidents["priority"].to_numpy(dtype=np.float64, na_value=np.nan),
        )

    @cached_property
    def search(self) -> NameSearch:
        """Type-ahead index over CI names and their words."""
        return _name_search(self.snapshot.ci["name"])

    @cached_property
    def shared_name(self) -> np.ndarray:
        """Per CI: True when another CI carries the same name (ignoring case and blanks); such names show the id."""
        key = self.snapshot.ci["name"].astype("str").str.strip().str.casefold()
        return key.duplicated(keep=False).to_numpy()

    def changes(self, days: int) -> np.ndarray:
        """Changes per CI that started (actual, else planned) in the last `days` days before the snapshot loaded."""
        change = self.snapshot.tables["change"]
        until = np.datetime64(self.snapshot.loaded_at.replace(tzinfo=None), "ns")
        starts = change["actual_start"].fillna(change["planned_start"])
        return change_counts(
            self.snapshot.index,
            change["ci_id"].pipe(id_array),
            starts.to_numpy(dtype="datetime64[ns]"),
            until - np.timedelta64(days, "D"),
            until,
        )


def id_array(values: pd.Series) -> np.ndarray:
    """A CI id column as int64; NULL and non-integer ids become an id no CI has."""
    numbers = pd.to_numeric(values, errors="coerce")
    whole = numbers.notna() & (numbers == numbers.round())
    return numbers.where(whole, _NO_CI).astype("int64").to_numpy()


def _name_search(names: pd.Series) -> NameSearch:
    folded = names.astype("str").fillna("").str.casefold().reset_index(drop=True)
    words = folded.str.split(_TOKEN_SPLIT, regex=True).explode()
    words = words[words.str.len().fillna(0).to_numpy() > 0]
    words = words[words.to_numpy() != folded.loc[words.index].to_numpy()]
    keys = np.concatenate([folded.to_numpy(dtype=object), words.to_numpy(dtype=object)])
    nodes = np.concatenate([np.arange(len(folded)), words.index.to_numpy()])
    whole = np.concatenate([np.ones(len(folded), dtype=bool), np.zeros(len(words), dtype=bool)])
    return NameSearch.of(keys, nodes, whole)


@dataclass
class DerivedCache:
    """The Derived of the current snapshot; a new snapshot gets a new one, the old one is dropped."""

    _current: Derived | None = None

    def of(self, snapshot: Snapshot) -> Derived:
        """The derived views of this snapshot."""
        current = self._current
        if current is None or current.snapshot is not snapshot:
            current = Derived(snapshot)
            self._current = current
        return current
