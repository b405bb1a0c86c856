"""The JSON API on the demo CMDB: every answer valid against the OpenAPI document, ETags, errors as JSON, forged
input refused, sign-in required, and the same figures as the pages."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec

from dashboard.app import create_app
from dashboard.settings import Settings
from layouts import ids
from tests.callbacks import callback_request, post
from tests.conftest import HOSTILE_NAMES
from tests.integration.test_signin import basic, basic_app, cmdb, users  # noqa: F401 (fixtures)

API = "/api/v1"


@pytest.fixture(scope="module")
def app(demo_cmdb):
    return create_app(Settings.from_env({}, database_url=demo_cmdb, refresh_seconds=0, anonymous=True))


@pytest.fixture(scope="module")
def spec(app):
    return app.server.test_client().get(f"{API}/openapi.json").get_json()


def valid(spec, path, method, response):
    """The answer's JSON, after checking it against the schema the document gives for its path, method and status."""
    documented = spec["paths"][path][method]["responses"][str(response.status_code)]
    schema = documented["content"]["application/json"]["schema"]
    body = response.get_json()
    Draft202012Validator({**schema, "components": spec["components"]}).validate(body)
    return body


def test_ap001_the_openapi_document_is_valid_openapi_3_1(spec):
    validate_spec(spec)
    assert spec["servers"] == [{"url": "/api/v1"}]


def test_ap002_every_read_answers_valid_json_with_its_snapshot(app, spec):
    client = app.server.test_client()
    for path, url in (
        ("/services", "/services"),
        ("/cis/{ci_id}", "/cis/5"),
        ("/cis/{ci_id}/impact", "/cis/42/impact"),
        ("/map", "/map?root=5&dir=both&depth=2&impact=1&changes=30"),
        ("/search", "/search?q=onl"),
    ):
        answer = client.get(API + url)
        assert answer.status_code == 200, url
        body = valid(spec, path, "get", answer)
        assert body["snapshot"]["stale"] is False
        assert body["snapshot"]["version"] >= 1


def test_ap003_the_services_are_every_business_service_worst_first(app, spec):
    body = valid(spec, "/services", "get", app.server.test_client().get(f"{API}/services"))
    services = body["services"]
    order = ["down", "degraded", "unknown", "maintenance", "ok"]
    assert [order.index(s["status"]) for s in services] == sorted(order.index(s["status"]) for s in services)
    assert "Online Banking" in [s["name"] for s in services]
    snapshot = app.server.extensions["servicemap"].current().snapshot
    assert len(services) == int((snapshot.ci["class"] == "business_service").sum())


def test_ap004_the_map_is_the_map_the_page_draws(app, spec):
    body = valid(spec, "/map", "get", app.server.test_client().get(f"{API}/map?root=5&dir=downstream&depth=3"))
    values = {f"{ids.URL}.search": "?root=5&dir=downstream&depth=3", f"{ids.MAP_TRAIL_STORE}.data": []}
    _, data = post(app, callback_request(app, ids.MAP_GRAPH, "elements", values, "url.search"))
    elements = data["response"][ids.MAP_GRAPH]["elements"]
    assert {n["id"] for n in body["map"]["nodes"]} == {e["data"]["id"] for e in elements if "source" not in e["data"]}
    assert body["map"]["counts"]["edges"] == sum("source" in e["data"] for e in elements)
    assert body["map"]["view"]["positions"] == "server"
    assert all("x" in n for n in body["map"]["nodes"])


