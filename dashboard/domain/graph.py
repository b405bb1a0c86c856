"""GraphIndex: CI ids mapped to dense integers, dependencies as CSR arrays in both directions.

A symmetric relationship ("connects to": a link between peers, see vocabulary.Flow) has no dependent end. It is one
edge, drawn once, but both CSRs hold it both ways round, so that every walk — downstream or upstream — crosses it in
either direction. Health roll-up and dependency cycles read only the edges that carry dependency
(`GraphIndex.dependency_down`).
"""

from dataclasses import dataclass

import numpy as np

from dashboard.domain.vocabulary import RELATIONSHIP_TYPES

# For each relationship type code: does dependency flow from source to target?
_SOURCE_DEPENDS = np.array([t.source_depends_on_target for t in RELATIONSHIP_TYPES], dtype=bool)
# For each relationship type code: is it a symmetric link (walked both ways, no dependency)?
SYMMETRIC_TYPES = np.array([t.symmetric for t in RELATIONSHIP_TYPES], dtype=bool)


@dataclass(frozen=True, slots=True)
class CSR:
    """One direction of the dependency graph: neighbours of node i are indices[indptr[i]:indptr[i + 1]]."""

    indptr: np.ndarray  # int64, length n + 1
    indices: np.ndarray  # int32, neighbour node per slot
    edges: np.ndarray  # int32, edge id per slot (position in GraphIndex.edge_* arrays)

    def degree(self) -> np.ndarray:
        """Number of neighbours of every node."""
        return np.diff(self.indptr)

    def without(self, dropped_edges: np.ndarray) -> "CSR":
        """The same CSR without the slots of some edges (a boolean mask over edge ids)."""
        n = len(self.indptr) - 1
        keep = ~dropped_edges[self.edges]
        owner = np.repeat(np.arange(n), self.degree())
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(owner[keep], minlength=n), out=indptr[1:])
        return CSR(indptr, self.indices[keep], self.edges[keep])


# Integer ids spread over at most this many values per CI get a direct table (4 bytes per value) besides the search.
DENSE_SPAN_PER_ID = 4


@dataclass(frozen=True, slots=True)
class IdLookup:
    """CI id → dense position by binary search over the sorted ids (no per-id Python objects at 1M CIs).

    Integer ids that fill their range closely enough (as surrogate keys do) are also looked up in a direct table,
    position = by_offset[id - smallest id]: about ten times faster than the search at 1M CIs.
    """

    sorted_ids: np.ndarray
    sorted_positions: np.ndarray
    by_offset: np.ndarray | None = None  # int32 position per id - sorted_ids[0], -1 where no CI has that id

    @classmethod
    def of(cls, ci_ids: np.ndarray) -> tuple["IdLookup", np.ndarray]:
        """The lookup for a column of CI ids, and the positions of ids that repeat an earlier one."""
        order = np.argsort(ci_ids, kind="stable")
        sorted_ids = ci_ids[order]
        repeat = np.zeros(len(sorted_ids), dtype=bool)
        if len(sorted_ids) > 1:
            repeat[1:] = sorted_ids[1:] == sorted_ids[:-1]
        unique_ids, positions = sorted_ids[~repeat], order[~repeat]
        return cls(unique_ids, positions, _by_offset(unique_ids, positions)), np.sort(order[repeat])

    def locate(self, ids: np.ndarray) -> np.ndarray:
        """Dense positions of CI ids; -1 for ids that are not CIs."""
        ids = np.asarray(ids)
        if len(self.sorted_ids) == 0 or len(ids) == 0:
            return np.full(len(ids), -1, dtype=np.int64)
        if self.by_offset is not None and ids.dtype == self.sorted_ids.dtype:
            smallest, largest = self.sorted_ids[0], self.sorted_ids[-1]
            inside = (ids >= smallest) & (ids <= largest)
            found = np.full(len(ids), -1, dtype=np.int64)
            found[inside] = self.by_offset[ids[inside] - smallest]
            return found
        slot = np.searchsorted(self.sorted_ids, ids).clip(max=len(self.sorted_ids) - 1)
        found = self.sorted_ids[slot] == ids
        return np.where(found, self.sorted_positions[slot], -1)


