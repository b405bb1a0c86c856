"""Text → id lookups for millions of texts (CI keys, lower-case names) without a Python string per text.

A pandas index of strings hashes Python objects: for 1M CI keys about 110 MB each. TextIndex keeps the texts as
Arrow strings and looks them up by a 64-bit hash (an unsigned integer index, ~24 bytes a text), then confirms every
hit against the text itself, so a hash collision can never resolve a reference to the wrong CI. Should two distinct
texts of one index share a hash, it falls back to an index of the strings themselves.
"""

import numpy as np
import pandas as pd


class TextIndex:
    """Distinct texts, each with an id."""

    def __init__(self, texts: pd.Series, ids: np.ndarray) -> None:
        self._texts = texts.astype("str").reset_index(drop=True)
        self._ids = np.asarray(ids, dtype="int64")
        hashes = _hashes(self._texts)
        self._by_hash = pd.Index(hashes)
        self._exact: pd.Series | None = None
        if not self._by_hash.is_unique:  # a collision between two texts of the index: look them up as strings
            self._exact = pd.Series(self._ids, index=pd.Index(self._texts.to_numpy(dtype=object)))

    def lookup(self, texts: pd.Series) -> pd.Series:
        """Each text's id (Int64, NA where the index does not have it), aligned with `texts`."""
        if self._exact is not None:
            return texts.map(self._exact).astype("Int64")
        out = pd.Series(pd.NA, index=texts.index, dtype="Int64")
        if texts.empty:
            return out
        given = texts.astype("str")
        positions = self._by_hash.get_indexer(_hashes(given))
        hit = (positions >= 0) & given.notna().to_numpy()
        held = self._texts.take(positions[hit]).to_numpy(dtype=object)
        confirmed = np.zeros(len(texts), dtype=bool)
        confirmed[hit] = held == given[hit].to_numpy(dtype=object)
        out[confirmed] = self._ids[positions[confirmed]]
        return out


HASHED_AT_ONCE = 100_000  # texts hashed at a time: hashing makes a Python string of each


def _hashes(texts: pd.Series) -> np.ndarray:
    parts = [pd.util.hash_pandas_object(texts.iloc[start : start + HASHED_AT_ONCE].fillna(""), index=False)
             for start in range(0, len(texts), HASHED_AT_ONCE)]  # fmt: skip
    return np.concatenate([p.to_numpy() for p in parts]) if parts else np.zeros(0, dtype="uint64")
