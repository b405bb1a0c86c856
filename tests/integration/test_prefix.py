"""Path prefixes: behind a proxy that keeps the prefix, one that strips it, and mounted in a Flask application."""

import hashlib
import json
import re
import runpy
from pathlib import Path

import pytest

from dashboard.app import create_app
from dashboard.settings import Settings
from layouts import ids
from tests.callbacks import callback_request
from tests.rows import ci, rel, write

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "flask_portal.py"


@pytest.fixture
def cmdb(sqlite_db):
    write(sqlite_db, ci=[ci(1, "Payroll", "business_service"), ci(2, "app")], relationship=[rel(1, 1, "depends on", 2)])
    return sqlite_db


def config(page) -> dict:
    text = page.get_data(as_text=True)
    start = text.index('<script id="_dash-config" type="application/json">') + len(
        '<script id="_dash-config" type="application/json">'
    )
    return json.loads(text[start : text.index("</script>", start)])


def draw(client, app, path):
    body = callback_request(
        app,
        ids.MAP_GRAPH,
        "elements",
        {f"{ids.URL}.search": "?root=1", f"{ids.MAP_TRAIL_STORE}.data": []},
        "url.search",
    )
    return client.post(path, json=body)


def test_px001_a_proxy_that_keeps_the_prefix(cmdb):
    app = create_app(
        Settings.from_env({}, database_url=cmdb, refresh_seconds=0, anonymous=True, url_prefix="servicemap")
    )
    client = app.server.test_client()
    page = client.get("/servicemap/")
    assert page.status_code == 200
    assert config(page)["requests_pathname_prefix"] == "/servicemap/"
    assert client.get("/").status_code == 404
    assert "/servicemap/quality" in json.dumps(client.get("/servicemap/_dash-layout").get_json())
    assert draw(client, app, "/servicemap/_dash-update-component").status_code == 200


def test_px002_a_proxy_that_strips_the_prefix(cmdb):
    settings = Settings.from_env(
        {}, database_url=cmdb, refresh_seconds=0, anonymous=True, url_prefix="/servicemap/", proxy_strips_prefix=True
    )
    app = create_app(settings)
    client = app.server.test_client()
    page = client.get("/")  # what the proxy forwards for /servicemap/
    assert page.status_code == 200
    assert config(page)["requests_pathname_prefix"] == "/servicemap/"
    assert '"/servicemap/_dash-component-suites/' in page.get_data(as_text=True)
    assert draw(client, app, "/_dash-update-component").status_code == 200


def test_px003_mounted_in_a_flask_application(cmdb, monkeypatch):
    monkeypatch.setenv("SERVICEMAP_DATABASE_URL", cmdb)
    monkeypatch.setenv("SERVICEMAP_REFRESH_SECONDS", "0")
    example = runpy.run_path(str(EXAMPLE))
    portal, app = example["portal"], example["servicemap"]
    client = portal.test_client()
    home = client.get("/")
    assert home.status_code == 200
    assert "Intranet" in home.get_data(as_text=True)
    assert "Content-Security-Policy" not in home.headers  # the portal's own pages are left alone
    page = client.get("/servicemap/")
    assert page.status_code == 200
    assert "Content-Security-Policy" in page.headers
    assert draw(client, app, "/servicemap/_dash-update-component").status_code == 200


@pytest.mark.parametrize("prefix", ["/a b/", "/<script>/", "/..;/"])
def test_px004_a_prefix_with_odd_characters_is_refused(prefix):
    with pytest.raises(ValueError, match="url_prefix"):
        Settings.from_env({}, url_prefix=prefix)


def test_px005_the_host_applications_own_pages_keep_their_limits_and_caching(cmdb):
    import flask

    portal = flask.Flask("portal")

    @portal.post("/upload")
    def upload() -> str:
        return str(len(flask.request.get_data()))

    app = create_app(
        Settings.from_env({}, database_url=cmdb, refresh_seconds=0, anonymous=True, url_prefix="/servicemap/"),
        server=portal,
    )
    client = portal.test_client()
    assert client.post("/upload", data=b"x" * 3_000_000).get_data(as_text=True) == "3000000"
    assert client.post("/servicemap/_dash-update-component", data=b"x" * 3_000_000).status_code == 413
    assert client.get("/servicemap/_dash-component-suites/x/y.js").status_code == 404
    assert client.get("/servicemap/").headers["Cache-Control"] == "no-store"
    assert app.config.routes_pathname_prefix == "/servicemap/"


@pytest.mark.parametrize("strips", [False, True])
def test_px010_health_names_its_plotly_js_under_the_prefix_and_it_is_served(cmdb, strips):
    settings = Settings.from_env(
        {}, database_url=cmdb, refresh_seconds=0, anonymous=True, url_prefix="/servicemap/", proxy_strips_prefix=strips
    )
    client = create_app(settings).server.test_client()
    routes = "/" if strips else "/servicemap/"  # where the app's routes sit: what the proxy forwards
    page = client.get(routes + "health").get_data(as_text=True)
    src = re.search(r'<script src="/servicemap/_servicemap/plotly-cartesian\.min\.js\?v=4\.1\.1-([0-9a-f]{12})">', page)
    assert src is not None  # plotly's version and the served file's digest (the patches appended to it change it)
    served = client.get(routes + "_servicemap/plotly-cartesian.min.js?v=4.1.1-" + src.group(1))
    assert served.status_code == 200
    assert hashlib.sha256(served.data).hexdigest()[:12] == src.group(1)
    assert "plotly-cartesian" not in client.get(routes).get_data(as_text=True)
