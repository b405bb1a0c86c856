"""Small hand-made graphs for the domain tests: CI ids, classes and relationships as plain lists."""

import numpy as np

from dashboard.domain.graph import BuiltIndex, build_index
from dashboard.domain.vocabulary import RELATIONSHIP_TYPE_BY_NAME


def graph(cis: dict[int, str], relationships: list[tuple[int, str, int]]) -> BuiltIndex:
    """Build an index from {id: class} and [(source, type, target)] (type names from the vocabulary, or unknown)."""
    names = tuple(sorted(set(cis.values())))
    ids = np.array(list(cis), dtype=np.int64)
    codes = np.array([names.index(c) for c in cis.values()], dtype=np.int16)
    src = np.array([r[0] for r in relationships], dtype=np.int64)
    dst = np.array([r[2] for r in relationships], dtype=np.int64)
    types = np.array(
        [RELATIONSHIP_TYPE_BY_NAME[r[1]].code if r[1] in RELATIONSHIP_TYPE_BY_NAME else -1 for r in relationships],
        dtype=np.int8,
    )
    return build_index(ids, codes, names, src, dst, types)


def ids_of(built: BuiltIndex, positions: np.ndarray) -> list[int]:
    """CI ids at positions, sorted."""
    return sorted(built.index.ci_ids[positions].tolist())


# A diamond: service 1 → apps 2 and 3 → both on server 4 → switch 5 (uplink); group 9 uses service 1; 6 is an orphan.
DIAMOND_CIS = {
    1: "business_service",
    2: "application",
    3: "application",
    4: "server",
    5: "switch",
    6: "server",
    9: "user_group",
}
DIAMOND_RELS = [
    (1, "depends on", 2),
    (1, "depends on", 3),
    (2, "runs on", 4),
    (3, "runs on", 4),
    (4, "uplinked to", 5),
    (1, "used by", 9),
]
