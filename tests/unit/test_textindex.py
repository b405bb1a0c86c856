"""TextIndex: text → id by 64-bit hash, every hit confirmed against the text, so lookups equal a dict's."""

from unittest.mock import patch

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.imports import textindex
from dashboard.imports.textindex import TextIndex

TEXTS = st.text(alphabet="ab:é\u202e ", max_size=4)


def _expected(index: dict[str, int], probes: list[str | None]) -> list[object]:
    return [index.get(p, pd.NA) if p is not None else pd.NA for p in probes]


def _looked_up(index: dict[str, int], probes: list[str | None]) -> list[object]:
    found = TextIndex(pd.Series(list(index), dtype="str"), np.array(list(index.values())))
    return found.lookup(pd.Series(probes, dtype="str", index=range(10, 10 + len(probes)))).tolist()


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(TEXTS, st.integers(0, 10**12), max_size=8), st.lists(st.none() | TEXTS, max_size=8))
def test_tx001_a_lookup_gives_what_a_dict_gives(index, probes):
    assert _looked_up(index, probes) == _expected(index, probes)


@settings(max_examples=50, deadline=None)
@given(st.dictionaries(TEXTS, st.integers(0, 100), max_size=8), st.lists(TEXTS, max_size=8))
def test_tx002_a_hash_shared_with_another_text_never_finds_that_texts_id(index, probes):
    by_length = lambda texts: texts.fillna("").str.len().to_numpy(dtype="uint64")  # noqa: E731 - collides often
    with patch.object(textindex, "_hashes", by_length):
        assert _looked_up(index, probes) == _expected(index, probes)


def test_tx003_texts_of_the_index_that_share_a_hash_are_looked_up_as_strings():
    with patch.object(textindex, "_hashes", lambda texts: np.zeros(len(texts), dtype="uint64")):
        assert _looked_up({"web": 1, "db": 2}, ["db", "web", "cache"]) == [2, 1, pd.NA]
