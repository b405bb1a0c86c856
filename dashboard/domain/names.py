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
    text = _text(name)
    if text.isascii() and text.isprintable():  # no hidden character is both (a third of the time of the search)
        return text
    return _HIDDEN.sub(lambda match: f"⟨U+{ord(match.group()):04X}⟩", text)


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


def distinct_cuts(names: list[str], limits: list[int]) -> list[str]:
    """Names as narrow cells show them, each in at most its `limit` characters: whole where they fit, or where the end
    the cell cuts off ("Video Conferen…") tells them apart anyway (the cell cuts them itself); names that would then
    look the same keep what tells them apart instead ("Identity & A… B", "Identity & A…ss")."""
    heads = [name[: limit - 1] if len(name) > limit else None for name, limit in zip(names, limits, strict=True)]
    alike: dict[str, list[str]] = {}
    for name, head in zip(names, heads, strict=True):
        if head is not None:
            alike.setdefault(head, []).append(name)
    return [
        _cut_apart(name, limit, alike[head]) if head is not None and len(alike[head]) > 1 else name
        for name, limit, head in zip(names, limits, heads, strict=True)
    ]


MIN_TAIL = 2  # letters of a name's end kept when what tells it apart is shorter (or nothing: the shortest of its group)


def _cut_apart(name: str, limit: int, group: list[str]) -> str:
    """The name's start and, after "…", the end that differs from the others of its group (at least MIN_TAIL)."""
    common = _common_start(min(group), max(group))  # the sorted first and last share what every one shares
    tail = min(max(len(name) - common, MIN_TAIL), (limit - 1) * 3 // 5)  # a start of at least 2/5 stays readable
    return name[: limit - 1 - tail].rstrip() + "…" + name[len(name) - tail :]


def _common_start(first: str, last: str) -> int:
    return next((i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), min(len(first), len(last)))