def _by_offset(sorted_ids: np.ndarray, positions: np.ndarray) -> np.ndarray | None:
    """The direct table for sorted, distinct integer ids; None for other ids or ids spread too thinly."""
    if sorted_ids.dtype.kind not in "iu" or len(sorted_ids) == 0:
        return None
    span = int(sorted_ids[-1]) - int(sorted_ids[0]) + 1
    if span > DENSE_SPAN_PER_ID * len(sorted_ids):
        return None
    table = np.full(span, -1, dtype=np.int32)
    table[sorted_ids - sorted_ids[0]] = positions
    return table


@dataclass(frozen=True, slots=True)
class GraphIndex:
    """The dependency graph of a CMDB snapshot, read-only and shared by every request.

    Node i is the CI at position i of the CI table; edge e goes from the dependent CI `edge_source[e]` to the CI it
    depends on `edge_target[e]` (whatever way round the relationship row was written), and came from relationship
    row `edge_row[e]`. A symmetric edge keeps the row's source and target; `down` and `up` both list it from each
    end, so either walk crosses it both ways.
    """

    ci_ids: np.ndarray
    class_codes: np.ndarray  # int16 code per node, into class_names
    class_names: tuple[str, ...]
    edge_source: np.ndarray
    edge_target: np.ndarray
    edge_type: np.ndarray  # int8 relationship type code
    edge_symmetric: np.ndarray  # bool: a symmetric link (no dependency, walked both ways)
    edge_row: np.ndarray  # int64 row position in the relationship table
    down: CSR  # node → what it depends on
    up: CSR  # node → what depends on it
    lookup: IdLookup

    @property
    def node_count(self) -> int:
        """Number of CIs."""
        return len(self.ci_ids)

    @property
    def edge_count(self) -> int:
        """Number of dependency edges (valid relationships)."""
        return len(self.edge_source)

    def dependency_down(self) -> CSR:
        """`down` with only the edges that carry dependency: what roll-up and cycle detection follow."""
        return self.down.without(self.edge_symmetric)

    def dependency_up(self) -> CSR:
        """`up` with only the edges that carry dependency."""
        return self.up.without(self.edge_symmetric)

    def locate(self, ids: np.ndarray) -> np.ndarray:
        """Dense positions of CI ids; -1 for ids that are not CIs."""
        return self.lookup.locate(ids)

    def position(self, ci_id: object) -> int | None:
        """Dense position of one CI id, or None when it is not a CI."""
        try:
            position = int(self.locate(np.asarray([ci_id], dtype=self.ci_ids.dtype))[0])
        except (TypeError, ValueError, OverflowError):
            return None
        return position if position >= 0 else None

    def induced(self, nodes: np.ndarray, edges: np.ndarray | None = None) -> "GraphIndex":
        """The subgraph of some nodes (sorted positions) and the edges between them; node i is nodes[i].

        `edges`: those edges (ids) between them only, as a walk found them — no pass over every edge of the graph.
        """
        nodes = np.asarray(nodes, dtype=np.int64)
        if edges is not None:
            kept = np.asarray(edges, dtype=np.int64)
            source = np.searchsorted(nodes, self.edge_source[kept]).astype(np.int32)
            target = np.searchsorted(nodes, self.edge_target[kept]).astype(np.int32)
            return self._sub(nodes, kept, source, target)
        inside = np.full(self.node_count, -1, dtype=np.int64)
        inside[nodes] = np.arange(len(nodes))
        kept = np.flatnonzero((inside[self.edge_source] >= 0) & (inside[self.edge_target] >= 0))
        source = inside[self.edge_source[kept]].astype(np.int32)
        target = inside[self.edge_target[kept]].astype(np.int32)
        return self._sub(nodes, kept, source, target)

    def _sub(self, nodes: np.ndarray, kept: np.ndarray, source: np.ndarray, target: np.ndarray) -> "GraphIndex":
        symmetric = self.edge_symmetric[kept]
        down, up = _walks(source, target, symmetric, len(nodes))
        ci_ids = self.ci_ids[nodes]
        return GraphIndex(
            ci_ids, self.class_codes[nodes], self.class_names, source, target, self.edge_type[kept], symmetric,
            self.edge_row[kept], down, up, IdLookup.of(ci_ids)[0],
        )  # fmt: skip

    def class_mask(self, name: str) -> np.ndarray:
        """Boolean mask of the nodes of one class."""
        if name not in self.class_names:
            return np.zeros(self.node_count, dtype=bool)
        return self.class_codes == self.class_names.index(name)


