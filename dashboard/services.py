"""What every feature's register(app, services) receives: the settings and the snapshot store."""

from dataclasses import dataclass

from dashboard.cmdb.store import SnapshotStore
from dashboard.settings import Settings


@dataclass(frozen=True, slots=True)
class Services:
    """The app's shared, long-lived objects."""

    settings: Settings
    store: SnapshotStore
