"""Fuzzing the callback endpoint: hundreds of malformed and forged requests, property-based; none may answer 500."""

import io
import json
import logging
import re
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.app import create_app
from dashboard.domain.neighbourhood import Scope
from dashboard.domain.viewstate import LAYOUTS, WALL_TILES
from dashboard.guard import MAX_REQUEST_BYTES
from dashboard.settings import Settings
from tests.callbacks import request_for_key

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
HOSTILE = st.sampled_from(
    [
        "<img src=x onerror=alert(1)>",
        "javascript:alert(1)",
        "?root=5&depth=1000000000",
        "?root=" + "9" * 40,
        "?open=" + "x," * 3000,
        "'; DROP TABLE ci; --",
        "\x00\ud7ff",
        "../../etc/passwd",
    ]
)


@pytest.fixture(scope="module")
def app(demo_cmdb):
    logging.getLogger("servicemap").setLevel(logging.CRITICAL)  # hundreds of rejections are expected here
    yield create_app(Settings.from_env({}, database_url=demo_cmdb, refresh_seconds=0, anonymous=True))
    logging.getLogger("servicemap").setLevel(logging.NOTSET)


@st.composite
def forged_request(draw: st.DrawFn, keys: list[str], app: object) -> dict:
    """A request for a real callback with values of any shape, sometimes with its structure broken too."""
    key = draw(st.sampled_from(keys))
    registered = app.callback_map[key]
    values = {
        f"{item['id']}.{item['property']}": draw(JSON | HOSTILE)
        for item in [*registered["inputs"], *registered["state"]]
    }
    body = request_for_key(app, key, values, draw(st.none() | st.sampled_from(list(values) or [None])))
    breakage = draw(st.sampled_from(["none", "none", "output", "outputs", "inputs", "drop", "extra"]))
    if breakage == "output":
        body["output"] = draw(JSON)
    elif breakage == "outputs":
        body["outputs"] = draw(JSON)
    elif breakage == "inputs":
        body["inputs"] = draw(JSON)
    elif breakage == "drop":
        body.pop(draw(st.sampled_from(sorted(body))))
    elif breakage == "extra":
        body[draw(st.text(max_size=10))] = draw(JSON)
    return body


def test_fz001_no_forged_callback_request_gets_a_500_or_a_traceback(app):
    client = app.server.test_client()
    keys = list(app.callback_map)

    @settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(forged_request(keys, app))
    def check(body: dict) -> None:
        response = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
        assert response.status_code < 500, (response.status_code, body)
        assert "Traceback" not in response.get_data(as_text=True)

    check()


@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_fz002_garbage_bodies_get_a_4xx(app, body):
    response = app.server.test_client().post("/_dash-update-component", data=body, content_type="application/json")
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize(
    "path",
    ["/?root=<script>alert(1)</script>", "/%3Cscript%3Ealert(1)%3C/script%3E", "/wall?refresh=<svg/onload=alert(1)>"],
)
def test_fz003_the_url_is_never_reflected_unescaped(app, path):
    response = app.server.test_client().get(path)
    assert response.status_code in (200, 404)
    assert "<script>alert(1)" not in response.get_data(as_text=True)
    assert "<svg/onload" not in response.get_data(as_text=True)


def test_fz004_found_by_fuzzing_a_path_outside_the_prefix_and_a_browser_side_callback(app):
    from layouts import ids
    from tests.callbacks import callback_request, post

    body = callback_request(app, ids.PAGE_MAP, "hidden", {f"{ids.URL}.pathname": "<img src=x>"})
    status, data = post(app, body)
    assert status == 200
    assert data["response"][ids.PAGE_MAP]["hidden"] is False  # an unknown path shows the map
    status, _ = post(app, callback_request(app, ids.WALL_REQUEST, "data", {}))
    assert status == 400  # clientside callbacks run in the browser; asking the server for one is forged


UNICODE_DIGITS = "?root=²&depth=²&changes=²&refresh=²&rotate=²&services=²,7&tiles=²"


