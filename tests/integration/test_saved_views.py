"""Saved views: the store on SQLite, PostgreSQL and MariaDB, the callbacks on the demo (save, open with the nodes where
they were saved, delete), per user when signed in, shareable by link, never in the CMDB, forged input safe."""

import pytest

from callbacks.saved_views import CAPTURE
from dashboard.app import create_app
from dashboard.saved_views import SavedViews
from dashboard.settings import Settings
from layouts import ids
from tests.callbacks import callback_request, post, request_for_key
from tests.integration.test_signin import FAST, basic
from tests.rows import ci, rel, write


@pytest.fixture
def views(empty_db):
    store = SavedViews(empty_db)
    yield store
    store.close()


def test_sa001_a_view_is_saved_listed_replaced_by_name_and_deleted_per_owner(views):
    first = views.save("alice", "Payments", "?root=5", {"ci-5": (1.5, 2.0)})
    assert views.get(first.id).positions == {"ci-5": (1.5, 2.0)}
    again = views.save("alice", "Payments", "?root=5&depth=4", {})
    assert again.id == first.id  # the same name replaces, the link stays valid
    assert views.get(first.id).query == "?root=5&depth=4"
    views.save("alice", "Network", "?root=7", {})
    views.save("bob", "Payments", "?root=9", {})
    assert [v.name for v in views.listed("alice")] == ["Network", "Payments"]  # newest first
    assert [v.query for v in views.listed("bob")] == ["?root=9"]
    assert views.delete("bob", first.id) is False  # not bob's
    assert views.delete("alice", first.id) is True
    assert views.get(first.id) is None
    assert views.get(10**9) is None


def test_sa002_the_state_database_is_never_the_cmdb(tmp_path):
    cmdb = f"sqlite:///{tmp_path / 'cmdb.sqlite'}"
    with pytest.raises(ValueError, match="state_url names the CMDB"):
        Settings.from_env({}, database_url=cmdb, state_url=f"sqlite:///{tmp_path}/./cmdb.sqlite")
    assert Settings.from_env({}, database_url=cmdb).state_url.endswith("state.sqlite")


@pytest.fixture(scope="module")
def app(demo_cmdb, tmp_path_factory):
    state = tmp_path_factory.mktemp("state") / "state.sqlite"
    return create_app(
        Settings.from_env({}, database_url=demo_cmdb, refresh_seconds=0, anonymous=True, state_url=f"sqlite:///{state}")
    )


def save(app, name, search, positions, headers=None):
    values = {
        f"{ids.SAVED_CAPTURE}.data": {"clicks": 1, "positions": positions},
        f"{ids.SAVED_NAME}.value": name,
        f"{ids.URL}.search": search,
    }
    body = callback_request(app, ids.SAVED_STATUS, "children", values, f"{ids.SAVED_CAPTURE}.data")
    response = app.server.test_client().post("/_dash-update-component", json=body, headers=headers or {})
    return response.status_code, response.get_json(silent=True) or {}


def fired_by(app, output: str, input_id: str) -> str:
    """The key of the callback that writes `output` (id.prop) when `input_id` changes (the URL has several writers)."""
    return next(
        key
        for key, registered in app.callback_map.items()
        if output in key.strip(".").split("...")[0] and any(i["id"] == input_id for i in registered["inputs"])
    )


def draw(app, search):
    values = {f"{ids.URL}.search": search, f"{ids.MAP_TRAIL_STORE}.data": []}
    _, data = post(app, callback_request(app, ids.MAP_GRAPH, "elements", values, "url.search"))
    return data["response"][ids.MAP_GRAPH]


def test_sa003_a_saved_view_opens_with_its_nodes_where_they_were_saved(app):
    status, data = save(app, "Banking, pinned", "?root=5&depth=2&sel=42", {"ci-5": [123.4, -56.7], "ci-42": [9, 9]})
    assert status == 200
    answer = data["response"]
    view_id = answer[ids.SAVED_LIST]["value"]
    assert answer[ids.URL]["search"] == f"?root=5&depth=2&sel=42&saved={view_id}"
    assert {"label": "Banking, pinned", "value": view_id} in answer[ids.SAVED_LIST]["options"]
    assert "Link to this view" in str(answer[ids.SAVED_STATUS]["children"])
    drawn = draw(app, f"?root=5&depth=2&saved={view_id}")
    where = {e["data"]["id"]: e.get("position") for e in drawn["elements"]}
    assert where["ci-5"] == {"x": 123.4, "y": -56.7}
    assert drawn["layout"]["name"] == "preset"
    plain = draw(app, "?root=5&depth=2")
    assert {e["data"]["id"]: e.get("position") for e in plain["elements"]}["ci-5"] != {"x": 123.4, "y": -56.7}


