"""Structured logs: one event per line as JSON, with an error id for anything shown to a user as an error."""

import json
import logging
import os
import secrets
import sys
from datetime import UTC, datetime
from typing import TextIO

_logger = logging.getLogger("servicemap")


def new_error_id() -> str:
    """A short id that a user can quote and an operator can grep for."""
    return secrets.token_hex(4)


def cause_of(error: BaseException) -> str:
    """The error's type and first line: driver messages can run to pages and carry the SQL (never the password:
    URLs are shown redacted)."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0][:300] if lines else ''}"


def log_event(event: str, *, level: int = logging.INFO, **fields: object) -> None:
    """Log one event as a single JSON line."""
    now = datetime.now(UTC).isoformat(timespec="milliseconds")
    record = {"time": now, "event": event, "pid": os.getpid(), **fields}
    _logger.log(level, json.dumps(record, default=str, ensure_ascii=False))


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time of each event (not the one there was when it was set up)."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


def configure(level: int = logging.INFO) -> None:
    """Send servicemap's events to stderr, once."""
    if not _logger.handlers:
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        _logger.addHandler(handler)
    _logger.setLevel(level)
