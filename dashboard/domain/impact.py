"""Impact: every business service that depends on a CI, and the dependency paths that lead up to them."""

from dataclasses import dataclass

import numpy as np

from dashboard.domain.graph import GraphIndex
from dashboard.domain.traverse import MAX_DEPTH, Direction, reach
from dashboard.domain.vocabulary import BUSINESS_SERVICE


@dataclass(frozen=True, slots=True)
class Impact:
    """The impacted business services of a CI, and the nodes and edges on paths from the CI up to them."""

    origin: int
    services: np.ndarray  # node positions, by hops from the origin, then position
    hops: np.ndarray  # hops from the origin to each service
    path_nodes: np.ndarray
    path_edges: np.ndarray


def impact(index: GraphIndex, origin: int) -> Impact:
    """What fails if `origin` fails: upstream business services, and only the paths that lead to them."""
    up = reach(index, [origin], Direction.UPSTREAM, MAX_DEPTH)
    is_service = index.class_mask(BUSINESS_SERVICE)[up.nodes]
    services, hops = up.nodes[is_service], up.depths[is_service]
    on_path = np.zeros(index.node_count, dtype=bool)
    if len(services):
        below = reach(index, services, Direction.DOWNSTREAM, MAX_DEPTH)
        on_path[below.nodes] = True
    upstream = np.zeros(index.node_count, dtype=bool)
    upstream[up.nodes] = True
    on_path &= upstream
    edges = up.edges[on_path[index.edge_source[up.edges]] & on_path[index.edge_target[up.edges]]]
    return Impact(origin, services, hops, up.nodes[on_path[up.nodes]], edges)
