"""The wall's tiles when they are not business services: the most troubled CIs, CIs grouped by class, location or
owner, or open incidents grouped by assignment group or category. The URL's `tiles` asks for a kind; by default
(`default_tiles`) a CMDB without business services gets its open incidents by assignment group when most of them name
no CI (a service-desk export), else its most troubled CIs.

Each wall says what its tiles are (`WallModel.heading`): a manager must never read a CI tile as a service.
"""

from dataclasses import replace

import numpy as np
import pandas as pd

from dashboard.cmdb.derived import Derived
from dashboard.details import text
from dashboard.domain.incident_groups import IncidentGroup, incident_groups
from dashboard.domain.names import shown_name
from dashboard.domain.notices import empty_cmdb, incidents_without_ci, no_open_incidents, no_services
from dashboard.domain.prominence import dependents, groups, is_troubled, links, most_troubled
from dashboard.domain.viewstate import WallState
from dashboard.domain.vocabulary import BUSINESS_SERVICE, Health, class_label
from dashboard.maps import short_label
from dashboard.wall import Tile, WallModel, fault_of, started, wall_model

CI_TILES = 12  # a 4 × 3 grid: every tile (a CI, or a group of incidents) keeps its lines at a size read from 5 m
GROUP_TILES = 24
GROUPED_BY = {"class": "class", "location": "location", "owner": "owner"}  # tiles value → CI column
INCIDENT_FIELDS = ("assignment_group", "category")  # tiles values that group open incidents (incident columns)
NOUNS = {
    "class": ("class", "classes"),
    "location": ("location", "locations"),
    "owner": ("owner", "owners"),
    "assignment_group": ("assignment group", "assignment groups"),
    "category": ("category", "categories"),
}
NO_SERVICES = "No business services in this CMDB — "


def wall_of(derived: Derived, wall: WallState) -> WallModel:
    """`wall_tiles`, computed once per snapshot and kind of wall: every screen showing it shares one (the refresh,
    rotation and theme of a URL do not change its tiles)."""
    return derived.recent(("wall", wall.tiles, wall.services), lambda: wall_tiles(derived, wall))


def warm_wall(derived: Derived) -> None:
    """The default wall (every business service, or this CMDB's default tiles), in the views' warm-up."""
    wall_of(derived, WallState())


def wall_tiles(derived: Derived, wall: WallState) -> WallModel:
    """The wall the URL asks for, or this CMDB's default (see `default_tiles`)."""
    index = derived.snapshot.index
    has_services = bool(index.class_mask(BUSINESS_SERVICE).any()) if index.node_count else False
    kind = wall.tiles or default_tiles(derived, has_services)
    if kind in INCIDENT_FIELDS:
        return grouped_incidents(derived, kind, has_services)
    model = _cis_or_services(derived, kind, wall.services, has_services)
    without_ci = derived.open_incidents.without_ci
    if not without_ci or model.notice is not None:
        return model
    are = "incident names" if without_ci == 1 else "incidents name"
    return replace(model, left_out=f"Not on these tiles: {without_ci:,} open {are} no CI (?tiles=assignment_group)")


def _cis_or_services(derived: Derived, kind: str, services: frozenset[int], has_services: bool) -> WallModel:
    index = derived.snapshot.index
    if not index.node_count:
        found = derived.open_incidents
        if len(found.rows):
            notice = incidents_without_ci(len(derived.snapshot.tables["incident"]), len(found.rows), found.without_ci)
            return WallModel((), 0, (), notice=notice)
        return WallModel((), 0, (), notice=empty_cmdb())
    if kind == "services":
        return wall_model(derived, services) if has_services else WallModel((), 0, (), notice=no_services())
    prefix = "" if has_services else NO_SERVICES
    if kind == "ci":
        return troubled_cis(derived, prefix)
    return grouped_cis(derived, kind, prefix)


def default_tiles(derived: Derived, has_services: bool) -> str:
    """Business services when there are any; else open incidents by assignment group when more than half of the open
    incidents name no CI (tiles of CIs would leave most of them out); else the most troubled CIs."""
    if has_services:
        return "services"
    return "assignment_group" if derived.open_incidents.mostly_without_ci else "ci"


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
    since, since_known = started(derived, position)
    return Tile(
        ci_id=int(index.ci_ids[position]),
        name=shown_name(derived.names[position]),
        criticality=text(derived.snapshot.ci["criticality"].iat[position]),
        status=Health(int(derived.health.shown(np.array([position]))[0])),
        incidents=derived.incidents.counts_of(np.array([position])),
        since=since,
        fault=fault_of(derived, position),
        detail=detail,
        since_known=since_known,
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
            name=shown_name(labels[g.code]),
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


def grouped_incidents(derived: Derived, kind: str, has_services: bool) -> WallModel:
    """Every open incident (whether it names a CI or not) grouped by one of its fields: one tile per value, worst
    first (most P1, then P2 …, then most open)."""
    found = derived.open_incidents
    if not len(found.rows):
        return WallModel((), 0, (), notice=no_open_incidents(len(derived.snapshot.tables["incident"])))
    grouped, labels = derived.kept(f"incident_groups.{kind}", lambda: _incident_groups(derived, kind))
    tiles = tuple(_incident_tile(derived, group, labels[group.code]) for group in grouped[:CI_TILES])
    one, many = NOUNS[kind]
    count = f"{len(tiles)} of {len(grouped):,}" if len(grouped) > len(tiles) else f"{len(grouped):,}"
    what = f"open incidents by {one}, most P1 first ({count} {one if len(grouped) == 1 else many})"
    if has_services:
        heading = what[0].upper() + what[1:]
    else:
        heading = (
            f"No business services and {found.without_ci:,} of {len(found.rows):,} open incidents name no CI — {what}"
        )
    # As with single CIs: at most CI_TILES, counted in the heading, so that each stays readable from five metres.
    return WallModel(tiles, 0, (), heading=heading, unit=many)


def _incident_groups(derived: Derived, kind: str) -> tuple[tuple[IncidentGroup, ...], list[str]]:
    """The groups of open incidents by the incident column `kind`, and each code's label (sorted: ties by label)."""
    found = derived.open_incidents
    incidents = derived.snapshot.tables["incident"]
    column = incidents[kind] if kind in incidents else pd.Series([None] * len(incidents), dtype="object")
    trimmed = column.iloc[found.rows].astype("str").str.strip().fillna("")
    codes, uniques = pd.factorize(trimmed.mask(trimmed == "", f"(no {NOUNS[kind][0]} given)"), sort=True)
    status = derived.health.shown(np.arange(derived.snapshot.index.node_count))
    grouped = incident_groups(codes, found.nodes, found.priorities, found.opened, status)
    return grouped, [str(u) for u in uniques]


def _incident_tile(derived: Derived, group: IncidentGroup, label: str) -> Tile:
    found = derived.open_incidents
    detail = f"{group.open:,} open"
    if group.without_ci:
        detail += " · none names a CI" if group.without_ci == group.open else f" · {group.without_ci:,} name no CI"
    oldest = pd.Timestamp(found.opened[group.oldest]).to_pydatetime() if group.oldest >= 0 else None
    named = ""
    if group.most_named >= 0:
        named = f"{short_label(derived.names[group.most_named])} ({group.most_named_count:,} open)"
    return Tile(
        ci_id=None,
        name=shown_name(label),
        criticality="",
        status=group.status,
        incidents=group.incidents,
        since=None,
        fault=None,
        detail=detail,
        oldest_open=oldest,
        most_named=named,
    )