def test_ap005_an_unchanged_answer_is_a_304_with_its_etag(app):
    client = app.server.test_client()
    first = client.get(f"{API}/cis/5")
    assert first.headers["ETag"]
    assert set(first.headers["Cache-Control"].split(", ")) == {"private", "no-cache", "max-age=0"}
    again = client.get(f"{API}/cis/5", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    other = client.get(f"{API}/cis/5", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_ap006_what_if_answers_the_pages_figures(app, spec):
    client = app.server.test_client()
    answer = client.post(f"{API}/whatif", json={"fail": [42], "site": ["AMS2"]})
    body = valid(spec, "/whatif", "post", answer)["whatif"]
    assert [c["kind"] for c in body["chosen"]] == ["ci", "site"]
    assert body["failed"] >= 1
    assert all(s["what_if"] != s["today"] for s in body["services"])
    nothing = valid(spec, "/whatif", "post", client.post(f"{API}/whatif", json={}))["whatif"]
    assert nothing["failed"] == 0
    assert nothing["services"] == []


@pytest.mark.parametrize(
    ("method", "url", "body", "status"),
    [
        ("get", "/cis/x", None, 400),
        ("get", "/cis/99999999999", None, 404),
        ("get", "/cis/5%00", None, 400),
        ("get", "/cis/99999999999/impact", None, 404),
        ("get", "/map", None, 400),
        ("get", "/map?root=abc", None, 400),
        ("get", "/map?root=99999999999", None, 404),
        ("get", "/map?root=5&" + "x" * 5000, None, 400),
        ("get", "/search", None, 400),
        ("get", "/search?q=%20%20", None, 400),
        ("post", "/whatif", b"{bad json", 400),
        ("post", "/whatif", b"[1, 2]", 400),
        ("post", "/whatif", json.dumps({"fail": "42"}).encode(), 400),
        ("post", "/whatif", json.dumps({"fail": [True]}).encode(), 400),
        ("post", "/whatif", json.dumps({"fail": [-1]}).encode(), 400),
        ("post", "/whatif", json.dumps({"site": [1]}).encode(), 400),
        ("post", "/whatif", json.dumps({"drop": []}).encode(), 400),
        ("post", "/whatif", json.dumps({"fail": [[[[[[1]]]]]]}).encode(), 400),
        ("post", "/whatif", json.dumps({"site": ["x" * 70_000]}).encode(), 413),
        ("get", "/nothing/here", None, 404),
    ],
)
def test_ap007_bad_requests_get_a_json_error_never_a_traceback(app, spec, method, url, body, status):
    client = app.server.test_client()
    answer = client.post(API + url, data=body) if method == "post" else client.get(API + url)
    assert answer.status_code == status
    error = answer.get_json()
    assert error["status"] == status
    Draft202012Validator({"$ref": "#/components/schemas/Error", "components": spec["components"]}).validate(error)
    assert "Traceback" not in answer.get_data(as_text=True)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(["fail", "in", "site", "x"]), inner),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(json_values)
def test_ap008_any_posted_json_gets_an_answer_or_a_400(app, value):
    answer = app.server.test_client().post(f"{API}/whatif", data=json.dumps(value))
    assert answer.status_code in (200, 400)
    assert answer.is_json


def test_ap009_hostile_names_are_plain_strings_in_the_json(app):
    body = app.server.test_client().get(f"{API}/cis/900001").get_json()
    assert body["ci"]["name"] == HOSTILE_NAMES[900001]
    found = app.server.test_client().get(f"{API}/search?q=%23900002").get_json()
    assert found["matches"][0]["name"] == HOSTILE_NAMES[900002]


def test_ap010_the_api_is_behind_the_pages_sign_in(cmdb, users):  # noqa: F811
    app = basic_app(cmdb, users)
    client = app.server.test_client()
    assert client.get(f"{API}/services").status_code == 401
    assert client.get(f"{API}/openapi.json").status_code == 401
    answer = client.get(f"{API}/services", headers=basic("alice", "s3cret"))
    assert answer.status_code == 200
    assert [s["name"] for s in answer.get_json()["services"]] == ["Payroll"]


def test_ap011_a_bug_answers_a_json_500_with_an_error_id_not_a_traceback(app, monkeypatch):
    def broken(*_args):
        raise RuntimeError("secret detail")

    monkeypatch.setattr("dashboard.api_views.search_answer", broken)
    answer = app.server.test_client().get(f"{API}/search?q=onl")
    assert answer.status_code == 500
    text = answer.get_data(as_text=True)
    assert "error " in answer.get_json()["error"]
    assert "secret detail" not in text
    assert "Traceback" not in text