@dataclass(frozen=True, slots=True)
class BuiltIndex:
    """A GraphIndex and what building it found wrong with the input rows."""

    index: GraphIndex
    duplicate_id_rows: np.ndarray  # CI rows whose id repeats an earlier row's (ignored)
    dangling_rows: np.ndarray  # relationship rows whose source or target is not a CI (ignored)
    unknown_type_rows: np.ndarray  # relationship rows with a type outside the vocabulary (ignored)
    self_loop_rows: np.ndarray  # relationship rows from a CI to itself (ignored)


def build_index(
    ci_ids: np.ndarray,
    class_codes: np.ndarray,
    class_names: tuple[str, ...],
    rel_source: np.ndarray,
    rel_target: np.ndarray,
    rel_type: np.ndarray,
) -> BuiltIndex:
    """Build the index from CI ids and relationship rows (type codes from the vocabulary, -1 when unknown)."""
    ci_ids = np.asarray(ci_ids)
    lookup, duplicates = IdLookup.of(ci_ids)
    src = lookup.locate(np.asarray(rel_source, dtype=ci_ids.dtype))
    dst = lookup.locate(np.asarray(rel_target, dtype=ci_ids.dtype))
    rel_type = np.asarray(rel_type, dtype=np.int8)
    dangling = (src < 0) | (dst < 0)
    unknown = ~dangling & (rel_type < 0)
    self_loop = ~dangling & ~unknown & (src == dst)
    valid = ~(dangling | unknown | self_loop)
    rows = np.flatnonzero(valid)
    forward = _SOURCE_DEPENDS[rel_type[rows]]
    edge_source = np.where(forward, src[rows], dst[rows]).astype(np.int32)
    edge_target = np.where(forward, dst[rows], src[rows]).astype(np.int32)
    n = len(ci_ids)
    edge_type = rel_type[rows]
    symmetric = SYMMETRIC_TYPES[edge_type]
    down, up = _walks(edge_source, edge_target, symmetric, n)
    index = GraphIndex(
        ci_ids=ci_ids,
        class_codes=np.asarray(class_codes, dtype=np.int16),
        class_names=class_names,
        edge_source=edge_source,
        edge_target=edge_target,
        edge_type=edge_type,
        edge_symmetric=symmetric,
        edge_row=rows,
        down=down,
        up=up,
        lookup=lookup,
    )
    return BuiltIndex(index, duplicates, np.flatnonzero(dangling), np.flatnonzero(unknown), np.flatnonzero(self_loop))


def _walks(source: np.ndarray, target: np.ndarray, symmetric: np.ndarray, n: int) -> tuple[CSR, CSR]:
    """The down and up CSRs; a symmetric edge is listed a second time the other way round in each."""
    ids = np.arange(len(source), dtype=np.int32)
    back = np.flatnonzero(symmetric).astype(np.int32)
    ends = (np.concatenate([source, target[back]]), np.concatenate([target, source[back]]))
    edge_ids = np.concatenate([ids, back])
    return _csr(ends[0], ends[1], edge_ids, n), _csr(ends[1], ends[0], edge_ids, n)


def _csr(source: np.ndarray, target: np.ndarray, edge_ids: np.ndarray, n: int) -> CSR:
    order = np.argsort(source, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(source, minlength=n), out=indptr[1:])
    return CSR(indptr, target[order], edge_ids[order])
