"""Structured logs: one event per line as JSON, with an error id for anything shown to a user as an error."""

import json
import logging
import secrets
from datetime import UTC, datetime

_logger = logging.getLogger("servicemap")


def new_error_id() -> str:
    """A short id that a user can quote and an operator can grep for."""
    return secrets.token_hex(4)


def log_event(event: str, *, level: int = logging.INFO, **fields: object) -> None:
    """Log one event as a single JSON line."""
    record = {"time": datetime.now(UTC).isoformat(timespec="milliseconds"), "event": event, **fields}
    _logger.log(level, json.dumps(record, default=str, ensure_ascii=False))


def configure(level: int = logging.INFO) -> None:
    """Send servicemap's events to stderr, once."""
    if not _logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        _logger.addHandler(handler)
    _logger.setLevel(level)
