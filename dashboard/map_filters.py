"""Map filters that keep connectivity: which CIs of a view pass, and the view they leave.

A CI passes when it has an open incident (if asked) and its class, environment, location and criticality are each
among the chosen values (an attribute with no chosen value does not filter). The root always stays. A group node
stays when at least one of its members passes, and then still stands for all its members (opening it shows them
all, filtered again). Hidden CIs and groups between kept ones contract into "via" edges
(dashboard/domain/contraction.py), so the map keeps its paths instead of showing islands.
"""

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from dashboard.asof import open_counts
from dashboard.cmdb.derived import Derived
from dashboard.domain.contraction import contract
from dashboard.domain.graph import SYMMETRIC_TYPES
from dashboard.domain.neighbourhood import Neighbourhood
from dashboard.domain.viewstate import ViewState
from dashboard.domain.vocabulary import class_label

MAX_OPTIONS = 500  # values offered per filter, the most frequent first (a location list can be long)


@dataclass(frozen=True, slots=True)
class Filter:
    """One attribute filter: its ViewState field, its CMDB column, its label."""

    field: str
    column: str
    label: str


FILTERS = (
    Filter("classes", "class", "Class"),
    Filter("environments", "environment", "Environment"),
    Filter("locations", "location", "Location"),
    Filter("criticalities", "criticality", "Criticality"),
)


@dataclass(frozen=True, slots=True)
class Values:
    """One attribute per CI, as codes into its distinct values (-1: no value), with how many CIs have each."""

    codes: np.ndarray
    values: tuple[str, ...]
    counts: np.ndarray


@dataclass(frozen=True, slots=True)
class Shortcuts:
    """A filtered view: the kept items as a neighbourhood, and contracted edges between its items."""

    hood: Neighbourhood
    source: np.ndarray  # items of `hood`
    target: np.ndarray
    hops: np.ndarray  # hidden items on the shortest way
    symmetric: np.ndarray
    via: tuple[np.ndarray, ...]  # items of `before` on that way
    before: Neighbourhood  # the view before filtering
    summary: "FilterSummary"


@dataclass(frozen=True, slots=True)
class FilterSummary:
    """What the filters left, for the notice."""

    shown_cis: int  # CIs that pass (the root among them), inside kept groups too
    total_cis: int  # CIs of the view before filtering
    contracted_cis: int  # hidden CIs on hidden-only ways between kept items
    by: tuple[str, ...]  # what filtered, in words: "open incidents", "class (Server, Database)"


def is_filtered(state: ViewState) -> bool:
    """True when any filter is set."""
    return state.incidents_only or any(getattr(state, f.field) for f in FILTERS)


def filter_fields(state: ViewState) -> dict[str, frozenset[str]]:
    """The attribute filters of a view, to carry into another view (a re-rooted one keeps its filters)."""
    return {f.field: getattr(state, f.field) for f in FILTERS}


def attribute_values(derived: Derived, column: str) -> Values | None:
    """The column's values per CI, computed once per snapshot; None when no CI has a value."""
    return derived.kept(f"filter-values:{column}", lambda: _values(derived, column))


def _values(derived: Derived, column: str) -> Values | None:
    index = derived.snapshot.index
    if column == "class":
        codes = index.class_codes.astype(np.int32)
        counts = np.bincount(codes, minlength=len(index.class_names))
        return Values(codes, index.class_names, counts) if len(codes) else None
    ci = derived.snapshot.ci
    if column not in ci:
        return None
    text = ci[column].astype("string").str.strip()
    codes, uniques = pd.factorize(text.where(text != ""), use_na_sentinel=True)
    if not len(uniques):
        return None
    return Values(codes.astype(np.int32), tuple(str(u) for u in uniques), np.bincount(codes[codes >= 0]))