def test_sa004_a_changed_view_or_an_unknown_id_draws_as_usual(app):
    _, data = save(app, "Two hops", "?root=5&depth=2", {"ci-5": [1, 1]})
    view_id = data["response"][ids.SAVED_LIST]["value"]
    other = draw(app, f"?root=5&depth=3&saved={view_id}")  # not the saved view: no pins
    assert {e["data"]["id"]: e.get("position") for e in other["elements"]}["ci-5"] != {"x": 1.0, "y": 1.0}
    unknown = draw(app, "?root=5&depth=2&saved=999999999")
    assert unknown["elements"]


def test_sa005_opening_a_saved_view_goes_to_its_url(app):
    _, data = save(app, "Upstream", "?root=42&dir=upstream", {})
    view_id = data["response"][ids.SAVED_LIST]["value"]
    values = {f"{ids.SAVED_LIST}.value": view_id, f"{ids.URL}.search": "?root=5"}
    key = fired_by(app, f"{ids.URL}.search", ids.SAVED_LIST)
    _, answer = post(app, request_for_key(app, key, values, f"{ids.SAVED_LIST}.value"))
    assert answer["response"][ids.URL]["search"] == f"?root=42&dir=upstream&saved={view_id}"


@pytest.mark.parametrize(
    ("name", "search", "positions", "said"),
    [
        ("", "?root=5", {}, "Give the view a name"),
        (None, "?root=5", {}, "Give the view a name"),
        (["x"], "?root=5", {}, "Give the view a name"),
        ("x" * 500, "?root=5", {}, "Give the view a name"),
        ("No root", "", {}, "Open a map first"),
        ("Forged", "?root=5", {"ci-5": ["1e999", None], "<script>": [1, 2], "ci-6": {"x": "a"}}, "with 0 node"),
        ("Not a dict", "?root=5", "positions", "with 0 node"),
    ],
)
def test_sa006_bad_names_and_forged_positions_get_a_plain_answer(app, name, search, positions, said):
    status, data = save(app, name, search, positions)
    assert status == 200
    assert said in str(data["response"][ids.SAVED_STATUS]["children"])


def test_sa007_each_signed_in_user_lists_and_deletes_only_their_own_views(tmp_path):
    from werkzeug.security import generate_password_hash

    cmdb = f"sqlite:///{tmp_path / 'cmdb.sqlite'}"
    write(cmdb, ci=[ci(1, "Payroll", "business_service"), ci(2, "hr-app", "application")],
          relationship=[rel(1, 1, "depends on", 2)])  # fmt: skip
    users = tmp_path / "users"
    users.write_text("".join(f"{u}:{generate_password_hash('pw', method=FAST)}\n" for u in ("alice", "bob")))
    app = create_app(
        Settings.from_env(
            {}, database_url=cmdb, refresh_seconds=0, auth="basic", basic_users_file=str(users),
            secret_key="a test secret", state_url=f"sqlite:///{tmp_path / 'state.sqlite'}",
        )
    )  # fmt: skip
    alice, bob = basic("alice", "pw"), basic("bob", "pw")
    _, data = save(app, "Alice's", "?root=1", {"ci-1": [5, 5]}, alice)
    view_id = data["response"][ids.SAVED_LIST]["value"]

    def listed(headers):
        body = callback_request(app, ids.SAVED_LIST, "options", {f"{ids.URL}.pathname": "/"})
        response = app.server.test_client().post("/_dash-update-component", json=body, headers=headers)
        return response.get_json()["response"][ids.SAVED_LIST]["options"]

    assert [o["label"] for o in listed(alice)] == ["Alice's"]
    assert listed(bob) == []
    search = {f"{ids.URL}.search": f"?root=1&saved={view_id}", f"{ids.MAP_TRAIL_STORE}.data": []}
    body = callback_request(app, ids.MAP_GRAPH, "elements", search, "url.search")
    shared = app.server.test_client().post("/_dash-update-component", json=body, headers=bob).get_json()
    where = {e["data"]["id"]: e.get("position") for e in shared["response"][ids.MAP_GRAPH]["elements"]}
    assert where["ci-1"] == {"x": 5.0, "y": 5.0}  # bob opens alice's link with her positions
    chosen = {f"{ids.SAVED_DELETE}.n_clicks": 1, f"{ids.SAVED_LIST}.value": view_id}
    delete = request_for_key(app, fired_by(app, f"{ids.SAVED_STATUS}.children", ids.SAVED_DELETE), chosen)
    said = app.server.test_client().post("/_dash-update-component", json=delete, headers=bob).get_json()
    assert "not one of yours" in str(said["response"][ids.SAVED_STATUS]["children"])
    assert [o["label"] for o in listed(alice)] == ["Alice's"]


def test_sa008_the_capture_reads_the_maps_own_element():
    assert f'getElementById("{ids.MAP_GRAPH}")' in CAPTURE