def test_fz005_found_by_a_user_unicode_digits_in_the_url_never_fail_a_callback(app):
    from layouts import ids

    keys = [
        key
        for key, registered in app.callback_map.items()
        if "callback" in registered and any(item["id"] == ids.URL for item in registered["inputs"])
    ]
    assert keys
    for key in keys:
        values = {f"{ids.URL}.search": UNICODE_DIGITS, f"{ids.URL}.pathname": "/wall"}
        response = app.server.test_client().post(
            "/_dash-update-component", json=request_for_key(app, key, values, f"{ids.URL}.search")
        )
        assert response.status_code in (200, 204), (key, response.get_data(as_text=True)[:300])


def test_fz006_found_by_a_user_changed_prop_ids_of_the_wrong_type_get_a_400(app):
    key = next(key for key, registered in app.callback_map.items() if "callback" in registered)
    for changed in (None, "x", [1], [None], {"a": 1}):
        body = {**request_for_key(app, key, {}), "changedPropIds": changed}
        response = app.server.test_client().post("/_dash-update-component", json=body)
        assert response.status_code == 400, changed


def test_fz007_found_by_a_user_deeply_nested_json_under_the_size_cap_gets_a_400(app):
    for deep in ("[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000):
        response = app.server.test_client().post("/_dash-update-component", data=deep, content_type="application/json")
        assert response.status_code == 400
    key = next(key for key, registered in app.callback_map.items() if "callback" in registered)
    body = request_for_key(app, key, {})
    body["inputs"][0]["value"] = json.loads("[" * 100 + "]" * 100)
    assert app.server.test_client().post("/_dash-update-component", json=body).status_code == 400


class _Endless(io.RawIOBase):
    """A request body that never ends (until 300 MiB), as a client sending chunks without a Content-Length."""

    def __init__(self) -> None:
        self.sent = 0

    def readable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0  # the test client asks for the length; a chunked request has none (it is read as such)

    def tell(self) -> int:
        return 0

    def readinto(self, buffer) -> int:
        if self.sent >= 300 * 2**20:
            return 0
        size = len(buffer)
        buffer[:size] = b" " * size
        self.sent += size
        return size


def test_fz008_found_by_a_user_a_chunked_body_without_content_length_is_capped(app):
    body = _Endless()
    response = app.server.test_client().post(
        "/_dash-update-component",
        input_stream=body,
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413
    assert body.sent <= 2 * MAX_REQUEST_BYTES  # it stopped reading at the cap


def test_fz009_a_body_with_a_content_length_over_the_cap_gets_a_413(app):
    response = app.server.test_client().post(
        "/_dash-update-component", data=b" " * (MAX_REQUEST_BYTES + 1), content_type="application/json"
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    "path",
    ["/_dash-component-suites/x/y.js", "/_dash-component-suites/dash/nothing.v1_2_3m4.js", "/_dash-component-suites/"],
)
def test_fz010_found_by_a_user_unknown_asset_paths_are_404(app, path):
    app.server.test_client().get("/")  # Dash registers its scripts when it serves the page
    response = app.server.test_client().get(path)
    assert response.status_code == 404
    assert "Traceback" not in response.get_data(as_text=True)


def test_fz011_registered_component_suites_are_still_served(app):
    client = app.server.test_client()
    page = client.get("/").get_data(as_text=True)
    scripts = re.findall(r'src="(/_dash-component-suites/[^"]+)"', page)
    assert scripts
    for script in scripts:
        assert client.get(script).status_code == 200, script


PAGES = ("/", "/wall", "/quality")
# Every parameter a page reads, with values it accepts: hostile values are mixed with these so that the fuzzer also
# reaches the code behind a valid parameter (e.g. a wall of CIs grouped by location).
VALID = {
    "root": ["5", "1", "900001"],
    "depth": ["1", "10", "all"],
    "dir": list(Scope.ALL),
    "layout": list(LAYOUTS),
    "only": ["incidents"],
    "changes": ["7", "90"],
    "impact": ["1"],
    "open": ["5:server", "x"],
    "embed": ["1"],
    "refresh": ["5", "3600"],
    "rotate": ["5", "20"],
    "services": ["5", "5,900001"],
    "theme": ["light", "dark"],
    "tiles": list(WALL_TILES),
}
HOSTILE_VALUES = ["²", "٣", "१२", "-1", "1e9", "9" * 40, "0", "", "5,²,7", "\u202e", "\x00", "%ZZ", "&&=", "x" * 3000]
QUERY_VALUES = st.text(max_size=30) | st.sampled_from(HOSTILE_VALUES) | st.integers(-(2**70), 2**70).map(str)
PAIR = st.sampled_from(sorted(VALID)).flatmap(
    lambda name: st.tuples(st.just(name), st.sampled_from(VALID[name]) | QUERY_VALUES)
) | st.tuples(st.text(max_size=6), QUERY_VALUES)
QUERY = st.lists(PAIR, max_size=6).map(lambda pairs: "?" + urlencode(pairs))


def _url_callbacks(app) -> list[str]:
    from layouts import ids

    return [
        key
        for key, registered in app.callback_map.items()
        if "callback" in registered
        and any(item["id"] == ids.URL for item in registered["inputs"] + registered["state"])
    ]


def test_fz012_every_callback_survives_any_values_and_any_changed_prop_ids(app):
    keys = [key for key, registered in app.callback_map.items() if "callback" in registered]
    assert len(keys) >= 10  # every server-side callback of the app
    for key in keys:
        _fuzz_one_callback(app, key)


def _fuzz_one_callback(app, key: str) -> None:
    client = app.server.test_client()
    registered = app.callback_map[key]
    names = [f"{item['id']}.{item['property']}" for item in [*registered["inputs"], *registered["state"]]]

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(st.fixed_dictionaries(dict.fromkeys(names, JSON | HOSTILE | QUERY)), JSON | st.sampled_from(names))
    def check(values: dict, changed: object) -> None:
        body = request_for_key(app, key, values)
        body["changedPropIds"] = changed if isinstance(changed, list) else [changed]
        response = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
        assert response.status_code < 500, (key, response.status_code, body)
        assert "Traceback" not in response.get_data(as_text=True)

    check()


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(page=st.sampled_from(PAGES), query=QUERY)
def test_fz013_any_url_parameters_on_any_page_never_fail(app, page, query):
    _check_page(app, page, query)


@pytest.mark.parametrize("name", sorted(VALID))
def test_fz015_every_parameter_with_every_valid_and_hostile_value_on_every_page(app, name):
    other = "root" if name == "tiles" else "tiles"
    for value in [*VALID[name], *HOSTILE_VALUES]:
        for page in PAGES:
            _check_page(app, page, "?" + urlencode({name: value, other: "class" if other == "tiles" else "5"}))


def _check_page(app, page: str, query: str) -> None:
    """The page and every callback that reads the URL answer without an error for this query."""
    from layouts import ids

    client = app.server.test_client()
    response = client.get(page + query)
    assert response.status_code == 200
    assert "Traceback" not in response.get_data(as_text=True)
    for key in _url_callbacks(app):
        values = {f"{ids.URL}.search": query, f"{ids.URL}.pathname": page, f"{ids.MAP_TRAIL_STORE}.data": []}
        body = request_for_key(app, key, values, f"{ids.URL}.search")
        answer = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
        assert answer.status_code in (200, 204), (key, page + query, answer.get_data(as_text=True)[:300])


def test_fz014_a_control_value_cannot_carry_url_parameters_of_its_own(app):
    from layouts import ids
    from tests.callbacks import callback_request, post

    controls = {
        f"{ids.URL}.search": "?root=5",
        f"{ids.MAP_ROOT}.value": "7&dir=upstream&depth=all",
        f"{ids.MAP_SCOPE}.value": "downstream",
        f"{ids.MAP_DEPTH}.value": "²",
        f"{ids.MAP_LAYOUT}.value": "layered",
        f"{ids.MAP_ONLY}.value": [],
        f"{ids.MAP_CHANGES}.value": True,
    }
    status, data = post(app, callback_request(app, ids.URL, "search", controls, f"{ids.MAP_ROOT}.value"))
    assert status == 200
    search = data["response"].get(ids.URL, {}).get("search", "?root=5")
    assert "upstream" not in search
    assert "all" not in search
