"""Data-quality findings: what is wrong with the CMDB rows, counted, with examples. Nothing is dropped silently."""

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

    def as_dict(self) -> dict[str, object]:
        """Plain values, for JSON output."""
        return {
            "code": self.code,
            "severity": str(self.severity),
            "title": self.title,
            "count": self.count,
            "examples": list(self.examples),
            "detail": self.detail,
        }
