"""How tangled a drawing is: the number of pairs of edges that cross, edges drawn as straight segments."""

import numpy as np

CHUNK = 1_000_000  # edge pairs compared at once (a few arrays of this many floats stay well under 100 MB)


def edge_crossings(x: np.ndarray, y: np.ndarray, source: np.ndarray, target: np.ndarray) -> int:
    """Pairs of edges whose straight segments cross at a point inside both; pairs sharing an end node, loops and
    segments that only touch or overlap along a line are not counted (they are not what makes a map tangled)."""
    source, target = np.asarray(source, dtype=np.int64), np.asarray(target, dtype=np.int64)
    keep = source != target
    source, target = source[keep], target[keep]
    m = len(source)
    if m < 2:
        return 0
    first, second = np.triu_indices(m, k=1)
    total = 0
    for start in range(0, len(first), CHUNK):
        i, j = first[start : start + CHUNK], second[start : start + CHUNK]
        a, b, c, d = source[i], target[i], source[j], target[j]
        apart = (a != c) & (a != d) & (b != c) & (b != d)
        a, b, c, d = a[apart], b[apart], c[apart], d[apart]
        crossing = (_side(x, y, a, b, c) * _side(x, y, a, b, d) < 0) & (_side(x, y, c, d, a) * _side(x, y, c, d, b) < 0)
        total += int(crossing.sum())
    return total


def _side(x: np.ndarray, y: np.ndarray, a: np.ndarray, b: np.ndarray, p: np.ndarray) -> np.ndarray:
    """The sign of the turn a → b → p: positive left, negative right, zero on the line."""
    return np.sign((x[b] - x[a]) * (y[p] - y[a]) - (y[b] - y[a]) * (x[p] - x[a]))
