"""What a screen says when it has nothing (or less than it should) to show: why, and what to do about it.

Plain text only, so that the map, the wall, the data-quality page, `check` and the API say the same thing.
"""

from dataclasses import dataclass
from datetime import datetime

IMPORT_HINT = (
    "Import some: python -m dashboard import FORMAT PATH… --database-url URL (python -m dashboard import --help lists "
    "the formats), or point --database-url (or SERVICEMAP_DATABASE_URL) at a CMDB that has CIs."
)


@dataclass(frozen=True, slots=True)
class Notice:
    """Why a screen shows nothing or less than expected (`why`), and what to do (`advice`)."""

    code: str  # stable: "cmdb.empty", "cmdb.no_relationships", "map.unknown_root", "incidents.no_ci", "health.old" …
    why: str
    advice: str

    @property
    def text(self) -> str:
        """Why and what to do, as one line."""
        return f"{self.why} {self.advice}"


def empty_cmdb() -> Notice:
    """The CMDB has no CIs at all."""
    return Notice("cmdb.empty", "This CMDB has no CIs.", IMPORT_HINT)


def no_relationships(cis: int, relationship_rows: int) -> Notice:
    """CIs, but no relationship the graph could use: every map is a single CI."""
    why = f"This CMDB has {cis:,} CI{'s' if cis != 1 else ''} but no relationships between them: every map is one CI."
    if relationship_rows:
        advice = (
            f"All {relationship_rows:,} relationship rows were left out (unknown CIs or types): the Data quality page "
            "says why."
        )
    else:
        advice = "Import relationships (python -m dashboard import …), or check the schema profile maps them."
    return Notice("cmdb.no_relationships", why, advice)


def unknown_root(ci_id: int) -> Notice:
    """The URL names a CI that is not in the snapshot."""
    return Notice(
        "map.unknown_root",
        f"There is no CI with id {ci_id} in the current CMDB snapshot.",
        "Pick another from the list, or open the map without ?root= to start on the CI that matters most.",
    )


def filter_empty(cis: int, *, only_incidents: bool = True) -> Notice:
    """The filters ('only CIs with open incidents', or those by attribute) leave nothing of the view but its root."""
    if only_incidents:
        why, undo = (
            f"None of the {cis:,} CIs in this view has an open incident.",
            "Untick 'Only CIs with open incidents'",
        )
    else:
        why, undo = f"None of the {cis:,} CIs in this view passes the filters.", "Clear a filter (under Filters)"
    return Notice("map.filter_empty", why, f"{undo}, or widen the view (more hops, both ways).")


def old_health(newest: datetime | None, days: int, now: datetime) -> Notice:
    """No health event inside the health window (`days` before `now`): every status shows as unknown."""
    if newest is None:
        why = "The CMDB holds no health events: every status shows as unknown."
        advice = "Import monitoring events (python -m dashboard import monitoring …) to see health."
    else:
        why = (
            f"The newest health event is from {newest:%Y-%m-%d}, older than the {days}-day health window: statuses "
            "show as unknown."
        )
        reach = health_days_to_reach(newest, now)
        advice = f"Set SERVICEMAP_HEALTH_DAYS={reach} (or more) to show them, or import newer monitoring events."
    return Notice("health.old", why, advice)


def health_days_to_reach(newest: datetime, now: datetime) -> int:
    """The smallest health window, in whole days, that holds an event observed at `newest`."""
    return max(1, (now - newest).days + 1)


def no_services() -> Notice:
    """The wall was asked for business services, and the CMDB has none."""
    return Notice(
        "wall.no_services",
        "This CMDB has no business services (CIs of class business_service).",
        "Show its CIs instead: open the wall with ?tiles=ci, or group them with ?tiles=class, location or owner; or "
        "its open incidents with ?tiles=assignment_group or category.",
    )


def incidents_without_ci(incidents: int, open_: int, without_ci: int) -> Notice:
    """Most open incidents name no CI of the CMDB (a service-desk export): no map shows them, the wall can."""
    held = f"{incidents:,} incident{'s' if incidents != 1 else ''}"
    are = "is" if open_ == 1 else "are"
    why = f"This CMDB holds {held}; {open_:,} {are} open and {without_ci:,} of those name no CI. No map shows them."
    advice = (
        "The wall shows every open incident by assignment group: open it with ?tiles=assignment_group (or "
        "?tiles=category). The Data quality page counts the incidents that name no CI."
    )
    return Notice("incidents.no_ci", why, advice)


def no_open_incidents(incidents: int) -> Notice:
    """The wall was asked for groups of open incidents, and none is open."""
    why = f"None of the {incidents:,} incidents in this CMDB is open." if incidents else "This CMDB has no incidents."
    return Notice(
        "wall.no_open_incidents", why, "Nothing to group: open the wall without ?tiles= to see its services or CIs."
    )


def cmdb_notices(cis: int, edges: int, relationship_rows: int, old: Notice | None) -> tuple[Notice, ...]:
    """What every screen of this CMDB should say: no CIs, no usable relationships, health older than its window."""
    if not cis:
        return (empty_cmdb(),)
    found = [no_relationships(cis, relationship_rows)] if not edges else []
    return (*found, *((old,) if old is not None else ()))
