"""The CMDB health section's view model: the snapshot's score, its failing checks with CIs to open, and its trend."""

from dataclasses import dataclass

from dashboard.cmdb.cmdb_health import cmdb_health
from dashboard.cmdb.health_trend import TrendPoint, read_trend, trend_file
from dashboard.cmdb.snapshot import Snapshot
from dashboard.domain.cmdb_health import ClassScore
from dashboard.domain.names import shown_name
from dashboard.settings import data_home


@dataclass(frozen=True, slots=True)
class CheckRow:
    """One check: what it asks, of how many CIs, how many fail it, and a few of those (id, shown name)."""

    code: str
    dimension: str
    title: str
    checked: int
    failing: int
    examples: tuple[tuple[int, str], ...]


@dataclass(frozen=True, slots=True)
class CmdbHealthView:
    """Plain data for the layout (and for an API)."""

    total: ClassScore
    classes: tuple[ClassScore, ...]
    checks: tuple[CheckRow, ...]
    trend: tuple[TrendPoint, ...]


def cmdb_health_view(snapshot: Snapshot) -> CmdbHealthView:
    """The score of the snapshot (worked out once), its checks' failing CIs by id and name, and the recorded trend."""
    score = cmdb_health(snapshot)
    ci_ids = snapshot.index.ci_ids
    names = snapshot.ci["name"]
    checks = tuple(
        CheckRow(
            r.check.code,
            r.check.dimension,
            r.check.title,
            r.checked,
            r.failing,
            tuple((int(ci_ids[p]), shown_name(names.iat[p])) for p in r.examples),
        )
        for r in score.checks
    )
    trend = tuple(read_trend(trend_file(data_home(), snapshot.source)))
    return CmdbHealthView(score.total, score.classes, checks, trend)
