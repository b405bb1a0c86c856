"""Key scopes: which CI a reference of an import stands for, and which CIs of an import are CIs already known.

A reference is resolved in its row's scope (see batch.py): a key of that scope (of this import, or stored by an
earlier import of the same scope), else a name that one CI of that scope carries — or one CI of the target that no
import made (the CMDB's own CIs belong to no file). Only when the import joins by name do names reach CIs of other
scopes. References without a scope (metrics, alerts, edge lists) name CIs anywhere: a name unique in the import,
else unique in the target.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from dashboard.imports.batch import ANY_SCOPE, ORIGIN, Rejection
from dashboard.imports.textindex import TextIndex

Resolve = Callable[[pd.Series], tuple[pd.Series, pd.Series]]  # references -> (ids, reasons where not found)
JOIN_BY = ("name",)  # what --join-by takes


def lower_names(names: pd.Series) -> pd.Series:
    """Names as matched: trimmed, case ignored."""
    return names.astype("str").str.strip().str.lower()


@dataclass(frozen=True, slots=True)
class Known:
    """Every CI an import can refer to, once each: id, lower-case name, stored key (scope:key) and scope."""

    cis: pd.DataFrame  # id, lower, stored_key, scope ("" where unknown: a target CI no import of these scopes made)

    @classmethod
    def of(cls, rows: pd.DataFrame, aliases: pd.DataFrame, target: pd.DataFrame) -> "Known":
        """The import's CIs and the rows it aliased to known CIs (id, name, stored_key, scope each), over the target's
        CIs (id, name, source_key) that the import does not rewrite."""
        rest = target.loc[~target["id"].isin(rows["id"])]
        old = pd.DataFrame({"id": rest["id"].astype("int64"), "lower": lower_names(rest["name"]),
                            "stored_key": rest["source_key"].astype("str"), "scope": ""})  # fmt: skip
        frames = [_known(part) for part in (rows, aliases) if len(part)] + ([old] if len(old) else [])
        return cls(pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0] if frames else old)

    def in_scope(self, scope: str) -> pd.Series:
        """The CIs a scope's names reach: the import's rows of it, target CIs an earlier import of it stored, and
        target CIs no import made (written by hand or by `generate`: the CMDB's own, of no file)."""
        stored = self.cis["stored_key"].fillna("")
        return (self.cis["scope"] == scope) | (
            (self.cis["scope"] == "") & (stored.str.startswith(scope + ":") | (stored == ""))
        )


def _known(rows: pd.DataFrame) -> pd.DataFrame:
    scope = rows["scope"].fillna("").astype("category")  # a few scopes for 1M CIs
    return pd.DataFrame({"id": rows["id"].astype("int64"), "lower": lower_names(rows["name"]),
                         "stored_key": rows["stored_key"].astype("str"), "scope": scope})  # fmt: skip


def unique_names(cis: pd.DataFrame) -> tuple[TextIndex, set[str]]:
    """Lower-case name → id for names one CI carries, and the names several CIs share (columns id and lower)."""
    distinct = cis[["id", "lower"]].drop_duplicates("id")
    counts = distinct["lower"].value_counts()
    shared = set(counts.index[counts > 1])
    single = distinct.loc[~distinct["lower"].isin(shared)] if shared else distinct
    return TextIndex(single["lower"], single["id"].to_numpy()), shared


class Resolver:
    """CI references → ids, per scope; see the module's docstring for the order."""

    def __init__(self, known: Known, join_by_name: bool = False) -> None:
        self._known = known
        self._join = join_by_name
        keyed = known.cis[["id", "stored_key"]].dropna(subset=["stored_key"]).drop_duplicates("stored_key")
        self._by_key = TextIndex(keyed["stored_key"], keyed["id"].to_numpy())
        self._names: dict[str, tuple[TextIndex, set[str]]] = {}  # per scope: unique_names of the CIs it reaches

    def _names_in(self, scope: str | None) -> tuple[TextIndex, set[str]]:
        """unique_names of the CIs a scope's names reach (ANY_SCOPE: the import's own; None: all), computed once:
        an import resolves its references a chunk at a time."""
        key = "\0all" if scope is None else scope
        if key not in self._names:
            cis = self._known.cis
            if scope is None:
                self._names[key] = unique_names(cis)
            elif scope == ANY_SCOPE:
                self._names[key] = unique_names(cis.loc[cis["scope"] != "", ["id", "lower"]])
            else:
                reached = self._known.in_scope(scope)
                self._names[key] = unique_names(cis if reached.all() else cis.loc[reached, ["id", "lower"]])
        return self._names[key]

    def within(self, scopes: pd.Series) -> Resolve:
        """A resolver for references whose rows have these scopes (aligned by index)."""

        def resolve(references: pd.Series) -> tuple[pd.Series, pd.Series]:
            ids = pd.Series(pd.NA, index=references.index, dtype="Int64")
            reasons = pd.Series("", index=references.index, dtype="str")
            scope_of = scopes.reindex(references.index).fillna(ANY_SCOPE).astype("str")
            for scope, group in references.groupby(scope_of, sort=False):
                found, why = self._resolve(group, str(scope))
                ids[group.index], reasons[group.index] = found, why
            reasons[references.isna()] = "no CI given"
            return ids, reasons

        return resolve

    def _resolve(self, references: pd.Series, scope: str) -> tuple[pd.Series, pd.Series]:
        text = references.astype("str").str.strip()
        lower = text.str.lower()
        if scope == ANY_SCOPE:
            tables = [self._names_in(ANY_SCOPE), self._names_in(None)]
            ids = pd.Series(pd.NA, index=text.index, dtype="Int64")
            where = ""
        else:
            tables = [self._names_in(scope)]
            if self._join:
                tables.append(self._names_in(None))
            ids = self._by_key.lookup(scope + ":" + text)
            where = f" in {scope}" + (" nor by name anywhere" if self._join else "")
        shared: set[str] = set()
        for single, several in tables:
            unresolved = ids.isna()
            ids[unresolved] = single.lookup(lower[unresolved])
            shared |= several
        missing = ids.isna()
        ambiguous = missing & lower.isin(shared)
        reason = pd.Series("", index=text.index, dtype="str")
        shown = text.str.slice(0, 120).map(repr)
        reason[missing] = "no CI with the key or name " + shown[missing] + where
        reason[ambiguous] = "the name " + shown[ambiguous] + " belongs to several CIs"
        return ids, reason


def by_stored_key(rows: pd.DataFrame, target: pd.DataFrame) -> pd.Series:
    """The target's id of each CI an earlier import of the same scope stored with the same key (NA for the others)."""
    keyed = target[["id", "source_key"]].dropna(subset=["source_key"]).drop_duplicates("source_key")
    return TextIndex(keyed["source_key"], keyed["id"].to_numpy()).lookup(rows["stored_key"])


def joined_by_name(rows: pd.DataFrame, target: pd.DataFrame) -> pd.Series:
    """With --join-by name: each CI that is not in the target that has the name of exactly one CI of another scope
    (in the target, or earlier in this import) → that CI's id. A name several such CIs share joins nothing."""
    candidates: dict[str, dict[int, tuple[str, str]]] = {}  # lower name → id → (scope, stored key)
    scope_of = dict(zip(rows.loc[rows["_exists"], "id"], rows.loc[rows["_exists"], "scope"].fillna(""), strict=True))
    for ci_id, lower, key in zip(target["id"], lower_names(target["name"]), target["source_key"], strict=True):
        candidates.setdefault(lower, {})[int(ci_id)] = (scope_of.get(int(ci_id), ""), key or "")
    joined: dict[object, int] = {}
    for index, ci_id, exists, lower, scope, key in zip(
        rows.index, rows["id"], rows["_exists"], lower_names(rows["name"]), rows["scope"].fillna(""),
        rows["stored_key"], strict=True,
    ):  # fmt: skip
        if exists:
            continue
        others = [i for i, (s, k) in candidates.get(lower, {}).items() if _other_scope(scope, s, k)]
        if len(others) == 1:
            joined[index] = others[0]
        else:
            candidates.setdefault(lower, {})[int(ci_id)] = (scope, key)
    return pd.Series(joined, dtype="int64")


def _other_scope(scope: str, their_scope: str, their_key: str) -> bool:
    return their_scope != scope if their_scope else not their_key.startswith(scope + ":")


def placeholders(
    named: pd.DataFrame, regular: pd.DataFrame, target: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, list[Rejection]]:
    """Placeholder CIs: new ones (no CI has their key or name), known ones (with the id of the CI of the same scope
    and key, else of the one CI of that name in this import or the target), and the rejected (a shared name)."""
    if named.empty:
        return named, named.assign(id=pd.Series(dtype="int64")), []
    lower = lower_names(named["name"])
    ids = by_stored_key(named, target)
    shared: set[str] = set()
    for cis in (regular, target):
        single, several = unique_names(pd.DataFrame({"id": cis["id"], "lower": lower_names(cis["name"])}))
        open_ = ids.isna() & ~lower.isin(shared)
        ids[open_] = single.lookup(lower[open_])
        shared |= several
    ambiguous = ids.isna() & lower.isin(shared)
    rejected = [
        Rejection(str(origin), f"the name {name[:120]!r} belongs to several CIs", "cis")
        for origin, name in zip(named.loc[ambiguous, ORIGIN], named.loc[ambiguous, "name"], strict=True)
    ]
    known = named.loc[ids.notna()].assign(id=ids[ids.notna()].astype("int64"))
    return named.loc[ids.isna() & ~ambiguous], known, rejected
