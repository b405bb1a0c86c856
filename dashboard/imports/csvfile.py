"""The one CSV reader of every import format: text columns, and the physical line on which each row starts.

A quoted field may hold line breaks (a ServiceNow description often does), so a row's position in the file is not
its line: rejections name the line a user finds the row on in an editor.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd


@dataclass(frozen=True, slots=True)
class CsvTable:
    """A CSV file's rows as text (empty cells NULL), and the line each row starts on (the header is line 1)."""

    path: Path
    rows: pd.DataFrame
    lines: list[int]

    def origins(self) -> list[str]:
        """Where each row came from, as rejections show it: "incident.csv line 12"."""
        return [f"{self.path.name} line {line}" for line in self.lines]


def read_csv(path: Path) -> CsvTable:
    """A CSV file (UTF-8, with or without BOM): header names trimmed and lower case, nothing guessed.

    Blank lines are skipped; a row shorter than the header reads NULL in its missing cells. ValueError for a file
    that is not UTF-8, or not CSV (a row longer than the header, a quote never closed).
    """
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: not a readable CSV file ({error})") from None
    try:
        header, records, lines = _records(text)
    except csv.Error as error:
        raise ValueError(f"{path}: not a readable CSV file ({error})") from None
    for record, line in zip(records, lines, strict=True):
        if len(record) > len(header):
            raise ValueError(
                f"{path}: not a readable CSV file (line {line} has {len(record)} fields, the header {len(header)})"
            )
    columns = _unique([name.strip().lower() for name in header])
    data = [[cell if cell != "" else None for cell in record] + [None] * (len(header) - len(record))
            for record in records]  # fmt: skip
    rows = pd.DataFrame(data, columns=columns, dtype="object") if columns else pd.DataFrame()
    return CsvTable(path, rows, lines)


def _records(text: str) -> tuple[list[str], list[list[str]], list[int]]:
    """The header, the non-blank records after it, and the line each record starts on."""
    header: list[str] | None = None
    records: list[list[str]] = []
    lines: list[int] = []
    for line, record in _numbered(text):
        if not record:
            continue
        if header is None:
            header = record
        else:
            records.append(record)
            lines.append(line)
    return header or [], records, lines


def _numbered(text: str) -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on: the line after the one the previous record ended on."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    ended = 0
    try:
        for record in reader:
            start, ended = ended + 1, reader.line_num
            yield start, record
    except csv.Error as error:
        raise csv.Error(f"line {reader.line_num}: {error}") from None


def _unique(names: list[str]) -> list[str]:
    """Column names with repeats numbered as pandas does ("name", "name.1"), so that no column hides another."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        count = seen.get(name, 0)
        seen[name] = count + 1
        out.append(f"{name}.{count}" if count else name)
    return out
