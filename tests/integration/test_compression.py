"""Compressed answers: pages, callback answers and JavaScript in brotli or gzip; a host's pages, streamed files,
downloads and sign-in keep working."""

import base64
import gzip
import json

import brotli
import flask
import pytest
from werkzeug.security import generate_password_hash

from dashboard.app import create_app
from dashboard.settings import Settings
from layouts import ids
from tests.callbacks import callback_request
from tests.rows import ci, rel, write

GZIP = {"Accept-Encoding": "gzip"}


@pytest.fixture
def cmdb(sqlite_db):
    write(
        sqlite_db,
        ci=[ci(1, "Payroll", "business_service"), ci(2, "Payroll app", "application")],
        relationship=[rel(1, 1, "depends on", 2)],
    )
    return sqlite_db


@pytest.fixture
def app(cmdb):
    return create_app(Settings.from_env({}, database_url=cmdb, refresh_seconds=0, anonymous=True))


def suite_path(app) -> str:
    """The fingerprinted URL path of the biggest script the page loads (cytoscape)."""
    page = app.server.test_client().get("/").text
    start = page.index("/_dash-component-suites/dash_cytoscape/")
    return page[start : page.index('"', start)]


def test_sm001_the_page_goes_out_gzipped_or_in_brotli_and_plain_without_accept_encoding(app):
    client = app.server.test_client()
    plain = client.get("/")
    assert "Content-Encoding" not in plain.headers
    zipped = client.get("/", headers=GZIP)
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    # The page carries a token of its own per request: compare its shape, not its bytes.
    assert len(gzip.decompress(zipped.data)) == len(plain.data)
    assert b"react-entry-point" in gzip.decompress(zipped.data)
    chosen = client.get("/", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert chosen.headers["Content-Encoding"] == "br"
    assert len(brotli.decompress(chosen.data)) == len(plain.data)


def test_sm002_javascript_suites_are_compressed_once_and_kept(app):
    client = app.server.test_client()
    path = suite_path(app)
    plain = client.get(path)
    first = client.get(path, headers=GZIP)
    assert first.headers["Content-Encoding"] == "gzip"
    assert first.headers["Content-Type"].startswith(("application/javascript", "text/javascript"))
    assert len(first.data) < len(plain.data) / 2
    assert gzip.decompress(first.data) == plain.data
    assert client.get(path, headers=GZIP).data == first.data
    kept = app.server.extensions["servicemap_compress"].cache.kept
    assert [key for key in kept if "dash_cytoscape" in key] == ["gzip;dash_cytoscape/dash_cytoscape_extra.min.js"]
    assert not any("_dash-update-component" in key or key.endswith(";") for key in kept)


def test_sm003_callback_answers_are_compressed_json(app):
    body = callback_request(
        app,
        ids.MAP_GRAPH,
        "elements",
        {f"{ids.URL}.search": "?root=1", f"{ids.MAP_TRAIL_STORE}.data": []},
        "url.search",
    )
    answer = app.server.test_client().post("/_dash-update-component", json=body, headers=GZIP)
    assert answer.status_code == 200
    assert answer.headers["Content-Encoding"] == "gzip"
    elements = json.loads(gzip.decompress(answer.data))["response"][ids.MAP_GRAPH]["elements"]
    assert {e["data"]["id"] for e in elements} >= {"ci-1", "ci-2"}


def test_sm004_a_download_arrives_whole_through_compression(app):
    body = callback_request(
        app, ids.MAP_DOWNLOAD, "data", {f"{ids.MAP_EXPORT}.n_clicks": 1, f"{ids.URL}.search": "?root=2&impact=1"}
    )
    answer = app.server.test_client().post("/_dash-update-component", json=body, headers=GZIP)
    assert answer.status_code == 200
    # A small answer (under 500 bytes) is sent as it is: not worth compressing.
    body = gzip.decompress(answer.data) if answer.headers.get("Content-Encoding") == "gzip" else answer.data
    data = json.loads(body)["response"][ids.MAP_DOWNLOAD]["data"]
    content = data["content"] if not data.get("base64") else base64.b64decode(data["content"]).decode()
    assert content.splitlines()[0].startswith("ci_id,name")
    assert "Payroll" in content


def test_sm005_a_host_application_and_streamed_files_are_left_alone(cmdb):
    host = flask.Flask("host")

    @host.get("/hello")
    def hello() -> str:
        return "hello " * 200

    settings = Settings.from_env({}, database_url=cmdb, refresh_seconds=0, anonymous=True, url_prefix="/servicemap/")
    app = create_app(settings, server=host)
    client = app.server.test_client()
    own = client.get("/hello", headers=GZIP)
    assert "Content-Encoding" not in own.headers
    assert own.text == "hello " * 200
    assert client.get("/servicemap/", headers=GZIP).headers["Content-Encoding"] == "gzip"
    with client.get("/servicemap/assets/servicemap.css", headers=GZIP) as css:
        assert css.status_code == 200
        assert "Content-Encoding" not in css.headers  # a file is streamed: sent as it is read
        assert b"{" in css.data


def test_sm006_basic_sign_in_works_with_compressed_answers(cmdb, tmp_path):
    users = tmp_path / "users"
    users.write_text(f"alice:{generate_password_hash('s3cret', method='pbkdf2:sha256:1000')}\n", encoding="utf-8")
    settings = Settings.from_env(
        {}, database_url=cmdb, refresh_seconds=0, auth="basic", basic_users_file=str(users), secret_key="a secret"
    )
    client = create_app(settings).server.test_client()
    refused = client.get("/", headers=GZIP)
    assert refused.status_code == 401
    assert "WWW-Authenticate" in refused.headers
    token = base64.b64encode(b"alice:s3cret").decode()
    signed = client.get("/", headers={**GZIP, "Authorization": f"Basic {token}"})
    assert signed.status_code == 200
    assert signed.headers["Content-Encoding"] == "gzip"
    assert "Set-Cookie" in signed.headers
    assert client.get("/_dash-layout", headers=GZIP).status_code == 200  # the session cookie carries on


def test_sm007_health_loads_the_cartesian_plotly_compressed_and_kept_and_the_map_does_not(app):
    client = app.server.test_client()
    assert "plotly-cartesian" not in client.get("/").text  # the map's page load never fetches plotly.js
    page = client.get("/health").text
    start = page.index('<script src="/_servicemap/plotly-cartesian.min.js')
    assert start < page.index("/_dash-component-suites/")  # before Dash's scripts: defined when a chart mounts
    path = page[start + len('<script src="') : page.index('"', start + len('<script src="'))]
    plain = client.get(path)
    assert plain.status_code == 200
    assert b"plotly.js (cartesian - minified) v4.1.1" in plain.data[:200]
    first = client.get(path, headers=GZIP)
    assert first.headers["Content-Encoding"] == "gzip"
    assert len(first.data) < len(plain.data) / 2
    assert gzip.decompress(first.data) == plain.data
    kept = app.server.extensions["servicemap_compress"].cache.kept
    assert [key for key in kept if "plotly" in key] == ["gzip;/_servicemap/plotly-cartesian.min.js"]
    assert "plotly-cartesian" not in client.get("/quality").text
