"""The one parser for untrusted values: URL query values, callback inputs and element ids from the browser.

Every function here takes any object and never raises; what is not a valid value becomes None or a default.
Numbers are ASCII digits only: `str.isdigit()` accepts '²' and '٣', which `int()` then rejects or reads as 3.
"""

import re
from urllib.parse import parse_qs

MAX_DIGITS = 18  # fits a signed 64-bit integer, the width of CI ids
MAX_TEXT = 2000  # characters of any one untrusted text that are looked at
MAX_QUERY = 4000  # characters of a query string that are looked at
_DIGITS = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}")


def whole_number(value: object) -> int | None:
    """A non-negative integer written in ASCII digits (or a JSON integer of at most 18 digits), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value < 10**MAX_DIGITS else None
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        return int(value)
    return None


def bounded(value: object, *, default: int, low: int, high: int) -> int:
    """A whole number clamped to [low, high]; the default when there is none."""
    number = whole_number(value)
    return default if number is None else max(low, min(number, high))


def text(value: object, max_chars: int = MAX_TEXT) -> str:
    """A string cut to max_chars, or "" for anything that is not a string."""
    return value[:max_chars] if isinstance(value, str) else ""


def number_list(value: object, max_items: int, separator: str = ",") -> list[int]:
    """The whole numbers of a separated list ("5,7,x" → [5, 7]); at most max_items parts are looked at."""
    return [n for part in text(value).split(separator)[:max_items] if (n := whole_number(part.strip())) is not None]


def prefixed_id(value: object, prefix: str) -> int | None:
    """The number of an element id such as "ci-42" for the prefix "ci-", else None."""
    raw = text(value, len(prefix) + MAX_DIGITS)
    return whole_number(raw[len(prefix) :]) if raw.startswith(prefix) else None


def query_values(search: object) -> dict[str, str]:
    """The first value of each parameter of a query string (with or without its "?"), stripped and cut to MAX_TEXT;
    blank values are left out."""
    parsed = parse_qs(text(search, MAX_QUERY).lstrip("?"))
    return {name: text(values[0].strip()) for name, values in parsed.items()}


def query_lists(search: object, name: str, max_items: int, max_chars: int) -> frozenset[str]:
    """Every value of a repeated query parameter (?loc=FRA1&loc=LON3), stripped; blank or longer than max_chars left
    out, at most max_items looked at."""
    parsed = parse_qs(text(search, MAX_QUERY).lstrip("?")).get(name, [])
    return frozenset(v for value in parsed[:max_items] if 0 < len(v := value.strip()) <= max_chars)
