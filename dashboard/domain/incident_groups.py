"""Open incidents grouped by one of their own fields (assignment group, category): how many of each priority, how many
name no CI, the worst status of the CIs they name, the oldest, and the CI most often named.

A service-desk export names a CI in few incidents (0.2 % in a real ServiceNow audit trail): grouped by CI they would
vanish from every screen. Grouped by their own fields, every open incident is in exactly one group.
"""

from dataclasses import dataclass

import numpy as np

from dashboard.domain.vocabulary import Health

PRIORITIES = 5


@dataclass(frozen=True, slots=True)
class OpenIncidents:
    """The open incidents of a snapshot, one entry each, in the order of the incident table."""

    rows: np.ndarray  # position in the incident table
    nodes: np.ndarray  # the node named; -1 when the incident names no CI of the CMDB
    priorities: np.ndarray  # float: 1 … 5, NaN when not given (counted as 5, as on the map)
    opened: np.ndarray  # datetime64[ns], NaT when not given

    @property
    def without_ci(self) -> int:
        """How many name no CI of the CMDB."""
        return int((self.nodes < 0).sum())

    @property
    def mostly_without_ci(self) -> bool:
        """True when more than half of them name no CI: a screen of CIs would leave most of them out."""
        return self.without_ci * 2 > len(self.rows)


@dataclass(frozen=True, slots=True)
class IncidentGroup:
    """The open incidents sharing one value of a field."""

    code: int  # the field's code (a label elsewhere says what it stands for)
    incidents: tuple[int, ...]  # open incidents of priority 1 … 5
    without_ci: int  # of them, those that name no CI of the CMDB
    status: Health  # worst status of the CIs they name; UNKNOWN when they name none
    oldest: int  # the oldest open incident (its position in the arrays given); -1 when none has an opening time
    most_named: int  # the node most of them name (ties: the lowest position); -1 when they name none
    most_named_count: int

    @property
    def open(self) -> int:
        """Open incidents in the group."""
        return sum(self.incidents)


def incident_groups(
    codes: np.ndarray, nodes: np.ndarray, priorities: np.ndarray, opened: np.ndarray, status: np.ndarray
) -> tuple[IncidentGroup, ...]:
    """The groups of open incidents by code, worst first: most P1, then P2 … P5, then most open, then code.

    One entry per open incident: `codes` its group (≥ 0), `nodes` the node it names (-1: none), `priorities` 1 … 5,
    `opened` its opening time (datetime64, NaT when unknown). Priorities outside 1 … 5 or missing count as 5, as on
    the map. `status` is the shown status of every node.
    """
    codes = np.asarray(codes, dtype=np.int64)
    if not len(codes):
        return ()
    nodes = np.asarray(nodes, dtype=np.int64)
    size = int(codes.max()) + 1
    given = np.nan_to_num(np.asarray(priorities, dtype=np.float64), nan=PRIORITIES)
    priority = given.clip(1, PRIORITIES).astype(np.int64) - 1
    counts = np.zeros((size, PRIORITIES), dtype=np.int64)
    np.add.at(counts, (codes, priority), 1)
    named = nodes >= 0
    without_ci = np.bincount(codes[~named], minlength=size)
    worst = np.full(size, int(Health.UNKNOWN), dtype=np.int64)
    seen = np.zeros(size, dtype=bool)
    seen[codes[named]] = True
    worst[seen] = -1
    np.maximum.at(worst, codes[named], np.asarray(status, dtype=np.int64)[nodes[named]])
    oldest = _oldest(codes, np.asarray(opened, dtype="datetime64[ns]"), size)
    top, top_count = _most_named(codes[named], nodes[named], size)
    present = np.flatnonzero(counts.sum(axis=1))
    keys = [present, -counts[present].sum(axis=1)]
    keys += [-counts[present, p] for p in range(PRIORITIES - 1, -1, -1)]
    order = present[np.lexsort(keys)]
    return tuple(
        IncidentGroup(
            code=int(c),
            incidents=tuple(int(i) for i in counts[c]),
            without_ci=int(without_ci[c]),
            status=Health(int(worst[c])),
            oldest=int(oldest[c]),
            most_named=int(top[c]),
            most_named_count=int(top_count[c]),
        )
        for c in order
    )


def _oldest(codes: np.ndarray, opened: np.ndarray, size: int) -> np.ndarray:
    """Per code: the position of its earliest opening time (ties: the first), -1 when it has none."""
    known = np.flatnonzero(~np.isnat(opened))
    first = np.full(size, -1, dtype=np.int64)
    if not len(known):
        return first
    ranked = known[np.lexsort((known, opened[known].astype(np.int64), codes[known]))]
    starts = np.flatnonzero(np.r_[True, codes[ranked][1:] != codes[ranked][:-1]])
    first[codes[ranked][starts]] = ranked[starts]
    return first


def _most_named(codes: np.ndarray, nodes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Per code: the node named most often (ties: the lowest) and how often; -1 and 0 when none is named."""
    top, top_count = np.full(size, -1, dtype=np.int64), np.zeros(size, dtype=np.int64)
    if not len(codes):
        return top, top_count
    pairs, count = np.unique(np.stack([codes, nodes], axis=1), axis=0, return_counts=True)
    # Per code, the pair with the highest count, then the lowest node: sorted so that it comes first.
    ranked = np.lexsort((pairs[:, 1], -count, pairs[:, 0]))
    starts = np.flatnonzero(np.r_[True, pairs[ranked, 0][1:] != pairs[ranked, 0][:-1]])
    best = ranked[starts]
    top[pairs[best, 0]] = pairs[best, 1]
    top_count[pairs[best, 0]] = count[best]
    return top, top_count
