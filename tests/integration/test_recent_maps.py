"""Maps kept per snapshot (dashboard/recent_maps.py): the same view again is served from memory, a new snapshot
starts afresh, and only the last few views are kept."""

import pytest

import callbacks.map
from dashboard.app import create_app
from dashboard.recent_maps import MAPS_KEPT, RecentMaps
from dashboard.settings import Settings
from layouts import ids
from tests.callbacks import callback_request, post

ONLINE_BANKING = 5


@pytest.fixture
def app(demo_cmdb):
    return create_app(Settings.from_env({}, database_url=demo_cmdb, refresh_seconds=0, anonymous=True))


@pytest.fixture
def builds(monkeypatch):
    """The views the map callback built (rather than took from memory), in order."""
    built = []
    original = callbacks.map.build_map

    def counting(derived, state, position, *, budget):
        built.append(state)
        return original(derived, state, position, budget=budget)

    monkeypatch.setattr(callbacks.map, "build_map", counting)
    return built


def elements(app, search):
    body = callback_request(
        app, ids.MAP_GRAPH, "elements", {f"{ids.URL}.search": search, f"{ids.MAP_TRAIL_STORE}.data": []}, "url.search"
    )
    status, data = post(app, body)
    assert status == 200
    return data["response"][ids.MAP_GRAPH]["elements"]


def test_sp001_the_same_view_again_gives_the_same_map_without_building_it_again(app, builds):
    first = elements(app, f"?root={ONLINE_BANKING}&depth=3")
    again = elements(app, f"?root={ONLINE_BANKING}&depth=3")
    assert again == first
    assert len(first) > 10
    assert len(builds) == 1
    elements(app, f"?root={ONLINE_BANKING}&depth=2")  # another view is built
    assert len(builds) == 2


def test_sp002_a_new_snapshot_builds_the_map_again(app, builds):
    services = app.server.extensions["servicemap"]
    first = elements(app, f"?root={ONLINE_BANKING}")
    assert services.store.refresh(force=True)
    again = elements(app, f"?root={ONLINE_BANKING}")
    assert len(builds) == 2
    assert again == first  # the same data, read again


def test_sp003_only_the_last_views_are_kept(app, builds):
    views = [
        f"?root={ONLINE_BANKING}&depth={depth}&changes={days}" for days in (0, 1, 7, 30, 90) for depth in (1, 2, 3, 4)
    ]
    assert len(views) > MAPS_KEPT
    for view in views:
        elements(app, view)
    elements(app, views[-1])  # the latest is kept
    assert len(builds) == len(views)
    elements(app, views[0])  # the first went out
    assert len(builds) == len(views) + 1


def test_sp004_the_least_recently_asked_for_goes_first():
    kept = RecentMaps(size=2)
    kept.get("a", lambda: 1)
    kept.get("b", lambda: 2)
    assert kept.get("a", lambda: 0) == 1  # asked for again: now the most recent
    kept.get("c", lambda: 3)
    assert len(kept) == 2
    assert kept.get("a", lambda: 0) == 1
    assert kept.get("b", lambda: 0) == 0  # built again: it went out
