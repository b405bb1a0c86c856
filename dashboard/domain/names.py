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


def distinct_cuts(names: list[str], limit: int) -> list[str]:
    """Names as a narrow cell shows them: whole where they fit `limit` characters or where the end the cell cuts off
    ("Identity & Acc…") tells them apart anyway (the cell cuts them itself); names that would then look the same
    keep their end instead ("Identity…Access D"), so that no two cells read alike."""
    heads = [name[: limit - 1] for name in names]
    repeated = {head for head in heads if heads.count(head) > 1}
    return [
        _middle_cut(name, limit) if len(name) > limit and head in repeated else name
        for name, head in zip(names, heads, strict=True)
    ]


def _middle_cut(name: str, limit: int) -> str:
    head = max(1, (limit - 1) * 2 // 5)  # more of the end, where names that begin alike differ
    tail = limit - 1 - head
    return name[:head].rstrip() + "…" + name[len(name) - tail :]
