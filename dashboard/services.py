"""What every feature's register(app, services) receives: the settings, the snapshot store, the per-snapshot views,
and servicemap's own saved views."""

from dataclasses import dataclass

from dashboard.cmdb.derived import Derived, DerivedCache
from dashboard.cmdb.profiles import profile_named
from dashboard.cmdb.store import SnapshotStore
from dashboard.saved_views import SavedViews
from dashboard.settings import Settings


@dataclass(frozen=True, slots=True)
class Services:
    """The app's shared, long-lived objects."""

    settings: Settings
    store: SnapshotStore
    views: DerivedCache  # what the views compute once per snapshot
    saved_views: SavedViews  # in servicemap's own state database, never the CMDB

    def current(self) -> Derived | None:
        """The views of the snapshot being served (None before the first load)."""
        snapshot = self.store.snapshot
        return self.views.of(snapshot) if snapshot is not None else None


def store_for(settings: Settings) -> SnapshotStore:
    """The snapshot store over the CMDB the settings name (the app's, and the commands' that read a CMDB once)."""
    return SnapshotStore(
        settings.database_url,
        health_days=settings.health_days,
        load_path=settings.load_path,
        profile=profile_named(settings.profile),
        deadline_seconds=settings.cmdb_deadline_seconds,
    )
