"""CI names as they are shown: characters that are invisible or reorder the text made visible, long names cut.

A name with U+202E (right-to-left override) before "txt.exe" is drawn as "exe.txt"; a zero-width space makes two
names that look the same differ. Every view model shows names through `visible` (whole, for the details panel) or
`shown_name` (cut), so no such name can pass for another.
"""

import re

MAX_HEADING = 80  # characters of a name in headings, tiles, options and tables (the details panel shows it whole)

# Control (Cc), format (Cf: bidi controls, zero-width characters, soft hyphen, tags), line and paragraph separators
# (Zl, Zp), surrogates (Cs), and the Hangul fillers, which are letters drawn as nothing. Checked against unicodedata
# by tests/unit/test_names.py.
HIDDEN_CHARACTERS = (
    "\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u180e\u200b-\u200f"
    "\u2028-\u202e\u2060-\u2064\u2066-\u206f\u3164\ud800-\udfff\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_HIDDEN = re.compile(f"[{HIDDEN_CHARACTERS}]")


def has_hidden_characters(name: str) -> bool:
    """True when the name holds a character that `visible` would mark."""
    return _HIDDEN.search(name) is not None


def visible(name: object) -> str:
    """The name with every hidden or reordering character shown as ⟨U+XXXX⟩; None and NaN as ""."""
    return _HIDDEN.sub(lambda match: f"⟨U+{ord(match.group()):04X}⟩", _text(name))


def cut(text: str, limit: int) -> str:
    """The text, cut to `limit` characters with "…" when longer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown_name(name: object) -> str:
    """A name for a heading, a tile, a search option or a table cell: visible and at most MAX_HEADING characters."""
    return cut(visible(_text(name)[: MAX_HEADING + 1]), MAX_HEADING)  # marks only lengthen: cut a 100 KB name first


def _text(name: object) -> str:
    if name is None or (isinstance(name, float) and name != name):
        return ""
    return str(name)
