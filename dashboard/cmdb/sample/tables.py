"""The five native tables of a sample, as columns, from a spec."""

import numpy as np

from dashboard.cmdb.sample.changes import change_context, change_rows, in_maintenance
from dashboard.cmdb.sample.dirt import Dirty, plant
from dashboard.cmdb.sample.enterprise import build_enterprise, recent
from dashboard.cmdb.sample.health import health_rows
from dashboard.cmdb.sample.incidents import incident_rows
from dashboard.cmdb.sample.lifecycle import with_lifecycle
from dashboard.cmdb.sample.outages import pick_outages
from dashboard.cmdb.sample.service_desk import add_service_desk
from dashboard.cmdb.sample.spec import SampleSpec, sizes_for
from dashboard.cmdb.sample.volume import add_health_events, add_incidents
from dashboard.cmdb.sample.write import Columns
from dashboard.domain.vocabulary import RELATIONSHIP_TYPES

_CI_ORDER = ("id", "name", "class", "status", "criticality", "environment", "location", "owner", "updated_at")
_CHANGE_CONTEXT, _SERVICE_DESK, _LIFECYCLE, _MORE_HEALTH, _MORE_INCIDENTS = (
    13,
    14,
    15,
    16,
    17,
)  # second seeds of the streams of columns added later
_TYPE_NAMES = np.array([t.name for t in RELATIONSHIP_TYPES], dtype=object)


def sample_tables(spec: SampleSpec) -> tuple[dict[str, Columns], Dirty]:
    """Every table's columns (keyed by table name) and the dirty enterprise they were made from."""
    rng = np.random.default_rng(spec.seed)
    now = np.datetime64(spec.now(), "s")
    sizes = sizes_for(spec.cis)
    dirty = plant(rng, sizes, build_enterprise(rng, sizes, now), now)
    enterprise = dirty.enterprise
    ci = enterprise.ci
    orphans = enterprise.hosts.orphan_ids
    n_rel = len(enterprise.rel_source)
    relationship = {
        "id": np.arange(1, n_rel + 1, dtype=np.int64),
        "source_id": enterprise.rel_source,
        "target_id": enterprise.rel_target,
        "type": _TYPE_NAMES[enterprise.rel_code],
        "updated_at": recent(rng, now, n_rel),
    }
    outages = pick_outages(rng, enterprise, now)
    incident = incident_rows(rng, ci, orphans, outages, now, spec.incident_days)
    change = change_rows(rng, ci, orphans, now)
    # Columns added later draw from streams of their own, so that every earlier column stays as it was for a seed.
    change_context(np.random.default_rng([spec.seed, _CHANGE_CONTEXT]), ci, change)
    incident = add_service_desk(np.random.default_rng([spec.seed, _SERVICE_DESK]), ci, incident, now)
    ci = {**ci, "attributes": with_lifecycle(np.random.default_rng([spec.seed, _LIFECYCLE]), ci, now)}
    health = health_rows(rng, ci, orphans, outages, in_maintenance(change), now)
    # Extra volume on request (issue 13): appended, each from a stream of its own, after every other draw.
    health = add_health_events(np.random.default_rng([spec.seed, _MORE_HEALTH]), health, spec.health_events, now)
    more = np.random.default_rng([spec.seed, _MORE_INCIDENTS])
    incident = add_incidents(more, ci, orphans, incident, spec.incidents, now, spec.incident_days)
    tables = {
        "ci": {name: ci[name] for name in (*_CI_ORDER, "attributes")},
        "relationship": relationship,
        "incident": incident,
        "health": health,
        "change": change,
    }
    return tables, dirty
