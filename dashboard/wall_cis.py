"""The wall's tiles when they are not business services: the most troubled CIs, or CIs grouped by class, location or
owner. A CMDB without business services gets the troubled CIs by default; the URL's `tiles` asks for another kind.

Each wall says what its tiles are (`WallModel.heading`): a manager must never read a CI tile as a service.
"""

import numpy as np
import pandas as pd

from dashboard.cmdb.derived import Derived
from dashboard.details import text
from dashboard.domain.notices import empty_cmdb, no_services
from dashboard.domain.prominence import dependents, groups, is_troubled, links, most_troubled
from dashboard.domain.viewstate import WallState
from dashboard.domain.vocabulary import BUSINESS_SERVICE, Health, class_label
from dashboard.wall import Tile, WallModel, fault_of, since_of, wall_model

CI_TILES = 12  # a 4 × 3 grid: every tile keeps its five lines at a size read from five metres
GROUP_TILES = 24
GROUPED_BY = {"class": "class", "location": "location", "owner": "owner"}  # tiles value → CI column
NOUNS = {"class": ("class", "classes"), "location": ("location", "locations"), "owner": ("owner", "owners")}
NO_SERVICES = "No business services in this CMDB — "


def wall_tiles(derived: Derived, wall: WallState) -> WallModel:
    """The wall the URL asks for: business services by default, CIs when the CMDB has none, or what `tiles` says."""
    index = derived.snapshot.index
    if not index.node_count:
        return WallModel((), 0, (), notice=empty_cmdb())
    has_services = bool(index.class_mask(BUSINESS_SERVICE).any())
    kind = wall.tiles or ("services" if has_services else "ci")
    if kind == "services":
        return wall_model(derived, wall.services) if has_services else WallModel((), 0, (), notice=no_services())
    prefix = "" if has_services else NO_SERVICES
    if kind == "ci":
        return troubled_cis(derived, prefix)
    return grouped_cis(derived, kind, prefix)


def troubled_cis(derived: Derived, prefix: str = "") -> WallModel:
    """The CI_TILES most troubled CIs (down, degraded, open incidents; then the most depended on), worst first."""
    index = derived.snapshot.index
    status = derived.health.shown(np.arange(index.node_count))
    counts, linked = dependents(index), links(index)
    chosen = most_troubled(status, derived.incidents.by_priority, counts + linked, CI_TILES)
    tiles = tuple(_ci_tile(derived, int(p), int(counts[p]), int(linked[p])) for p in chosen)
    troubled = is_troubled(status[chosen], derived.incidents.open_count[chosen])
    shown, total = len(tiles), f"{index.node_count:,}"
    if troubled.all():
        what = f"the {shown} most troubled of {total} CIs" if shown > 1 else "the most troubled CI"
    elif troubled.any():
        what = f"the {int(troubled.sum())} troubled CIs, then the most depended on or linked ({shown} of {total})"
    else:
        what = f"the {shown} of {total} CIs most depended on or linked: none is degraded, down or has an open incident"
    heading = f"{prefix}showing {what}" if prefix else what[0].upper() + what[1:]
    not_ok = tuple(t.ci_id for t in tiles if t.status >= Health.DEGRADED and t.ci_id is not None)
    # The heading counts what is left out: a "+ N more" tile would cost a whole row of the grid.
    return WallModel(tiles, 0, not_ok, heading=heading, unit="CIs")


def _ci_tile(derived: Derived, position: int, depended: int, linked: int) -> Tile:
    index = derived.snapshot.index
    class_name = index.class_names[index.class_codes[position]]
    detail = f"{class_label(class_name)} · {depended:,} dependent{'s' if depended != 1 else ''}"
    if linked:
        detail += f" · {linked:,} link{'s' if linked != 1 else ''}"
    return Tile(
        ci_id=int(index.ci_ids[position]),
        name=str(derived.names[position]),
        criticality=text(derived.snapshot.ci["criticality"].iat[position]),
        status=Health(int(derived.health.shown(np.array([position]))[0])),
        incidents=derived.incidents.counts_of(np.array([position])),
        since=since_of(derived, position),
        fault=fault_of(derived, position),
        detail=detail,
    )


def grouped_cis(derived: Derived, kind: str, prefix: str = "") -> WallModel:
    """CIs grouped by class, location or owner: one tile per value, most troubled first."""
    index = derived.snapshot.index
    codes, labels = group_codes(derived, kind)
    status = derived.health.shown(np.arange(index.node_count))
    found = groups(codes, status, derived.incidents.by_priority)
    tiles = tuple(
        Tile(
            ci_id=None,
            name=labels[g.code],
            criticality="",
            status=g.status,
            incidents=g.incidents,
            since=None,
            fault=None,
            detail=f"{g.members:,} CI{'s' if g.members != 1 else ''}"
            + (f" · {g.failing:,} degraded or down" if g.failing else ""),
        )
        for g in found[:GROUP_TILES]
    )
    one, many = NOUNS[kind]
    count = f"{len(found):,} {one if len(found) == 1 else many}"
    heading = f"{prefix}CIs by {one}: {count}, most troubled first"
    return WallModel(tiles, max(0, len(found) - GROUP_TILES), (), heading=heading, unit=many)


def group_codes(derived: Derived, kind: str) -> tuple[np.ndarray, list[str]]:
    """A group code per node and each code's label; a CI without a value falls into a group that says so."""
    index = derived.snapshot.index
    if kind == "class":
        return index.class_codes.astype(np.int64), [class_label(name) for name in index.class_names]
    values = derived.snapshot.ci[GROUPED_BY[kind]]
    trimmed = values.astype("str").str.strip().fillna("")
    codes, uniques = pd.factorize(trimmed.mask(trimmed == "", f"(no {kind} given)"))
    return codes.astype(np.int64), [str(u) for u in uniques]
