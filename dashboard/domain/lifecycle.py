"""Asset lifecycle risk (ITAM): CIs past or near end of support, end of life or warranty, and aged hardware.

Each CI falls into exactly one bucket per date kind: *past* (the date is before now), *near* (within `near` of now),
*fine* (later), *unknown* (the CMDB has no such date for it) or *unparseable* (it has one that is not a date: reported
as a data-quality finding, never dropped). Aged hardware is a date kind like the others: the day a hardware CI turns
`max_age` old, counted from its install date, else its purchase date.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import IntEnum, StrEnum

import numpy as np

from dashboard.domain.graph import GraphIndex
from dashboard.domain.traverse import impacted_services

NEAR_DAYS = 90
MAX_AGE_YEARS = 5
HARDWARE_CLASSES: frozenset[str] = frozenset(
    {"server", "storage", "switch", "router", "firewall", "load_balancer", "device", "pdu", "console_server"}
)


class DateKind(StrEnum):
    """A lifecycle date; the value is its native attribute name (data/README.md), `age` the derived one."""

    END_OF_SUPPORT = "end_of_support"
    END_OF_LIFE = "end_of_life"
    WARRANTY = "warranty_expiration"
    AGE = "age"


INSTALL_DATES = ("install_date", "purchase_date")  # the age counts from the first of these a CI has
LABELS: dict[DateKind, str] = {
    DateKind.END_OF_SUPPORT: "End of support",
    DateKind.END_OF_LIFE: "End of life",
    DateKind.WARRANTY: "Warranty",
    DateKind.AGE: "Aged hardware",
}


class Bucket(IntEnum):
    """Where a CI's date lies relative to now; the order is the severity (worst first)."""

    PAST = 0
    NEAR = 1
    UNPARSEABLE = 2
    FINE = 3
    UNKNOWN = 4


BUCKET_LABELS: dict[Bucket, str] = {
    Bucket.PAST: "Past",
    Bucket.NEAR: "Near",
    Bucket.UNPARSEABLE: "Not a date",
    Bucket.FINE: "Fine",
    Bucket.UNKNOWN: "No date",
}
NAT = np.datetime64("NaT", "s")


def parse_date(value: object) -> np.datetime64 | None:
    """An ISO 8601 date or date-time (also with "/" between year, month and day) as datetime64[s]; NaT when empty;
    None when the value is there but is not such a date (a day-first or month-first date is ambiguous: not a date)."""
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return NAT
    if isinstance(value, datetime | date):
        return np.datetime64(value, "s")
    if not isinstance(value, str):
        return None
    text = value.strip().replace("/", "-")
    if not text:
        return NAT
    try:
        parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        return None
    offset = parsed.utcoffset()
    if offset is not None:  # an aware time: as naive UTC, like every timestamp of the CMDB
        parsed = parsed.replace(tzinfo=None) - offset
    return np.datetime64(parsed, "s")


def parse_dates(values: Sequence[object]) -> tuple[np.ndarray, np.ndarray]:
    """Dates (datetime64[s], NaT when empty or unparseable) and a mask of the values that are there but not dates."""
    dates = np.full(len(values), NAT, dtype="datetime64[s]")
    bad = np.zeros(len(values), dtype=bool)
    seen: dict[str, np.datetime64 | None] = {}  # each distinct text parsed once: dates repeat across a million CIs
    for i, value in enumerate(values):
        if isinstance(value, str):
            parsed = seen[value] if value in seen else seen.setdefault(value, parse_date(value))
        else:
            parsed = parse_date(value)
        if parsed is None:
            bad[i] = True
        else:
            dates[i] = parsed
    return dates, bad


def buckets(dates: np.ndarray, unparseable: np.ndarray, now: np.datetime64, near: np.timedelta64) -> np.ndarray:
    """The bucket (int8 Bucket code) of every CI for one date kind: exactly one each."""
    out = np.full(len(dates), Bucket.UNKNOWN, dtype=np.int8)
    known = ~np.isnat(dates)
    out[known & (dates >= now + near)] = Bucket.FINE
    out[known & (dates < now + near)] = Bucket.NEAR
    out[known & (dates < now)] = Bucket.PAST
    out[unparseable] = Bucket.UNPARSEABLE
    return out


