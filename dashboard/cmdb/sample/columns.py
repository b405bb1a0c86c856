"""Column builders for the ci and relationship tables, and the vectorised random picks the generator is made of."""

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from dashboard.domain.vocabulary import RELATIONSHIP_TYPE_BY_NAME

CI_COLUMNS: tuple[str, ...] = ("name", "class", "criticality", "environment", "location", "owner", "attributes")


@dataclass
class CiColumns:
    """The ci table under construction: blocks of CIs appended with consecutive ids from 1."""

    parts: dict[str, list[np.ndarray]] = field(default_factory=lambda: {c: [] for c in CI_COLUMNS})
    count: int = 0

    def add(self, cls: str, name: Sequence[str] | np.ndarray, **columns: object) -> np.ndarray:
        """Append CIs of one class (other columns: an array or one value for all); returns their ids."""
        n = len(name)
        self.parts["name"].append(np.asarray(name, dtype=object))
        self.parts["class"].append(np.full(n, cls, dtype=object))
        for column in CI_COLUMNS[2:]:
            self.parts[column].append(_column(columns.pop(column, None), n))
        if columns:
            raise TypeError(f"unknown ci columns: {sorted(columns)}")
        ids = np.arange(self.count + 1, self.count + n + 1, dtype=np.int64)
        self.count += n
        return ids

    def build(self) -> dict[str, np.ndarray]:
        """Every column as one array, with the id column."""
        out = {c: np.concatenate(parts) for c, parts in self.parts.items()}
        out["id"] = np.arange(1, self.count + 1, dtype=np.int64)
        return out


def _column(value: object, n: int) -> np.ndarray:
    if isinstance(value, np.ndarray):
        if len(value) != n:
            raise ValueError(f"column of {len(value)} values for {n} CIs")
        return value.astype(object)
    return np.full(n, value, dtype=object)


