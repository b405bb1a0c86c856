"""What every feature's register(app, services) receives: the settings, the snapshot store, the per-snapshot views."""

from dataclasses import dataclass

from dashboard.cmdb.derived import DerivedCache
from dashboard.cmdb.store import SnapshotStore
from dashboard.settings import Settings


@dataclass(frozen=True, slots=True)
class Services:
    """The app's shared, long-lived objects."""

    settings: Settings
    store: SnapshotStore
    views: DerivedCache  # what the views compute once per snapshot
