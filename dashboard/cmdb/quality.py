"""Data-quality rules over the loaded frames and the built graph: every problem becomes a Finding."""

import math
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from dashboard.cmdb.distinct import per_distinct
from dashboard.domain.cycles import dependency_cycles
from dashboard.domain.findings import Finding, Severity
from dashboard.domain.graph import BuiltIndex, GraphIndex
from dashboard.domain.names import cut, has_hidden_characters, shown_name, visible
from dashboard.domain.overlays import is_open
from dashboard.domain.vocabulary import (
    CI_CLASS_BY_NAME,
    CI_STATUSES,
    HEALTH_BY_NAME,
    INCIDENT_PRIORITIES,
    INCIDENT_STATES,
    RELATIONSHIP_TYPES,
)

STALE_AFTER_DAYS = 180
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # C0 and C1 control characters
MAX_EXAMPLES = 8
MAX_EXAMPLE_CHARS = 200


def _examples(values: Iterable[object]) -> tuple[str, ...]:
    out = []
    for value in values:
        out.append(shown(value))
        if len(out) == MAX_EXAMPLES:
            break
    return tuple(out)


def shown(value: object) -> str:
    """A value as an example: empty values named, control characters escaped (they must not drive a terminal), other
    invisible or reordering characters marked (see domain/names.py), long values cut."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or str(value) in ("nan", "<NA>", "NaT"):
        return "(empty)"
    text = str(value)[: MAX_EXAMPLE_CHARS + 1]
    escaped = _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    return cut(visible(escaped), MAX_EXAMPLE_CHARS)


def rows_finding(
    code: str, severity: Severity, title: str, rows: pd.Series | np.ndarray, detail: str, ci_ids: tuple[int, ...] = ()
) -> list[Finding]:
    """A one-element list when rows is not empty, else an empty list (so rules can be concatenated)."""
    if len(rows) == 0:
        return []
    return [Finding(code, severity, title, len(rows), _examples(rows), detail, ci_ids)]


def example_ids(index: GraphIndex, values: pd.Series | np.ndarray) -> tuple[int, ...]:
    """Up to MAX_EXAMPLES distinct CI ids among the values that are CIs on the graph, in order (for map links)."""
    head = pd.Series(np.asarray(values)[: MAX_EXAMPLES * 50])
    numbers = pd.to_numeric(head, errors="coerce")
    ids = numbers[numbers.notna() & (numbers == numbers.round())].astype("int64").to_numpy()
    on_graph = ids[index.locate(ids.astype(index.ci_ids.dtype)) >= 0] if len(ids) else ids
    return tuple(int(i) for i in pd.unique(on_graph)[:MAX_EXAMPLES])


def ci_findings(ci: pd.DataFrame, raw_class: pd.Series, built: BuiltIndex) -> list[Finding]:
    """Findings about the CI rows themselves."""
    ids = ci["id"]
    index = built.index
    found = rows_finding(
        "ci.duplicate_id",
        Severity.ERROR,
        "CI ids used by more than one row",
        ids.iloc[built.duplicate_id_rows],
        "the first row with each id is used, the others are left out of the graph",
        example_ids(index, ids.iloc[built.duplicate_id_rows]),
    )
    known = per_distinct(ci["class"], lambda classes: classes.isin(CI_CLASS_BY_NAME))
    mixed = per_distinct(raw_class, _written_otherwise) & known
    found += rows_finding(
        "ci.mixed_case_class",
        Severity.WARNING,
        "CI classes written in another case or with spaces",
        raw_class[mixed].drop_duplicates(),
        f"{int(mixed.sum())} CIs; read as the canonical lower-case class",
        example_ids(index, ids[mixed]),
    )
    found += rows_finding(
        "ci.unknown_class",
        Severity.WARNING,
        "CI classes outside the vocabulary",
        ci.loc[~known, "class"].drop_duplicates(),
        "shown with a generic shape in the lowest layer",
        example_ids(index, ids[~known]),
    )
    unknown_status = ~ci["status"].isin(CI_STATUSES)
    found += rows_finding(
        "ci.unknown_status",
        Severity.WARNING,
        "CI statuses outside the vocabulary",
        ci.loc[unknown_status, "status"].astype("str").drop_duplicates(),
        f"known statuses: {', '.join(CI_STATUSES)}",
        example_ids(index, ids[unknown_status]),
    )
    return found + _duplicate_names(ci, index) + _hidden_characters(ci, index) + _stale(ci, index) + _orphans(ci, built)


def _written_otherwise(raw_class: pd.Series) -> pd.Series:
    """Classes not written as trimmed lower case."""
    cleaned = raw_class.astype("str").str.strip()
    return cleaned.ne(raw_class) | cleaned.str.lower().ne(cleaned)


def _duplicate_names(ci: pd.DataFrame, index: GraphIndex) -> list[Finding]:
    key = _casefold(ci["name"].astype("str").str.strip())
    repeated = key.duplicated(keep=False) & ci["name"].notna()
    names = ci.loc[repeated, "name"]
    groups = key[repeated].nunique()
    return rows_finding(
        "ci.duplicate_name",
        Severity.WARNING,
        "CI names carried by more than one CI",
        names.drop_duplicates(),
        f"{groups} names on {len(names)} CIs; search and maps show the id beside such names",
        example_ids(index, ci.loc[repeated, "id"]),
    )


def _hidden_characters(ci: pd.DataFrame, index: GraphIndex) -> list[Finding]:
    """Names with characters that are invisible or reorder the text: "\u202etxt.exe" is drawn as "exe.txt"."""
    names = ci["name"].dropna().astype("str")
    hidden = names.str.contains(r"[\x00-\x1f\x7f]", regex=True).astype(bool)  # the ASCII ones, vectorised
    other = ~names.str.isascii().astype(bool)
    hidden[other] = names[other].map(has_hidden_characters).astype(bool)
    return rows_finding(
        "ci.hidden_characters",
        Severity.WARNING,
        "CI names with invisible or reordering characters",
        names[hidden].map(shown_name),
        "shown with those characters marked, e.g. ⟨U+202E⟩ for a right-to-left override",
        example_ids(index, ci.loc[names[hidden].index, "id"]),
    )


def _casefold(values: pd.Series) -> pd.Series:
    """str.casefold of every value; ASCII values (nearly all) take the vectorised lower case, which is the same."""
    folded = values.str.lower()
    other = ~values.str.isascii().fillna(True).astype(bool)
    return folded.mask(other, values[other].str.casefold())


def _stale(ci: pd.DataFrame, index: GraphIndex) -> list[Finding]:
    updated = ci["updated_at"]
    if updated.notna().sum() == 0:
        return []
    limit = updated.max() - pd.Timedelta(days=STALE_AFTER_DAYS)
    old = updated < limit
    stale = ci.loc[old, "name"]
    missing = ci.loc[updated.isna(), "id"]
    return rows_finding(
        "ci.stale",
        Severity.INFO,
        f"CIs not updated for {STALE_AFTER_DAYS} days before the newest CI update",
        stale,
        f"older than {limit:%Y-%m-%d}",
        example_ids(index, ci.loc[old, "id"]),
    ) + rows_finding(
        "ci.missing_updated_at",
        Severity.WARNING,
        "CIs without a readable updated_at",
        missing,
        "they are never counted as stale",
        example_ids(index, missing),
    )


def _orphans(ci: pd.DataFrame, built: BuiltIndex) -> list[Finding]:
    index = built.index
    lonely = (index.down.degree() == 0) & (index.up.degree() == 0)
    return rows_finding(
        "ci.orphan",
        Severity.WARNING,
        "CIs without any relationship",
        ci["name"][lonely],
        "shown on their own; nothing depends on them and they depend on nothing",
        example_ids(index, ci["id"][lonely]),
    )


def relationship_findings(relationship: pd.DataFrame, built: BuiltIndex) -> list[Finding]:
    """Findings about relationship rows and the shape of the dependency graph."""

    index = built.index

    def ends(rows: np.ndarray) -> tuple[int, ...]:
        picked = relationship.iloc[rows]
        return example_ids(index, pd.concat([picked["source_id"], picked["target_id"]]).to_numpy())

    def labels(rows: np.ndarray) -> pd.Series:
        picked = relationship.iloc[rows]
        return (
            picked["source_id"].astype("str")
            + " "
            + picked["type"].astype("str")
            + " "
            + picked["target_id"].astype("str")
        )

    found = rows_finding(
        "relationship.dangling",
        Severity.ERROR,
        "Relationships to or from a CI that does not exist",
        labels(built.dangling_rows),
        "left out of the graph; the existing end shows a dangling marker",
        ends(built.dangling_rows),
    )
    found += rows_finding(
        "relationship.unknown_type",
        Severity.ERROR,
        "Relationship types outside the vocabulary",
        relationship["type"].iloc[built.unknown_type_rows].drop_duplicates(),
        f"{len(built.unknown_type_rows)} relationships left out of the graph",
        ends(built.unknown_type_rows),
    )
    found += rows_finding(
        "relationship.self_loop",
        Severity.WARNING,
        "Relationships from a CI to itself",
        labels(built.self_loop_rows),
        "left out of the graph",
        ends(built.self_loop_rows),
    )
    repeated = _repeated_edges(index)
    found += rows_finding(
        "relationship.duplicate",
        Severity.INFO,
        "The same relationship written more than once",
        labels(index.edge_row[repeated]),
        "drawn once",
        ends(index.edge_row[repeated]),
    )
    return found + _cycles(built)


def _repeated_edges(index: GraphIndex) -> np.ndarray:
    """Edges that repeat an earlier edge's source, target and type, in edge order (a symmetric link written from
    either end is the same link)."""
    source, target = index.edge_source.astype(np.int64), index.edge_target.astype(np.int64)
    low = np.where(index.edge_symmetric, np.minimum(source, target), source)
    high = np.where(index.edge_symmetric, np.maximum(source, target), target)
    # One int64 per edge, exact below about a billion CIs (node_count² · types < 2⁶³), far more than fits in memory.
    key = (low * index.node_count + high) * len(RELATIONSHIP_TYPES)
    key += index.edge_type
    order = np.argsort(key, kind="stable")  # equal keys keep edge order, so the first of each run is the original
    ordered = key[order]
    return np.sort(order[1:][ordered[1:] == ordered[:-1]])


def _cycles(built: BuiltIndex) -> list[Finding]:
    cycles = dependency_cycles(built.index)
    if not cycles:
        return []
    ids = built.index.ci_ids
    examples = tuple(" → ".join(str(i) for i in ids[c]) for c in cycles[:MAX_EXAMPLES])
    members = sum(len(c) for c in cycles)
    return [
        Finding(
            "graph.cycle",
            Severity.WARNING,
            "Dependency cycles",
            len(cycles),
            examples,
            f"{members} CIs on cycles; traversals visit each CI once",
            tuple(int(ids[c[0]]) for c in cycles[:MAX_EXAMPLES]),
        )
    ]


def event_findings(tables: dict[str, pd.DataFrame], built: BuiltIndex) -> list[Finding]:
    """Findings about incidents, health events and changes."""
    index = built.index
    found: list[Finding] = []
    for name, key in (("incident", "number"), ("health", "id"), ("change", "number")):
        frame = tables[name]
        # An incident may name no CI: counted by _without_ci, not as one about a missing CI.
        named = frame["ci_id"].notna().to_numpy() if name == "incident" else np.ones(len(frame), bool)
        unknown = np.zeros(len(frame), bool)
        if named.any():
            unknown[named] = index.locate(frame["ci_id"][named].to_numpy()) < 0
        found += rows_finding(
            f"{name}.unknown_ci",
            Severity.ERROR,
            f"{name.capitalize()} rows about a CI that does not exist",
            frame.loc[unknown, key],
            "listed here; not shown on any map",
        )
    incident = tables["incident"]
    found += _without_ci(incident)
    found += rows_finding(
        "incident.bad_priority",
        Severity.WARNING,
        "Incidents with a priority outside 1–5",
        incident.loc[~incident["priority"].isin(INCIDENT_PRIORITIES), "number"],
        "treated as priority 5",
        example_ids(index, incident.loc[~incident["priority"].isin(INCIDENT_PRIORITIES), "ci_id"]),
    )
    found += rows_finding(
        "incident.unknown_state",
        Severity.WARNING,
        "Incidents with a state outside the vocabulary",
        incident.loc[~incident["state"].isin(INCIDENT_STATES), "number"],
        "treated as open",
        example_ids(index, incident.loc[~incident["state"].isin(INCIDENT_STATES), "ci_id"]),
    )
    health = tables["health"]
    found += rows_finding(
        "health.unknown_status",
        Severity.WARNING,
        "Health events with a status outside the vocabulary",
        health.loc[~health["status"].isin(HEALTH_BY_NAME), "status"].astype("str").drop_duplicates(),
        "treated as unknown",
        example_ids(index, health.loc[~health["status"].isin(HEALTH_BY_NAME), "ci_id"]),
    )
    return found


def _without_ci(incident: pd.DataFrame) -> list[Finding]:
    """Incidents that name no CI (most of an incident export may): kept, but on no map."""
    none = incident["ci_id"].isna()
    still_open = int(is_open(incident.loc[none, "state"].to_numpy()).sum())
    return rows_finding(
        "incident.no_ci",
        Severity.INFO,
        f"Incidents that name no CI: {int(none.sum()):,} of {len(incident):,}",
        incident.loc[none, "number"],
        f"{still_open:,} of them open; counted here and kept with their assignment group, category and location, "
        "but on no map",
    )
