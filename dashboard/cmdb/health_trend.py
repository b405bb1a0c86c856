"""The CMDB health score's trend: one line per snapshot (new fingerprint) in servicemap's own files, per source.

The CMDB keeps no history of its own quality, so servicemap writes down each snapshot's score as it computes it,
under $SERVICEMAP_HOME/cmdb-health/ — never in the CMDB. Several workers may write the same snapshot: reading
keeps one point per fingerprint. When the file cannot be written the trend says so and nothing else fails.
"""

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from dashboard.domain.cmdb_health import HealthScore
from dashboard.logs import cause_of, log_event

MAX_POINTS = 90
MAX_LINE = 2_000  # a longer line was not written by servicemap: skipped


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """The whole CMDB's scores as one snapshot had them."""

    loaded_at: datetime
    overall: float | None
    completeness: float | None
    correctness: float | None
    compliance: float | None


def trend_file(home: Path, source: str) -> Path:
    """The trend file of one CMDB (named by a hash of its redacted URL)."""
    return home / "cmdb-health" / f"{hashlib.sha256(source.encode()).hexdigest()[:16]}.jsonl"


def record(path: Path, fingerprint: str, loaded_at: datetime, result: HealthScore) -> bool:
    """Append the snapshot's scores unless its fingerprint is the last one written; False when it could not."""
    total = result.total
    line = {
        "fingerprint": fingerprint,
        "loaded_at": loaded_at.isoformat(),
        "overall": total.overall,
        "completeness": total.completeness,
        "correctness": total.correctness,
        "compliance": total.compliance,
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if _last_fingerprint(path) == fingerprint:
            return True
        with path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")
        return True
    except OSError as error:
        log_event("cmdb_health_trend_unwritten", level=logging.WARNING, path=str(path), cause=cause_of(error))
        return False


def read_trend(path: Path) -> list[TrendPoint]:
    """The last MAX_POINTS snapshots' scores, oldest first, one per fingerprint; unreadable lines are skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    points: dict[str, TrendPoint] = {}
    for text in lines:
        point = _parsed(text)
        if point is not None:
            points.setdefault(point[0], point[1])
    return sorted(points.values(), key=lambda p: p.loaded_at)[-MAX_POINTS:]


def _last_fingerprint(path: Path) -> str | None:
    if not path.exists():
        return None
    with path.open("rb") as f:
        f.seek(max(0, path.stat().st_size - MAX_LINE))
        tail = f.read().decode("utf-8", errors="replace").splitlines()
    parsed = _parsed(tail[-1]) if tail else None
    return parsed[0] if parsed else None


def _parsed(text: str) -> tuple[str, TrendPoint] | None:
    if len(text) > MAX_LINE:
        return None
    try:
        line = json.loads(text)
        scores = [_fraction(line.get(k)) for k in ("overall", "completeness", "correctness", "compliance")]
        return str(line["fingerprint"]), TrendPoint(datetime.fromisoformat(line["loaded_at"]), *scores)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _fraction(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        return None
    return float(value)
