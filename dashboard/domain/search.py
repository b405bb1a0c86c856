"""Type-ahead over CI names and ids: sorted keys and binary search, so a keystroke never scans every CI."""

import re
from dataclasses import dataclass

import numpy as np

MAX_QUERY = 200


@dataclass(frozen=True, slots=True)
class NameSearch:
    """Lower-cased names and name words in sorted order, each with its node; ids looked up exactly."""

    keys: np.ndarray  # object array of casefolded strings, sorted
    nodes: np.ndarray  # node per key
    whole: np.ndarray  # True when the key is the whole name (ranks above a token match)

    @classmethod
    def of(cls, keys: np.ndarray, nodes: np.ndarray, whole: np.ndarray) -> "NameSearch":
        """The search over lower-cased keys (whole names and their words), each naming its node, in any order."""
        keys = np.asarray(keys, dtype=object)
        order = np.argsort(keys, kind="stable")
        return cls(keys[order], np.asarray(nodes)[order], np.asarray(whole, dtype=bool)[order])

    def prefix(self, text: str, limit: int) -> np.ndarray:
        """Nodes whose name, or a word of it, starts with the text: whole-name matches first, no repeats."""
        query = text.strip().lower()[:MAX_QUERY]
        if not query or limit <= 0:
            return np.empty(0, dtype=np.int64)
        low = np.searchsorted(self.keys, query, side="left")
        high = np.searchsorted(self.keys, query + "\U0010ffff", side="left")
        window = slice(low, min(high, low + 50 * limit))
        nodes, whole = self.nodes[window], self.whole[window]
        ranked = np.concatenate([nodes[whole], nodes[~whole]])
        _, first = np.unique(ranked, return_index=True)
        return ranked[np.sort(first)][:limit]


def id_query(text: str) -> int | None:
    """The CI id a query names, when it is a plain integer."""
    match = re.fullmatch(r"\s*#?([0-9]{1,18})\s*", text)
    return int(match.group(1)) if match else None
