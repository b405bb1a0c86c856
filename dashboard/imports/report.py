"""What an import did: per part, the rows read and what became of each, every rejection, and the outcome."""

import re
from dataclasses import dataclass, field
from enum import StrEnum

from dashboard.imports.batch import PARTS, Rejection


class Outcome(StrEnum):
    """How an import ended (the command's exit status follows from it)."""

    COMPLETE = "complete"  # every row imported
    PARTIAL = "partial"  # written, but some rows (or whole files) were rejected
    NOTHING_USABLE = "nothing usable"  # no row could be imported: nothing written
    TOO_MANY_REJECTED = "too many rejected"  # more rejected than --max-rejects allows: nothing written


class AccountingError(RuntimeError):
    """The counts of an import do not add up to the rows read: a fault of servicemap, so nothing is written."""


@dataclass(frozen=True, slots=True)
class MaxRejects:
    """How many rejected rows an import tolerates before writing nothing: a count, or a percentage of rows read."""

    limit: float
    percent: bool = False

    @classmethod
    def parse(cls, text: str) -> "MaxRejects":
        """`N` or `P%`; ValueError otherwise."""
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(%?)\s*", text)
        if match is None or (not match[2] and "." in match[1]):
            raise ValueError(f"--max-rejects {text!r}: give a number of rows (100) or a percentage of rows read (5%)")
        return cls(float(match[1]), bool(match[2]))

    def exceeded(self, rejected: int, read: int) -> bool:
        """True when `rejected` of `read` rows is more than allowed."""
        return rejected > (self.limit * read / 100 if self.percent else self.limit)

    def __str__(self) -> str:
        return f"{self.limit:g}%" if self.percent else f"{self.limit:g}"


@dataclass(slots=True)
class PartReport:
    """What happened to one part's rows: read = added + updated + unchanged + joined + rejected."""

    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    joined: int = 0
    rejected: int = 0

    @property
    def imported(self) -> int:
        return self.added + self.updated + self.unchanged + self.joined

    def adds_up(self) -> bool:
        return self.imported + self.rejected == self.read


COLUMNS = ("read", "added", "updated", "unchanged", "joined", "rejected")


@dataclass(slots=True)
class ImportReport:
    """The outcome of an import: counts per part, every rejected row, notes, and whether anything was written."""

    target: str
    dry_run: bool
    parts: dict[str, PartReport] = field(default_factory=lambda: {name: PartReport() for name in PARTS})
    rejected: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    max_rejects: MaxRejects | None = None

    @property
    def unrecognised(self) -> int:
        """Rejections of whole files or rows that belong to no part."""
        return sum(1 for r in self.rejected if not r.part)

    @property
    def imported(self) -> int:
        return sum(p.imported for p in self.parts.values())

    @property
    def outcome(self) -> Outcome:
        if self.imported == 0:
            return Outcome.NOTHING_USABLE
        read = sum(p.read for p in self.parts.values()) + self.unrecognised
        if self.max_rejects is not None and self.max_rejects.exceeded(len(self.rejected), read):
            return Outcome.TOO_MANY_REJECTED
        return Outcome.PARTIAL if self.rejected else Outcome.COMPLETE

    @property
    def writes(self) -> bool:
        """True when the import writes (or, in a dry run, would write) what it accepted."""
        return self.outcome in (Outcome.COMPLETE, Outcome.PARTIAL)

    def check_accounting(self) -> None:
        """AccountingError when a part's counts do not add up to the rows read."""
        wrong = [
            f"{name}: {p.read:,} read, {p.imported:,} imported + {p.rejected:,} rejected"
            for name, p in self.parts.items()
            if not p.adds_up()
        ]
        if wrong:
            raise AccountingError(f"the import's counts do not add up ({'; '.join(wrong)}); nothing was written")

    def lines(self) -> list[str]:
        """A table for the terminal, the notes, and the outcome."""
        verb = "Would import" if self.dry_run else "Imported"
        out = [f"{verb} into {self.target}:", f"  {'':14}" + "".join(f"{c:>10}" for c in COLUMNS)]
        for name, part in self.parts.items():
            out.append(f"  {name:14}" + "".join(f"{getattr(part, c):>10,}" for c in COLUMNS))
        if self.unrecognised:
            out.append(f"  {self.unrecognised:,} files or source rows were not recognised at all (listed below)")
        out.extend(f"  {note}" for note in self.notes)
        out.append(self._verdict())
        return out

    def _verdict(self) -> str:
        rejected = len(self.rejected)
        outcome = self.outcome
        if outcome is Outcome.NOTHING_USABLE:
            return "Nothing to import: no row could be used" + (" (see the rejections)." if rejected else ".")
        if outcome is Outcome.TOO_MANY_REJECTED:
            limit = f"--max-rejects {self.max_rejects}"
            return f"Stopped: {rejected:,} rows rejected, more than {limit} allows; nothing written."
        done = "would be imported" if self.dry_run else "imported"
        if outcome is Outcome.PARTIAL:
            return f"{self.imported:,} rows {done}, {rejected:,} rejected (listed below)."
        return f"Every row read {done} ({self.imported:,})."