@dataclass
class Edges:
    """Relationship rows under construction, as (source, target, type code) arrays."""

    sources: list[np.ndarray] = field(default_factory=list)
    targets: list[np.ndarray] = field(default_factory=list)
    codes: list[np.ndarray] = field(default_factory=list)

    def add(self, source: np.ndarray, type_name: str, target: np.ndarray) -> None:
        """Append rows reading 'source TYPE target'."""
        source, target = np.broadcast_arrays(np.asarray(source, np.int64), np.asarray(target, np.int64))
        self.sources.append(source.ravel())
        self.targets.append(target.ravel())
        self.codes.append(np.full(source.size, RELATIONSHIP_TYPE_BY_NAME[type_name].code, dtype=np.int8))

    def build(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(source, target, code) with repeated rows dropped, in first-added order."""
        source, target, code = (np.concatenate(p) for p in (self.sources, self.targets, self.codes))
        key = np.stack([source, target, code.astype(np.int64)], axis=1)
        _, first = np.unique(key, axis=0, return_index=True)
        keep = np.sort(first)
        return source[keep], target[keep], code[keep]


def weighted(rng: np.random.Generator, n: int, weights: Sequence[float] | np.ndarray) -> np.ndarray:
    """n indices drawn with the given relative weights."""
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def cover(rng: np.random.Generator, n: int, targets: int, weights: np.ndarray | None = None) -> np.ndarray:
    """n target indices in random order, every target at least once (needs n >= targets)."""
    if n < targets:
        raise ValueError(f"cannot cover {targets} targets with {n} items")
    rest = weighted(rng, n - targets, weights) if weights is not None else rng.integers(0, targets, n - targets)
    return rng.permutation(np.concatenate([np.arange(targets), rest]))


def pick_in_group(rng: np.random.Generator, wanted: np.ndarray, pool_group: np.ndarray) -> np.ndarray:
    """For each wanted group, a uniformly random pool index whose group is that one (-1 where the group is empty)."""
    wanted = np.asarray(wanted, dtype=np.int64)
    order = np.argsort(pool_group, kind="stable")
    counts = np.bincount(pool_group, minlength=int(wanted.max(initial=0)) + 1)
    starts = np.cumsum(counts) - counts
    have = counts[wanted]
    offset = (rng.random(len(wanted)) * np.maximum(have, 1)).astype(np.int64)
    picked = order[np.minimum(starts[wanted] + offset, len(order) - 1)] if len(order) else np.zeros_like(wanted)
    return np.where(have > 0, picked, -1)


def rank_in_group(group: np.ndarray) -> np.ndarray:
    """0, 1, 2… within each group, in the items' order (so names can be numbered per group)."""
    order = np.argsort(group, kind="stable")
    sorted_group = group[order]
    starts = np.flatnonzero(np.r_[True, sorted_group[1:] != sorted_group[:-1]])
    run_start = np.repeat(starts, np.diff(np.r_[starts, len(group)]))
    rank = np.empty(len(group), dtype=np.int64)
    rank[order] = np.arange(len(group)) - run_start
    return rank


def choose(
    rng: np.random.Generator, values: Sequence[str], n: int, weights: Sequence[float] | None = None
) -> np.ndarray:
    """n values drawn from a small vocabulary, as an object array."""
    table = np.asarray(values, dtype=object)
    return table[weighted(rng, n, weights) if weights is not None else rng.integers(0, len(table), n)]


def pick_pair_in_group(rng: np.random.Generator, wanted: np.ndarray, pool_group: np.ndarray) -> np.ndarray:
    """For each wanted group, two different random pool indices of that group (the same one if it has one member)."""
    wanted = np.asarray(wanted, dtype=np.int64)
    order = np.argsort(pool_group, kind="stable")
    counts = np.bincount(pool_group, minlength=int(wanted.max(initial=0)) + 1)
    have = counts[wanted]
    if (have == 0).any():
        raise ValueError("a wanted group has no pool member")
    starts = (np.cumsum(counts) - counts)[wanted]
    first = (rng.random(len(wanted)) * have).astype(np.int64)
    second = (first + 1 + (rng.random(len(wanted)) * np.maximum(have - 1, 1)).astype(np.int64)) % have
    return np.stack([order[starts + first], order[starts + second]])


def hostnames(dc: np.ndarray, codes: np.ndarray, kind: str, *, fqdn: bool = True) -> np.ndarray:
    """Names numbered per data centre: fra1-vm-0412.corp.example.com, or fra1-sw-acc-07 when not fqdn."""
    number = rank_in_group(dc) + 1
    width = max(4 if fqdn else 2, len(str(int(number.max(initial=1)))))
    lower = [str(c).lower() for c in codes]
    domain = ".corp.example.com" if fqdn else ""
    names = [f"{lower[d]}-{kind}-{n:0{width}d}{domain}" for d, n in zip(dc.tolist(), number.tolist(), strict=True)]
    return np.array(names, dtype=object)


def models(rng: np.random.Generator, catalogue: Sequence[tuple[str, str]], n: int) -> list[str]:
    """JSON attribute fragments '"vendor": …, "model": …' drawn from a product list."""
    fragments = [f'"vendor": "{vendor}", "model": "{model}"' for vendor, model in catalogue]
    return [fragments[i] for i in rng.integers(0, len(fragments), n).tolist()]


def summaries(
    rng: np.random.Generator,
    ci: dict[str, np.ndarray],
    ci_ids: np.ndarray,
    templates: dict[str, tuple[float, tuple[str, ...]]],
) -> np.ndarray:
    """One summary per CI id from its class's templates ({} is the CI's name, {v} a version number)."""
    names, classes = ci["name"][ci_ids - 1].tolist(), ci["class"][ci_ids - 1].tolist()
    picks = rng.integers(0, 1 << 30, len(ci_ids)).tolist()
    out = []
    for name, cls, pick in zip(names, classes, picks, strict=True):
        chosen = templates[cls.strip().lower()][1]
        version = f"{pick % 9 + 1}.{pick % 17}"
        out.append(chosen[pick % len(chosen)].format(name.strip(), v=version)[:255])
    return np.array(out, dtype=object)