def filter_options(derived: Derived, chosen: frozenset[str], f: Filter) -> list[dict]:
    """A filter's dropdown options: its values with their CI counts, most frequent first, plus the chosen ones."""
    values = attribute_values(derived, f.column)
    if values is None:
        return []
    order = np.argsort(-values.counts, kind="stable")[:MAX_OPTIONS]
    offered = {values.values[i]: int(values.counts[i]) for i in order.tolist() if values.counts[i]}
    offered |= {value: 0 for value in chosen if value not in offered}
    label = class_label if f.column == "class" else str
    return [{"label": f"{label(value)} ({count:,})", "value": value} for value, count in offered.items()]


def filtered_view(derived: Derived, state: ViewState, hood: Neighbourhood) -> Shortcuts | None:
    """The view the filters leave (None when no filter is set): kept items, their edges and "via" edges."""
    if not is_filtered(state):
        return None
    owners, members = _items_of_members(hood)
    passes = _passes(derived, state, members)
    item_count = len(hood.nodes) + len(hood.groups)
    keep = np.bincount(owners[passes], minlength=item_count) > 0
    root_item = np.flatnonzero(hood.nodes == hood.root)
    root_passes = bool(passes[owners == root_item].any()) if len(root_item) == 1 else True
    keep[root_item] = True
    cut = contract(item_count, keep, hood.edge_a, hood.edge_b, SYMMETRIC_TYPES[hood.edge_type])
    renumber = np.full(item_count, -1, dtype=np.int64)
    renumber[cut.kept] = np.arange(len(cut.kept))
    kept_nodes = cut.kept[cut.kept < len(hood.nodes)]
    kept_groups = tuple(hood.groups[i - len(hood.nodes)] for i in cut.kept[cut.kept >= len(hood.nodes)].tolist())
    kept = replace(
        hood,
        nodes=hood.nodes[kept_nodes],
        depths=hood.depths[kept_nodes],
        groups=kept_groups,
        edge_a=renumber[hood.edge_a[cut.direct]],
        edge_b=renumber[hood.edge_b[cut.direct]],
        edge_type=hood.edge_type[cut.direct],
        edge_id=hood.edge_id[cut.direct],
    )
    weight = np.bincount(owners, minlength=item_count)  # CIs per item: 1, or a group's members
    summary = FilterSummary(
        shown_cis=int(passes.sum()) + (not root_passes),
        total_cis=len(members),
        contracted_cis=int(weight[cut.between].sum()),
        by=_described(state),
    )
    return Shortcuts(
        hood=kept,
        source=renumber[cut.source],
        target=renumber[cut.target],
        hops=cut.hops,
        symmetric=cut.symmetric,
        via=cut.via,
        before=hood,
        summary=summary,
    )


def _items_of_members(hood: Neighbourhood) -> tuple[np.ndarray, np.ndarray]:
    """Every CI of the view (drawn alone or inside a group) and the item that draws it."""
    sizes = [len(g.members) for g in hood.groups]
    members = np.concatenate([hood.nodes, *(g.members for g in hood.groups)]).astype(np.int64)
    owners = np.concatenate(
        [np.arange(len(hood.nodes)), np.repeat(np.arange(len(hood.groups)) + len(hood.nodes), sizes)]
    ).astype(np.int64)
    return owners, members


def _passes(derived: Derived, state: ViewState, cis: np.ndarray) -> np.ndarray:
    passes = np.ones(len(cis), dtype=bool)
    if state.incidents_only:
        passes &= open_counts(derived, state)[cis] > 0  # open then, when the map is as of a time
    for f in FILTERS:
        chosen = getattr(state, f.field)
        if not chosen:
            continue
        values = attribute_values(derived, f.column)
        wanted = [i for i, value in enumerate(values.values) if value in chosen] if values is not None else []
        passes &= np.isin(values.codes[cis], wanted) if values is not None else False
    return passes


def _described(state: ViewState) -> tuple[str, ...]:
    words = ["open incidents"] if state.incidents_only else []
    for f in FILTERS:
        chosen = sorted(getattr(state, f.field))
        if chosen:
            shown = [class_label(c) for c in chosen] if f.column == "class" else chosen
            words.append(f"{f.label.lower()} ({', '.join(shown)})")
    return tuple(words)
