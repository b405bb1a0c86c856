"""Who may look: a trusted proxy's user header (and only from the proxy), HTTP basic, anonymous only when allowed."""

import base64
import logging
import shutil

import pytest
from werkzeug.security import generate_password_hash

from dashboard.app import create_app
from dashboard.auth import HIDDEN_CAUSE
from dashboard.cli import _parser, _settings, main
from dashboard.settings import Settings
from layouts import ids
from tests.callbacks import callback_request
from tests.rows import ci, write


@pytest.fixture
def cmdb(sqlite_db):
    write(sqlite_db, ci=[ci(1, "Payroll", "business_service")])
    return sqlite_db


def app_with(cmdb, **settings):
    return create_app(Settings.from_env({}, database_url=cmdb, refresh_seconds=0, **settings))


def test_au001_without_a_way_to_sign_in_the_app_refuses_to_start(cmdb, capsys):
    with pytest.raises(ValueError, match="no way to sign in"):
        app_with(cmdb)
    assert main(["serve", "--database-url", cmdb]) == 1
    assert "SERVICEMAP_ANONYMOUS=1" in capsys.readouterr().err


def test_au002_the_demo_is_anonymous_and_serve_only_when_asked():
    assert _settings(_parser().parse_args(["demo"])).anonymous is True
    assert _settings(_parser().parse_args(["serve", "--anonymous"])).anonymous is True
    assert _settings(_parser().parse_args(["serve"])).anonymous is False


def test_au003_a_user_header_counts_only_from_a_trusted_proxy(cmdb):
    app = app_with(cmdb, auth="proxy", trusted_proxies="10.0.0.0/8 192.0.2.7")
    client = app.server.test_client()
    header = {"X-Forwarded-User": "alice"}
    assert client.get("/", headers=header, environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    assert client.get("/", headers=header, environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 200
    # The same header sent straight to the app (not through the proxy) is ignored.
    assert client.get("/", headers=header, environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 401
    assert client.get("/", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 401


def test_au004_with_anonymous_access_a_spoofed_header_still_names_nobody(cmdb):
    app = app_with(cmdb, auth="proxy", trusted_proxies="10.0.0.0/8", anonymous=True)
    seen = []

    @app.server.after_request
    def remember(response):
        import flask

        seen.append(flask.g.get("servicemap_user"))
        return response

    client = app.server.test_client()
    assert (
        client.get("/", headers={"X-Forwarded-User": "root"}, environ_base={"REMOTE_ADDR": "198.51.100.1"}).status_code
        == 200
    )
    assert seen[-1] is None


def test_au005_http_basic_against_a_password_file(cmdb, tmp_path):
    users = tmp_path / "users"
    users.write_text(f"# servicemap users\nalice:{generate_password_hash('s3cret')}\n", encoding="utf-8")
    app = app_with(cmdb, auth="basic", basic_users_file=str(users), secret_key="a test secret")
    client = app.server.test_client(use_cookies=False)

    def get(user, password):
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        return client.get("/", headers={"Authorization": f"Basic {token}"})

    assert get("alice", "s3cret").status_code == 200
    refused = get("alice", "wrong")
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith("Basic")
    assert get("mallory", "s3cret").status_code == 401
    assert client.get("/").status_code == 401
    assert client.post("/_dash-update-component", json={}).status_code == 401


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"auth": "kerberos"}, "auth must be one of"),
        ({"auth": "proxy"}, "SERVICEMAP_TRUSTED_PROXIES"),
        ({"auth": "basic", "basic_users_file": "/nonexistent"}, "SERVICEMAP_BASIC_USERS_FILE"),
    ],
)
def test_au006_settings_that_do_not_add_up_say_what_to_fix(cmdb, settings, message):
    with pytest.raises(ValueError, match=message):
        app_with(cmdb, **settings)


def test_au007_serve_never_runs_in_debug_mode(cmdb, monkeypatch):
    import dash

    seen = {}
    monkeypatch.setenv("DASH_DEBUG", "true")
    monkeypatch.setattr(dash.Dash, "run", lambda self, **kwargs: seen.update(kwargs))
    assert main(["serve", "--debug", "--anonymous", "--database-url", cmdb, "--refresh-seconds", "0"]) == 0
    assert seen["debug"] is False


def _after_a_failed_refresh(cmdb, tmp_path, **settings):
    app = app_with(cmdb, trusted_proxies="10.0.0.0/8", **settings)
    shutil.move(tmp_path / "cmdb.sqlite", tmp_path / "gone.sqlite")
    assert app.server.extensions["servicemap"].store.refresh() is False
    return app


def _answers(app, **request) -> str:
    client = app.server.test_client()
    bodies = [
        callback_request(
            app,
            ids.OVERVIEW_STATUS,
            "children",
            {f"{ids.OVERVIEW_TICK}.n_intervals": 1, f"{ids.URL}.pathname": "/quality"},
        ),
        callback_request(app, ids.WALL_TILES, "children", {f"{ids.WALL_REQUEST}.data": {"tick": 1}}),
    ]
    answers = [client.post("/_dash-update-component", json=body, **request) for body in bodies]
    assert [answer.status_code for answer in answers] == [200, 200]
    return "".join(answer.get_data(as_text=True) for answer in answers)


def test_au008_found_by_a_user_anonymous_viewers_see_no_driver_error_and_no_database_url(cmdb, tmp_path, caplog):
    with caplog.at_level(logging.INFO, logger="servicemap"):
        app = _after_a_failed_refresh(cmdb, tmp_path, anonymous=True)
    text = _answers(app)
    error_id = app.server.extensions["servicemap"].store.status.error_id
    assert "no SQLite database" not in text
    assert "cmdb.sqlite" not in text
    assert "sqlite:" not in text
    assert HIDDEN_CAUSE in text
    assert error_id in text
    logged = [record.getMessage() for record in caplog.records if error_id in record.getMessage()]
    assert logged
    assert "no SQLite database" in logged[0]  # the operator finds the cause in the log under the same id


def test_au009_signed_in_users_see_the_cause_and_the_redacted_source(cmdb, tmp_path):
    app = _after_a_failed_refresh(cmdb, tmp_path, auth="proxy")
    signed_in = {"headers": {"X-Forwarded-User": "alice"}, "environ_base": {"REMOTE_ADDR": "10.1.2.3"}}
    text = _answers(app, **signed_in)
    assert "no SQLite database" in text
    assert "sqlite:" in text  # the data-quality page's source line
    assert HIDDEN_CAUSE not in text
