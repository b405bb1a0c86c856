"""Impact: what a CI's failure reaches, the business services among it, and the ways up to them.

Impact is reachability. From the CI, the walk goes up every dependency edge (to what depends on it) and across
every symmetric link in either direction (to its peers, whatever their side), as far as it goes:
- the *impacted services* are the business services reached: those that depend, directly or not, on the CI or on
  anything linked to it;
- the *impact path* is what the map highlights: the reached CIs that lie on a way from the CI up to an impacted
  service, and the CI's own connected part (the CIs it reaches that also reach it back, such as the network it is
  linked into), with the edges among them.
Health roll-up does not cross symmetric links (domain/health.py), so what a failure rolls up to is always among
the services its impact lists, never more.
"""

from dataclasses import dataclass

import numpy as np

from dashboard.domain.graph import GraphIndex
from dashboard.domain.traverse import ALL_HOPS, Direction, reach
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
    """What fails if `origin` fails: the business services it reaches, and only the paths that lead to them."""
    up = reach(index, [origin], Direction.UPSTREAM, ALL_HOPS)
    is_service = index.class_mask(BUSINESS_SERVICE)[up.nodes]
    services, hops = up.nodes[is_service], up.depths[is_service]
    # Walking back down from the services and from the origin itself marks, among the reached CIs, those on a way
    # to a service and those the origin reaches both ways (its connected part); the origin is always on its path.
    below = reach(index, np.append(services, origin), Direction.DOWNSTREAM, ALL_HOPS)
    on_path = np.zeros(index.node_count, dtype=bool)
    on_path[below.nodes] = True
    upstream = np.zeros(index.node_count, dtype=bool)
    upstream[up.nodes] = True
    on_path &= upstream
    edges = up.edges[on_path[index.edge_source[up.edges]] & on_path[index.edge_target[up.edges]]]
    return Impact(origin, services, hops, up.nodes[on_path[up.nodes]], edges)
