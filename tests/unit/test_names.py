"""CI names as shown: hidden and reordering characters made visible, long names cut for headings."""

import re
import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.domain import names as names_module
from dashboard.domain.names import (
    HIDDEN_CHARACTERS,
    MAX_HEADING,
    cut,
    distinct_cuts,
    has_hidden_characters,
    shown_name,
    visible,
)


def test_nm001_every_control_format_separator_and_surrogate_character_is_hidden():
    pattern = re.compile(f"[{HIDDEN_CHARACTERS}]")
    missed = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in ("Cc", "Cf", "Zl", "Zp", "Cs") and not pattern.match(chr(code))
    ]
    assert missed == []


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("\u202etxt.exe", "⟨U+202E⟩txt.exe"),  # found by a user: drawn as "exe.txt"
        ("pay\u200broll", "pay⟨U+200B⟩roll"),
        ("\ufeffdb01", "⟨U+FEFF⟩db01"),
        ("a\u2066b\u2069", "a⟨U+2066⟩b⟨U+2069⟩"),
        ("tab\there", "tab⟨U+0009⟩here"),
        ("Zürich – Büro 3 😀", "Zürich – Büro 3 😀"),
        ("שרת", "שרת"),  # right-to-left letters are names, not tricks
        (None, ""),
        (float("nan"), ""),
    ],
)
def test_nm002_hidden_characters_are_shown_as_code_points(name, shown):
    assert visible(name) == shown
    assert has_hidden_characters(str(name)) == (shown != str(name) and name is not None and name == name)


def test_nm003_long_names_are_cut_in_headings_and_kept_whole_by_visible():
    long = "x" * 100_000
    assert shown_name(long) == "x" * (MAX_HEADING - 1) + "…"
    assert len(shown_name(long)) == MAX_HEADING
    assert visible(long) == long
    assert shown_name("Payroll") == "Payroll"
    assert shown_name("\u202e" * 1000).startswith("⟨U+202E⟩")
    assert len(shown_name("\u202e" * 1000)) == MAX_HEADING
    assert cut("abc", 3) == "abc"


def test_nm004_finding_examples_mark_hidden_characters_escape_controls_and_are_cut():
    from dashboard.cmdb.quality import MAX_EXAMPLE_CHARS, shown

    assert shown("\u202etxt.exe") == "⟨U+202E⟩txt.exe"
    assert shown("a\x1b[2J") == "a\\x1b[2J"  # a terminal must not act on it
    assert len(shown("x" * 100_000)) == MAX_EXAMPLE_CHARS
    assert shown(None) == "(empty)"


def test_nm005_names_that_a_narrow_cell_would_show_alike_keep_what_tells_them_apart():
    names = ["Identity & Access", "Identity & Access B", "Identity & Access C", "Online Banking", "Video Conferencing"]
    shown = distinct_cuts(names, [15] * len(names))
    assert shown == ["Identity & A…ss", "Identity & A… B", "Identity & A… C", "Online Banking", "Video Conferencing"]


@given(
    st.lists(st.tuples(st.text(min_size=0, max_size=40), st.integers(min_value=5, max_value=30)), max_size=30),
)
def test_nm006_a_cut_name_is_within_its_limit_and_every_other_name_is_whole(cells):
    names, limits = [name for name, _ in cells], [limit for _, limit in cells]
    shown = distinct_cuts(names, limits)
    assert len(shown) == len(names)
    for name, limit, label in zip(names, limits, shown, strict=True):
        assert label == name or (len(label) <= limit and "…" in label and len(name) > limit)


@given(st.text(min_size=12, max_size=30), st.lists(st.characters(), min_size=2, max_size=8, unique=True))
def test_nm007_names_differing_only_in_their_last_letter_stay_apart(stem, last):
    names = [stem + letter for letter in last]
    shown = distinct_cuts(names, [10] * len(names))
    assert len(set(shown)) == len(names)


@given(st.one_of(st.text(), st.text(alphabet=st.characters(max_codepoint=127))))
def test_nm008_the_printable_ascii_shortcut_shows_what_the_search_for_hidden_characters_shows(name):
    assert visible(name) == names_module._HIDDEN.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", name)
