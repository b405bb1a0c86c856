"""Data-quality findings: what is wrong with the CMDB rows, counted, with examples. Nothing is dropped silently."""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How much a finding matters: errors mean rows servicemap had to leave out of the graph."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Finding:
    """One kind of problem found in the CMDB, how often, and a few examples to look up."""

    code: str  # stable, e.g. "relationship.dangling"
    severity: Severity
    title: str
    count: int  # rows (or CIs) affected
    examples: tuple[str, ...] = ()
    detail: str = ""  # what servicemap did about it
    ci_ids: tuple[int, ...] = ()  # a few CIs concerned that are on the graph, to open on the map

    def as_dict(self) -> dict[str, object]:
        """Plain values, for JSON output."""
        return {
            "code": self.code,
            "severity": str(self.severity),
            "title": self.title,
            "count": self.count,
            "examples": list(self.examples),
            "detail": self.detail,
            "ci_ids": list(self.ci_ids),
        }


SEVERITY_ORDER = tuple(Severity)  # worst first


def by_severity(findings: Iterable[Finding]) -> list[Finding]:
    """The findings worst first: errors, then warnings, then notes; within each, the most frequent first."""
    return sorted(findings, key=lambda f: (SEVERITY_ORDER.index(f.severity), -f.count))
