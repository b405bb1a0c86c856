"""Security headers: a CSP without 'unsafe-eval' that allows Dash's inline script by hash, and framing rules."""

import base64
import hashlib
import re
import threading
import urllib.request

import pytest
from werkzeug.serving import make_server

from dashboard.app import create_app
from dashboard.headers import RequestHandler
from dashboard.settings import Settings
from layouts import ids
from tests.callbacks import callback_request
from tests.rows import ci, write


@pytest.fixture
def cmdb(sqlite_db):
    write(sqlite_db, ci=[ci(1, "Payroll", "business_service")])
    return sqlite_db


def policy(response):
    return dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))


def test_hd001_every_response_has_the_headers(cmdb):
    client = create_app(
        Settings.from_env({}, database_url=cmdb, refresh_seconds=0, anonymous=True)
    ).server.test_client()
    for path in ("/", "/_dash-layout", "/assets/servicemap.css", "/no-such-page"):
        with client.get(path) as response:
            assert "Content-Security-Policy" in response.headers, path
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_hd002_the_csp_has_no_unsafe_eval_and_allows_exactly_the_inline_script(cmdb):
    client = create_app(
        Settings.from_env({}, database_url=cmdb, refresh_seconds=0, anonymous=True)
    ).server.test_client()
    page = client.get("/")
    rules = policy(page)
    assert "unsafe-eval" not in page.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in rules["script-src"]
    inline = re.findall(r'<script id="_dash-renderer" type="application/javascript">(.*?)</script>', page.text, re.S)
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in rules["script-src"]
    assert rules["frame-ancestors"] == "'self'"
    assert page.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_hd003_configured_origins_may_frame_the_app(cmdb):
    settings = Settings.from_env(
        {}, database_url=cmdb, refresh_seconds=0, anonymous=True, frame_ancestors="https://portal.example.com"
    )
    page = create_app(settings).server.test_client().get("/")
    assert policy(page)["frame-ancestors"] == "'self' https://portal.example.com"
    assert "X-Frame-Options" not in page.headers


@pytest.mark.parametrize("origin", ["*", "https://a.example.com; script-src *", "'unsafe-inline'", "javascript:x"])
def test_hd004_a_frame_ancestor_that_is_not_an_origin_is_refused(origin):
    with pytest.raises(ValueError, match="not an origin"):
        Settings.from_env({}, frame_ancestors=origin)


def test_hd010_pages_and_callback_answers_are_not_stored_fingerprinted_suites_are(cmdb):
    app = create_app(Settings.from_env({}, database_url=cmdb, refresh_seconds=0, anonymous=True))
    client = app.server.test_client()
    page = client.get("/")
    assert page.headers["Cache-Control"] == "no-store"
    assert client.get("/_dash-layout").headers["Cache-Control"] == "no-store"
    answer = client.post("/_dash-update-component", json=callback_request(app, ids.PAGE_MAP, "hidden", {}))
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    suite = re.search(r'src="(/_dash-component-suites/dash/[^"]+\.v[^"]+\.js)"', page.get_data(as_text=True))
    assert suite, "the page links a fingerprinted component suite"
    cached = client.get(suite.group(1))
    assert cached.status_code == 200
    assert "no-store" not in cached.headers.get("Cache-Control", "")
    assert cached.cache_control.max_age >= 86400


def test_hd011_the_server_header_names_no_version(cmdb):
    app = create_app(Settings.from_env({}, database_url=cmdb, refresh_seconds=0, anonymous=True))
    server = make_server("127.0.0.1", 0, app.server, request_handler=RequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/") as response:
            assert response.headers.get_all("Server") == ["servicemap"]
    finally:
        server.shutdown()
        thread.join()
