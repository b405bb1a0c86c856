"""Filters that keep connectivity: hidden items contract into "via" edges between the items a filter keeps.

Given a map's items (CIs and group nodes alike), its edges in dependency direction and a keep-mask, the kept items
stay and every kept A that reaches a kept B through hidden items only gets one edge A → B that says how many hidden
items lie on the shortest such way, and which. Where A → B is a direct edge already, no contracted edge is added.
Symmetric links are walked both ways; a way made of links only gives one edge per pair, drawn as a link.

All sources are walked at once, breadth first, over (source, item) pairs: cycle-safe, and O(pairs visited), which a
map within its element budget keeps small.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Contraction:
    """The kept items, the edges between them, and the contracted edges that stand for hidden ways."""

    kept: np.ndarray  # item numbers kept, ascending
    direct: np.ndarray  # numbers of the edges that join two kept items
    source: np.ndarray  # contracted edge: this kept item …
    target: np.ndarray  # … reaches this kept item through hidden items only
    hops: np.ndarray  # hidden items on the shortest such way (≥ 1)
    via: tuple[np.ndarray, ...]  # per contracted edge: the hidden items of one shortest way, in order
    symmetric: np.ndarray  # per contracted edge: True when that way is made of symmetric links only
    between: np.ndarray  # hidden items on some hidden-only way between two different kept items, ascending


def contract(
    item_count: int,
    keep: np.ndarray,
    edge_a: np.ndarray,
    edge_b: np.ndarray,
    symmetric: np.ndarray | None = None,
) -> Contraction:
    """Contract the hidden items of a map (`keep` False) into edges between the kept ones (see the module)."""
    keep = np.asarray(keep, dtype=bool)
    a, b = np.asarray(edge_a, dtype=np.int64), np.asarray(edge_b, dtype=np.int64)
    links = np.zeros(len(a), dtype=bool) if symmetric is None else np.asarray(symmetric, dtype=bool)
    # Arcs: every edge as drawn, and each symmetric link backwards too.
    tail = np.concatenate([a, b[links]])
    head = np.concatenate([b, a[links]])
    arc_link = np.concatenate([links, links[links]])
    n = max(item_count, 1)
    direct = np.flatnonzero(keep[a] & keep[b])
    direct_pairs = np.unique(tail[keep[tail] & keep[head]] * n + head[keep[tail] & keep[head]])
    forward = _walk(keep, tail, head, arc_link, n)
    backward = _walk(keep, head, tail, arc_link, n)
    source, target, hops, last, link_only = forward.found
    new = (source != target) & ~np.isin(source * n + target, direct_pairs)
    source, target, hops, last, link_only = source[new], target[new], hops[new], last[new], link_only[new]
    # A way of links only is found both ways: keep the pair once, from the smaller item.
    both_links = link_only & np.isin(target * n + source, (source * n + target)[link_only])
    drop = both_links & (source > target)
    source, target, hops, last, link_only = source[~drop], target[~drop], hops[~drop], last[~drop], both_links[~drop]
    via = forward.ways(source, last)
    return Contraction(
        kept=np.flatnonzero(keep),
        direct=direct,
        source=source,
        target=target,
        hops=hops,
        via=via,
        symmetric=link_only,
        between=_between(forward, backward),
    )


@dataclass(frozen=True, slots=True)
class _Walk:
    """Every (kept source, hidden item) pair reached through hidden items, with the item it was reached from."""

    keys: np.ndarray  # source * n + item, ascending
    parent: np.ndarray  # per key: the hidden item before, or -1 when reached straight from the source
    found: tuple[np.ndarray, ...]  # kept items reached: source, target, hidden count, last hidden, links only
    n: int

    def ways(self, source: np.ndarray, last: np.ndarray) -> tuple[np.ndarray, ...]:
        """Per pair, the hidden items from `source` to `last` in walking order (all pairs walked back at once)."""
        steps = [last]
        while len(steps[-1]) and (steps[-1] >= 0).any():
            here = steps[-1]
            before = self.parent[np.searchsorted(self.keys, source * self.n + np.maximum(here, 0))]
            steps.append(np.where(here >= 0, before, -1))
        back = np.stack(steps[:-1], axis=1) if len(steps) > 1 else np.empty((len(last), 0), dtype=np.int64)
        return tuple(row[row >= 0][::-1].copy() for row in back)


def _walk(keep: np.ndarray, tail: np.ndarray, head: np.ndarray, link: np.ndarray, n: int) -> _Walk:
    order = np.argsort(tail, kind="stable")
    tail, head, link = tail[order], head[order], link[order]
    starts = np.searchsorted(tail, np.arange(n + 1))
    # The frontier: (source, item, links only so far); it starts with every kept item as its own source.
    source = np.flatnonzero(keep)
    item, only = source.copy(), np.ones(len(source), dtype=bool)
    seen_keys, seen_parent = [np.empty(0, dtype=np.int64)], [np.empty(0, dtype=np.int64)]
    found: list[tuple[np.ndarray, ...]] = []
    # Pairs met so far, one flag per (kept source, item): a map within its element budget keeps this a few MB.
    rank = np.zeros(n, dtype=np.int64)
    rank[source] = np.arange(len(source))
    seen = np.zeros(len(source) * n, dtype=bool)
    depth = 0
    while len(item):
        count = starts[item + 1] - starts[item]
        arcs = np.repeat(starts[item], count) + _ranges(count)
        step_source, step_from = np.repeat(source, count), np.repeat(item, count)
        step_to, step_only = head[arcs], np.repeat(only, count) & link[arcs]
        # From the source itself the step leaves no hidden item behind: parent -1.
        step_parent = np.where(step_from == step_source, -1, step_from)
        reached_kept = keep[step_to]
        if depth:  # a kept item straight from its source is a direct edge, not a contraction
            hops = np.full(int(reached_kept.sum()), depth, dtype=np.int64)
            found.append(
                (
                    step_source[reached_kept],
                    step_to[reached_kept],
                    hops,
                    step_from[reached_kept],
                    step_only[reached_kept],
                )
            )
        hidden = ~reached_kept
        keys = step_source[hidden] * n + step_to[hidden]
        # Per new key the first arrival, preferring a way of links only, then the smallest parent (deterministic).
        pick = np.lexsort((step_parent[hidden], ~step_only[hidden], keys))
        keys, picked = keys[pick], np.flatnonzero(hidden)[pick]
        first = np.ones(len(keys), dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        keys, picked = keys[first], picked[first]
        flags = rank[keys // n] * n + keys % n
        fresh = ~seen[flags]
        keys, picked = keys[fresh], picked[fresh]
        seen[flags[fresh]] = True
        seen_keys.append(keys)
        seen_parent.append(step_parent[picked])
        source, item, only = step_source[picked], step_to[picked], step_only[picked]
        depth += 1
    keys, parents = np.concatenate(seen_keys), np.concatenate(seen_parent)
    order = np.argsort(keys)
    result = _first(*(np.concatenate(parts) for parts in zip(*found, strict=True)), n) if found else _nothing()
    return _Walk(keys=keys[order], parent=parents[order], found=result, n=n)


def _first(
    source: np.ndarray, target: np.ndarray, hops: np.ndarray, last: np.ndarray, only: np.ndarray, n: int
) -> tuple[np.ndarray, ...]:
    """One row per (source, target): the fewest hops, then a way of links only, then the smallest last item."""
    keys = source * n + target
    order = np.lexsort((last, ~only, hops, keys))
    keys = keys[order]
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    chosen = order[first]
    return source[chosen], target[chosen], hops[chosen], last[chosen], only[chosen]


def _nothing() -> tuple[np.ndarray, ...]:
    empty = np.empty(0, dtype=np.int64)
    return empty, empty, empty, empty, np.empty(0, dtype=bool)


def _ranges(count: np.ndarray) -> np.ndarray:
    """0…c-1 for each c in count, concatenated."""
    total = int(count.sum())
    ends = np.cumsum(count)
    return np.arange(total) - np.repeat(ends - count, count)


def _between(forward: _Walk, backward: _Walk) -> np.ndarray:
    """Hidden items reached from some kept item and reaching another one (not only itself), through hidden items."""
    n = forward.n
    reached_from = _sources(forward.keys, n)
    reaching = _sources(backward.keys, n)
    items = np.intersect1d(reached_from[0], reaching[0])
    one_each = (reached_from[1][np.searchsorted(reached_from[0], items)] == 1) & (
        reaching[1][np.searchsorted(reaching[0], items)] == 1
    )
    same = reached_from[2][np.searchsorted(reached_from[0], items)] == reaching[2][np.searchsorted(reaching[0], items)]
    return items[~(one_each & same)]


def _sources(keys: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per item reached: the item, how many sources reach it, the smallest of them."""
    items, sources = keys % n, keys // n
    order = np.lexsort((sources, items))
    items, sources = items[order], sources[order]
    unique, first, counts = np.unique(items, return_index=True, return_counts=True)
    return unique, counts, sources[first]
