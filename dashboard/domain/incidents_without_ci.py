"""Incidents that name no CI: what the CMDB cannot explain, counted by assignment group and by category.

An incident *has a CI* when the CI it names is on the graph. Otherwise it is *without CI*: it names none, or it names
an id the CMDB does not have (`dangling`, counted apart because the fix differs: the CMDB lacks the CI, not the
incident its link). Incidents with a CI count when that CI is in scope; incidents without one cannot be placed in a
scope, so every one of them counts whatever the scope. Incidents count when opened in [start, end), so that the
incidents in view = with CI + without CI, always.
"""

from dataclasses import dataclass

import numpy as np

from dashboard.domain.change_failures import group_label


@dataclass(frozen=True, slots=True)
class IncidentPlacement:
    """Rows of the incident table in view, split by whether the CMDB can place them on a CI."""

    with_ci: np.ndarray  # int64 rows whose CI is on the graph and in scope
    without_ci: np.ndarray  # int64 rows that name no CI, or one the CMDB does not have
    dangling: np.ndarray  # bool per without_ci row: it names a CI id the CMDB does not have

    @property
    def total(self) -> int:
        """Incidents in view: with CI + without CI."""
        return len(self.with_ci) + len(self.without_ci)


@dataclass(frozen=True, slots=True)
class GroupCount:
    """One assignment group or category: its incidents in view, and how many of them name no CI."""

    label: str
    without_ci: int
    total: int

    @property
    def share(self) -> float:
        """Without CI / all of the group's incidents in view."""
        return self.without_ci / self.total if self.total else 0.0


def place_incidents(
    positions: np.ndarray,
    named: np.ndarray,
    opened_at: np.ndarray,
    scope: np.ndarray,
    start: np.datetime64,
    end: np.datetime64,
) -> IncidentPlacement:
    """Split the incidents opened in [start, end): `positions` are CI positions (-1: not on the graph), `named` tells
    which incidents name a CI at all, `scope` is a boolean mask over CI positions."""
    in_range = ~np.isnat(opened_at) & (opened_at >= start) & (opened_at < end)
    placed = positions >= 0
    in_scope = np.zeros(len(positions), dtype=bool)
    in_scope[placed] = scope[positions[placed]]
    without = np.flatnonzero(in_range & ~placed).astype(np.int64)
    return IncidentPlacement(np.flatnonzero(in_range & in_scope).astype(np.int64), without, named[without])


def group_counts(labels: np.ndarray, rows: np.ndarray, without: np.ndarray) -> list[GroupCount]:
    """Per label (empty as NO_LABEL) of the incidents in `rows`: how many, and how many of them are in `without`;
    the groups with most incidents without CI first, then the largest, then by label."""
    text = np.array([group_label(value) for value in labels[rows].tolist()], dtype=object)
    if not len(text):
        return []
    names, group = np.unique(text, return_inverse=True)
    totals = np.bincount(group, minlength=len(names))
    missing = np.bincount(group, weights=np.isin(rows, without).astype(np.int64), minlength=len(names))
    counts = [GroupCount(str(n), int(m), int(t)) for n, m, t in zip(names.tolist(), missing, totals, strict=True)]
    return sorted(counts, key=lambda c: (-c.without_ci, -c.total, c.label))


def label_codes(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each label's code (int64) and the distinct labels as shown (group_label), sorted: once per snapshot. Each
    distinct text is shown and sorted once, not once a row (a million rows sorted as Python objects took seconds)."""
    seen: dict[str | None, int] = {}  # every value that is not text shows as NO_LABEL: one entry for all of them
    raw = np.fromiter(
        (seen.setdefault(v if isinstance(v, str) else None, len(seen)) for v in labels.tolist()),
        dtype=np.int64,
        count=len(labels),
    )
    if not len(raw):
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=object)
    names, codes = np.unique(np.array([group_label(value) for value in seen], dtype=object), return_inverse=True)
    return codes.astype(np.int64)[raw], names


def factorized_label_codes(found: np.ndarray, distinct: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """label_codes from the values already factorized (each row's place `found` among the `distinct` values, as
    pandas' factorize gives them, hashed in C): the same codes and names, each distinct value shown once."""
    if not len(found):
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=object)
    shown = [group_label(v if isinstance(v, str) else None) for v in np.asarray(distinct, dtype=object).tolist()]
    names, codes = np.unique(np.array(shown, dtype=object), return_inverse=True)
    return codes.astype(np.int64)[np.asarray(found, dtype=np.int64)], names


def coded_group_counts(codes: np.ndarray, names: np.ndarray, rows: np.ndarray, without: np.ndarray) -> list[GroupCount]:
    """group_counts from label_codes' codes and names: the same counts, in the same order, without text per row."""
    return marked_group_counts(codes, names, rows, np.isin(rows, without))


def marked_group_counts(codes: np.ndarray, names: np.ndarray, rows: np.ndarray, marked: np.ndarray) -> list[GroupCount]:
    """coded_group_counts with the rows in `without` given as a mask over `rows` (a caller that put them there knows
    it without searching)."""
    if not len(rows):
        return []
    chosen = codes[rows]
    totals = np.bincount(chosen, minlength=len(names))
    missing = np.bincount(chosen, weights=marked.astype(np.int64), minlength=len(names))
    counts = [GroupCount(str(names[k]), int(missing[k]), int(totals[k])) for k in np.flatnonzero(totals).tolist()]
    return sorted(counts, key=lambda c: (-c.without_ci, -c.total, c.label))
