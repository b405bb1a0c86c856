"""CMDB health score, in the manner of ServiceNow's CMDB Health: completeness, correctness and compliance per class.

Each check says, per CI, whether it applies and whether the CI passes. A CI's score in a dimension is the share of
that dimension's applicable checks it passes; a class's score is the mean over its CIs (CIs no check of the
dimension applies to are left out of that mean); the overall score of a class (or of the whole CMDB) is the mean
of its three dimension scores, equally weighted. Scores are fractions in [0, 1]; None where nothing applied.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

DIMENSIONS = ("completeness", "correctness", "compliance")
ALL_CLASSES = "all classes"


@dataclass(frozen=True, slots=True)
class Check:
    """One rule of the score: its code, the dimension it counts for and what a passing CI has."""

    code: str
    dimension: str
    title: str


@dataclass(frozen=True, slots=True)
class Verdicts:
    """Per CI (by node position): whether the check applies, and whether the CI passes it."""

    applies: np.ndarray  # bool
    passes: np.ndarray  # bool; read only where it applies


@dataclass(frozen=True, slots=True)
class ClassScore:
    """The scores of one class (or of every CI: cls == ALL_CLASSES)."""

    cls: str
    cis: int
    completeness: float | None
    correctness: float | None
    compliance: float | None

    @property
    def overall(self) -> float | None:
        """The mean of the dimension scores that are known."""
        known = [s for s in (self.completeness, self.correctness, self.compliance) if s is not None]
        return sum(known) / len(known) if known else None


@dataclass(frozen=True, slots=True)
class CheckResult:
    """How many CIs a check applied to, how many failed it, and a few failing CIs (node positions)."""

    check: Check
    checked: int
    failing: int
    examples: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class HealthScore:
    """The whole CMDB's score, each class's (worst first) and each check's failures (most failures first)."""

    total: ClassScore
    classes: tuple[ClassScore, ...]
    checks: tuple[CheckResult, ...]


MAX_EXAMPLES = 8


def percent(value: float | None) -> str:
    """0.8734 → '87.3 %'; None → 'n/a' (no check applied)."""
    return "n/a" if value is None else f"{value * 100:.1f} %"


def score(
    class_codes: np.ndarray,
    class_names: Sequence[str],
    checks: Sequence[Check],
    verdicts: Mapping[str, Verdicts],
) -> HealthScore:
    """Score every class and the whole CMDB from the checks' verdicts (class_codes index into class_names)."""
    n = len(class_codes)
    per_dimension = {d: _dimension_share(n, [verdicts[c.code] for c in checks if c.dimension == d]) for d in DIMENSIONS}
    everyone = np.ones(n, dtype=bool)
    total = _class_score(ALL_CLASSES, everyone, per_dimension)
    classes = [
        _class_score(name, class_codes == code, per_dimension)
        for code, name in enumerate(class_names)
        if np.any(class_codes == code)
    ]
    classes.sort(key=lambda s: (s.overall if s.overall is not None else 2.0, -s.cis, s.cls))
    results = [_check_result(check, verdicts[check.code]) for check in checks]
    results.sort(key=lambda r: (-r.failing, r.check.code))
    return HealthScore(total, tuple(classes), tuple(results))


def _dimension_share(n: int, dimension: list[Verdicts]) -> tuple[np.ndarray, np.ndarray]:
    """Per CI: the share of the dimension's applicable checks it passes, and whether any applied."""
    applied = np.zeros(n, dtype=np.int32)
    passed = np.zeros(n, dtype=np.int32)
    for v in dimension:
        applied += v.applies
        passed += v.applies & v.passes
    share = np.divide(passed, applied, out=np.zeros(n, dtype=np.float64), where=applied > 0)
    return share, applied > 0


def _class_score(name: str, members: np.ndarray, per_dimension: dict[str, tuple[np.ndarray, np.ndarray]]) -> ClassScore:
    means: dict[str, float | None] = {}
    for dimension, (share, applied) in per_dimension.items():
        counted = members & applied
        means[dimension] = float(share[counted].mean()) if counted.any() else None
    return ClassScore(name, int(members.sum()), **means)


def _check_result(check: Check, v: Verdicts) -> CheckResult:
    failing = v.applies & ~v.passes
    examples = tuple(int(i) for i in np.flatnonzero(failing)[:MAX_EXAMPLES])
    return CheckResult(check, int(v.applies.sum()), int(failing.sum()), examples)
