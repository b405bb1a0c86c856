"""The one CSV reader of every import format: text columns, and the physical line on which each row starts.

A quoted field may hold line breaks (a ServiceNow description often does), so a row's position in the file is not
its line: rejections name the line a user finds the row on in an editor.
"""

import csv
import io
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

CHUNK_ROWS = 25_000  # rows a chunked reading holds at a time (about 25 MB of text cells)


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
    with closing(read_csv_chunks(path, rows=None)) as tables:
        return next(tables, None) or CsvTable(path, pd.DataFrame(), [])


def read_csv_chunks(path: Path, rows: int | None) -> Iterator[CsvTable]:
    """The file as read_csv reads it, `rows` rows at a time (all at once for None), never held whole: a large file
    costs the memory of one chunk. An empty file gives no table; one with a header and no rows gives none too, or one
    empty table when read all at once (rows=None). The ValueError for an unreadable line comes when the reading
    reaches that line."""
    with _opened(path) as text:
        numbered = _numbered(path, text)
        header = next((record for _, record in numbered if record), None)
        if header is None:
            return
        columns = _unique([name.strip().lower() for name in header])
        chunk: list[tuple[int, list[str]]] = []
        for line, record in numbered:
            if not record:
                continue
            if len(record) > len(header):
                raise ValueError(
                    f"{path}: not a readable CSV file (line {line} has {len(record)} fields, the header {len(header)})"
                )
            chunk.append((line, record))
            if rows is not None and len(chunk) >= rows:
                yield _table(path, columns, chunk)
                chunk = []
        if chunk or rows is None:
            yield _table(path, columns, chunk)


def has_rows(path: Path) -> bool:
    """Whether the file has a row after its header (reading only as far as that row); ValueError as read_csv."""
    with closing(read_csv_chunks(path, rows=1)) as tables:
        return next(tables, None) is not None


def _table(path: Path, columns: list[str], records: list[tuple[int, list[str]]]) -> CsvTable:
    width = len(columns)
    data = [[cell if cell != "" else None for cell in record] + [None] * (width - len(record))
            for _, record in records]  # fmt: skip
    frame = pd.DataFrame(data, columns=columns, dtype="object") if columns else pd.DataFrame()
    return CsvTable(path, frame, [line for line, _ in records])


@contextmanager
def _opened(path: Path) -> Iterator[io.TextIOBase]:
    """The file as text; a byte that is not UTF-8 raises ValueError naming the file, wherever it is met."""
    with path.open(encoding="utf-8-sig", newline="") as text:
        try:
            yield text
        except UnicodeDecodeError as error:
            raise ValueError(f"{path}: not a readable CSV file ({error})") from None


def _numbered(path: Path, text: io.TextIOBase) -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on: the line after the one the previous record ended on."""
    reader = csv.reader(text, strict=True)
    ended = 0
    try:
        for record in reader:
            start, ended = ended + 1, reader.line_num
            yield start, record
    except csv.Error as error:
        raise ValueError(f"{path}: not a readable CSV file (line {reader.line_num}: {error})") from None


def _unique(names: list[str]) -> list[str]:
    """Column names with repeats numbered as pandas does ("name", "name.1"), so that no column hides another."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        count = seen.get(name, 0)
        seen[name] = count + 1
        out.append(f"{name}.{count}" if count else name)
    return out