def aged_on(installed: np.ndarray, max_age_years: int) -> np.ndarray:
    """The day each CI turns max_age_years old (the same month and day; 29 February → 1 March); NaT stays NaT."""
    days = installed.astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    into_month = days - months.astype("datetime64[D]")
    return ((months + 12 * max_age_years).astype("datetime64[D]") + into_month).astype("datetime64[s]")


@dataclass(frozen=True, slots=True)
class LifecycleRisk:
    """Buckets by CI position for each date kind, and the dates they come from."""

    buckets: dict[DateKind, np.ndarray]  # int8 Bucket code per CI position
    dates: dict[DateKind, np.ndarray]  # datetime64[s] per CI position (for age: the day it turns max_age)

    def at_risk(self) -> np.ndarray:
        """Positions of the CIs past or near any of their dates, in position order."""
        worst = np.minimum.reduce(list(self.buckets.values())) if self.buckets else np.empty(0, np.int8)
        return np.flatnonzero(worst <= Bucket.NEAR)


def lifecycle_risk(
    dates: dict[DateKind, tuple[np.ndarray, np.ndarray]],
    installed: tuple[np.ndarray, np.ndarray],
    hardware: np.ndarray,
    now: np.datetime64,
    near_days: int = NEAR_DAYS,
    max_age_years: int = MAX_AGE_YEARS,
) -> LifecycleRisk:
    """Buckets for every date kind: `dates` maps the three expiry kinds to (dates, unparseable) by CI position,
    `installed` is (install-or-purchase dates, unparseable), `hardware` masks the CIs that age counts for."""
    near = np.timedelta64(near_days, "D")
    out_buckets, out_dates = {}, {}
    for kind, (when, bad) in dates.items():
        out_buckets[kind] = buckets(when, bad, now, near)
        out_dates[kind] = when
    when, bad = installed
    aged = np.where(hardware, aged_on(when, max_age_years), NAT)
    out_buckets[DateKind.AGE] = buckets(aged, bad & hardware, now, near)
    out_dates[DateKind.AGE] = aged
    return LifecycleRisk(out_buckets, out_dates)


def standing_services(index: GraphIndex, position: int, rank: np.ndarray) -> np.ndarray:
    """Positions of the business services that stand on a CI, most critical first (`rank` by CI position: 0 =
    critical … larger = less critical), then in position order."""
    services = impacted_services(index, position)
    return services[np.lexsort((services, rank[services]))]


NO_SERVICE = 1 << 30  # the service rank of a CI no business service stands on


def service_ranks(index: GraphIndex, rank: np.ndarray, services: np.ndarray) -> np.ndarray:
    """For every CI, the rank of the most critical business service standing on it (`services` masks the business
    services, `rank` gives 0 = critical … by position; NO_SERVICE where none does). What a service depends on gets
    its rank, walking down every edge as impacted_services walks up; a CI's value only ever falls, so each is
    revisited at most once per distinct rank."""
    best = np.where(services, rank, NO_SERVICE).astype(np.int64)
    down = index.down
    frontier = np.flatnonzero(services)
    while len(frontier):
        starts = down.indptr[frontier]
        counts = down.indptr[frontier + 1] - starts
        slots = np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(int(counts.sum()))
        targets, values = down.indices[slots], np.repeat(best[frontier], counts)
        better = values < best[targets]
        np.minimum.at(best, targets[better], values[better])
        frontier = np.unique(targets[better])
    return best


def risk_order(risk: LifecycleRisk, positions: np.ndarray, service_rank: np.ndarray) -> np.ndarray:
    """CIs at risk in the order to act on them: worst bucket first, then the most critical service standing on them
    (`service_rank` per position in `positions`), then the earliest date past or near."""
    kinds = list(risk.buckets)
    worst = np.minimum.reduce([risk.buckets[k][positions] for k in kinds])
    soonest = np.full(len(positions), np.iinfo(np.int64).max, dtype=np.int64)
    for kind in kinds:
        due = risk.buckets[kind][positions] <= Bucket.NEAR
        when = risk.dates[kind][positions].astype(np.int64)
        soonest = np.where(due, np.minimum(soonest, when), soonest)
    return positions[np.lexsort((positions, soonest, service_rank, worst))]
