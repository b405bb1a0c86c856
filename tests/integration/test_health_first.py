"""A page load at a /health URL gets /health's body with its first layout (the layout request's Referer names the
page's URL); the page callback then builds it only for another URL or snapshot. Other page loads are unchanged."""

import pytest

from dashboard.app import create_app
from dashboard.settings import Settings
from layouts import ids
from tests.integration.test_health import figures, show
from tests.rows import ci, rel, write


@pytest.fixture(scope="module")
def demo(demo_cmdb):
    return create_app(Settings.from_env({}, database_url=demo_cmdb, refresh_seconds=0, anonymous=True))


def layout(app, referer=None, path="/_dash-layout"):
    headers = {"Referer": referer} if referer is not None else {}
    answer = app.server.test_client().get(path, headers=headers)
    assert answer.status_code == 200
    return answer.get_json()


def component(tree, component_id):
    """The props of the component with that id in a layout's JSON, None when there is none."""
    if isinstance(tree, dict):
        if tree.get("props", {}).get("id") == component_id:
            return tree["props"]
        return next((p for v in tree.values() if (p := component(v, component_id)) is not None), None)
    if isinstance(tree, list):
        return next((p for v in tree if (p := component(v, component_id)) is not None), None)
    return None


def version(app):
    return app.server.extensions["servicemap"].current().snapshot.version


def test_hf001_a_health_page_load_gets_the_body_and_what_it_was_built_for(demo):
    tree = layout(demo, "http://localhost/health?days=90&class=server")
    built = component(tree, ids.HEALTH_BUILT)["data"]
    assert built == {"pathname": "/health", "search": "?days=90&class=server", "version": version(demo)}
    page = component(tree, ids.PAGE_HEALTH)
    assert page["hidden"] is False
    assert component(tree, ids.PAGE_MAP)["hidden"] is True
    assert component(tree, ids.NAV_HEALTH)["className"] == "nav active"
    # the same body as the page callback builds for that URL
    _, answer = show(demo, search="?days=90&class=server")
    assert component(tree, ids.HEALTH_BODY)["children"] == answer["response"][ids.HEALTH_BODY]["children"]
    assert component(tree, ids.HEALTH_FILTERS)["children"] == answer["response"][ids.HEALTH_FILTERS]["children"]
    assert len(figures(component(tree, ids.HEALTH_BODY))) >= 10


@pytest.mark.parametrize(
    "referer",
    [
        None,
        "http://localhost/",
        "http://localhost/wall",
        "http://localhost/?root=1",
        "http://localhost/healthy",
        "http://[::1/health",  # not a URL: urlsplit raises
        "/health" + "x" * 5000,
        "\x00<script>",
    ],
)
def test_hf002_other_page_loads_get_the_empty_health_page(demo, referer):
    tree = layout(demo, referer)
    assert component(tree, ids.HEALTH_BUILT)["data"] is None
    assert component(tree, ids.PAGE_HEALTH)["hidden"] is True
    assert not component(tree, ids.HEALTH_BODY).get("children")
    assert not figures(tree)
    assert not component(tree, ids.PAGE_MAP).get("hidden")


def test_hf003_a_forged_query_gets_the_pages_defaults(demo):
    forged = "http://evil.example/health?days=-5&service=x&class=" + "<b>" * 100 + "&asof=nonsense"
    tree = layout(demo, forged)
    built = component(tree, ids.HEALTH_BUILT)["data"]
    assert built["pathname"] == "/health"
    _, answer = show(demo, search=built["search"])
    assert component(tree, ids.HEALTH_BODY)["children"] == answer["response"][ids.HEALTH_BODY]["children"]


def test_hf004_the_callback_answers_nothing_for_the_url_and_version_built_but_a_body_for_another(demo):
    built = {"pathname": "/health", "search": "?days=90", "version": version(demo)}
    status, answer = show(demo, search="?days=90", built=built)
    assert status == 200
    assert list(answer["response"]) == [ids.HEALTH_BUILT]  # the body stays; the store is used once
    assert answer["response"][ids.HEALTH_BUILT]["data"] is None
    for search, stale in (("?days=30", built), ("?days=90", {**built, "version": version(demo) - 1})):
        _, answer = show(demo, search=search, built=stale)
        assert figures(answer["response"][ids.HEALTH_BODY])
        assert answer["response"][ids.HEALTH_BUILT]["data"] is None
    _, answer = show(demo, pathname="/", search="?days=90", built=built)
    assert not answer.get("response")


def test_hf005_the_page_itself_with_a_health_referer_is_served_as_before(demo):
    page = demo.server.test_client().get("/health", headers={"Referer": "http://localhost/health"})
    assert page.status_code == 200
    tree = layout(demo, "http://localhost/health", path="/_dash-layout")
    assert component(tree, ids.HEALTH_BUILT)["data"] is not None


@pytest.mark.parametrize("strips", [False, True])
def test_hf006_under_a_prefix_the_referer_names_the_prefixed_path(sqlite_db, strips):
    write(sqlite_db, ci=[ci(1, "Payroll", "business_service"), ci(2, "app")], relationship=[rel(1, 1, "depends on", 2)])
    settings = Settings.from_env(
        {}, database_url=sqlite_db, refresh_seconds=0, anonymous=True, url_prefix="/sm/", proxy_strips_prefix=strips
    )
    app = create_app(settings, start_threads=False)
    path = "/_dash-layout" if strips else "/sm/_dash-layout"
    tree = layout(app, "https://portal.example/sm/health", path=path)
    assert component(tree, ids.HEALTH_BUILT)["data"]["pathname"] == "/sm/health"
    assert component(tree, ids.PAGE_HEALTH)["hidden"] is False
    assert component(layout(app, "https://portal.example/health", path=path), ids.HEALTH_BUILT)["data"] is None


def test_hf007_a_layout_with_the_body_is_never_stored_by_a_cache(demo):
    # The layout now depends on the Referer: a cache must not give a /health layout to another page's load.
    answer = demo.server.test_client().get("/_dash-layout", headers={"Referer": "http://localhost/health"})
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
