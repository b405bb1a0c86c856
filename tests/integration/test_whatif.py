"""What-if callbacks through Flask's test client against the demo CMDB: the answer, the URL, CSV, forgeries."""

import json

import numpy as np
import pytest

from dashboard.app import create_app
from dashboard.domain.health import roll_up
from dashboard.domain.vocabulary import Health
from dashboard.domain.whatif import failed_own
from dashboard.domain.whatif_query import WhatIfQuery, parse_query
from dashboard.settings import Settings
from dashboard.whatif import Chosen, ServiceImpact, WhatIfView, service_users, whatif_view
from layouts import ids
from layouts.whatif import whatif_csv
from tests.callbacks import callback_request, post, request_for_key
from tests.conftest import HOSTILE_NAMES

ONLINE_BANKING = 5
PAGE = "/whatif"


@pytest.fixture(scope="module")
def app(demo_cmdb):
    return create_app(Settings.from_env({}, database_url=demo_cmdb, refresh_seconds=0, anonymous=True))


@pytest.fixture(scope="module")
def derived(app):
    return app.server.extensions["servicemap"].current()


def draw(app, search):
    values = {f"{ids.URL}.search": search, f"{ids.URL}.pathname": PAGE}
    status, data = post(app, callback_request(app, ids.WHATIF_BODY, "children", values, "url.search"))
    assert status == 200
    return json.dumps(data["response"][ids.WHATIF_BODY]["children"])


def test_wf001_nothing_failed_is_todays_state(derived):
    view = whatif_view(derived, WhatIfQuery())
    assert view.services == ()
    assert view.failed == 0
    assert view.today_counts == view.what_if_counts


def _ok_service_with_users(derived):
    index = derived.snapshot.index
    users = service_users(derived)
    services = np.flatnonzero(index.class_mask("business_service"))
    shown = derived.health.shown(services)
    fine = services[(shown < Health.DOWN) & (users[services] > 0)]
    return int(fine[np.argmin(shown[(shown < Health.DOWN) & (users[services] > 0)])])


def test_wf002_a_failed_ci_lists_the_services_it_changes_with_users_heaviest_first(derived):
    index = derived.snapshot.index
    service = _ok_service_with_users(derived)
    failed = (int(index.ci_ids[service]), 900002)
    view = whatif_view(derived, WhatIfQuery(cis=failed))
    assert view.failed == 2
    hit = next(s for s in view.services if s.ci_id == int(index.ci_ids[service]))
    assert hit.today < Health.DOWN
    assert hit.what_if == Health.DOWN
    assert hit.users == service_users(derived)[service] > 0  # the demo's user groups carry `members`
    keys = [(-s.what_if, -s.weight) for s in view.services]
    assert keys == sorted(keys)
    # The same services as the full roll-up with those CIs down.
    health = derived.health
    full = roll_up(index, failed_own(health.own, index.locate(np.array(failed))))
    services = np.flatnonzero(index.class_mask("business_service"))
    changed = services[np.where(full[services] < 0, 2, full[services]) != health.shown(services)]
    assert sorted(s.ci_id for s in view.services) == sorted(index.ci_ids[changed].tolist())


def test_wf003_a_whole_site_fails_everything_located_there(derived):
    site = derived.snapshot.ci["location"].dropna().iloc[0]
    view = whatif_view(derived, WhatIfQuery(sites=(site,)))
    assert view.failed >= int((derived.snapshot.ci["location"] == site).sum())
    assert view.chosen[0].kind == "site"
    assert all(s.what_if >= s.today for s in view.services)


def test_wf004_the_page_draws_from_the_url_and_hostile_names_stay_text(app):
    shown = draw(app, "?fail=900001")
    assert HOSTILE_NAMES[900001] in json.loads(json.dumps(shown))  # as a text child, never markup
    assert "dangerouslySetInnerHTML" not in shown


@pytest.mark.parametrize(
    "search",
    ["?fail=abc", "?fail=-1", "?fail=99999999999999999999", "?in=%00", "?site=" + "x" * 5000, "?fail=" + "1," * 900],
)
def test_wf005_forged_urls_get_a_safe_answer(app, search):
    draw(app, search)
    assert len(parse_query(search).cis) <= 100


def test_wf006_pickers_write_the_url_and_the_url_sets_the_pickers(app):
    values = {
        f"{ids.URL}.search": "",
        f"{ids.URL}.pathname": PAGE,
        f"{ids.WHATIF_CIS}.value": ["900002", "x"],
        f"{ids.WHATIF_WITHIN}.value": [],
        f"{ids.WHATIF_SITES}.value": [],
    }
    key = next(k for k in app.callback_map if k.startswith("..url.search@") and ids.WHATIF_CIS in k)
    body = request_for_key(app, key, values, f"{ids.WHATIF_CIS}.value")
    status, data = post(app, body)
    assert status == 200
    assert data["response"][ids.URL]["search"] == "?fail=900002"


def test_wf007_the_csv_quotes_cells_a_spreadsheet_would_run(derived):
    view = whatif_view(derived, WhatIfQuery(sites=tuple(sorted(derived.snapshot.ci["location"].dropna().unique()))))
    assert view.services
    text = whatif_csv(view)
    assert text.splitlines()[0] == "ci_id,name,criticality,users,weight,status_today,status_what_if"
    assert len(text.splitlines()) == len(view.services) + 1
    assert not any(line.split(",")[1][:1] in "=+-@" for line in text.splitlines()[1:])


def test_wf008_the_details_panel_offers_what_if_this_fails(app):
    from callbacks.selection import _ci_panel

    derived = app.server.extensions["servicemap"].current()
    from dashboard.domain.viewstate import ViewState
    from dashboard.settings import Settings as S

    panel = json.dumps(
        _ci_panel(derived, ViewState(root=5), derived.snapshot.index.position(900002), "/", S()), default=str
    )
    assert "/whatif?fail=900002" in panel


def test_wf009_the_export_button_sends_the_csv_of_the_url(app):
    values = {f"{ids.WHATIF_EXPORT}.n_clicks": 1, f"{ids.URL}.search": "?site=DUB1"}
    status, data = post(app, callback_request(app, ids.WHATIF_DOWNLOAD, "data", values))
    assert status == 200
    sent = data["response"][ids.WHATIF_DOWNLOAD]["data"]
    assert sent["filename"] == "what-if.csv"
    assert sent["content"].startswith("ci_id,name,criticality,users,weight,status_today,status_what_if\n")
    values[f"{ids.URL}.search"] = "?fail=abc"  # nothing chosen: nothing sent
    status, data = post(app, callback_request(app, ids.WHATIF_DOWNLOAD, "data", values))
    assert status in (200, 204)
    assert ids.WHATIF_DOWNLOAD not in (data.get("response") or {})


def test_wf010_csv_cells_a_spreadsheet_would_run_get_a_quote_and_hidden_characters_are_marked():
    row = ServiceImpact(7, '=HYPERLINK("http://x")\u202e', "@high", 12, Health.OK, Health.DOWN, 48)
    view = WhatIfView((), 1, (row,), {}, {}, 12, True, False)
    line = whatif_csv(view).splitlines()[1]
    assert line.startswith('7,"\'=HYPERLINK(""http://x"")⟨U+202E⟩",\'@high,12,48,ok,down')


def test_wf011_the_page_draws_the_heaviest_services_and_counts_the_rest():
    from dash import html

    from layouts.whatif import MAX_SERVICES_SHOWN, build_whatif_body

    rows = tuple(ServiceImpact(i, f"S{i}", "high", i, Health.OK, Health.DOWN, 4 * i) for i in range(100, 0, -1))
    chosen = (Chosen("ci", "1", "one", 1),)
    view = WhatIfView(chosen, 1, rows, dict.fromkeys(Health, 0), dict.fromkeys(Health, 0), 0, True, False)
    body = html.Div(build_whatif_body(view, lambda ci_id: f"/?root={ci_id}"))
    shown = json.dumps(body.to_plotly_json(), default=lambda c: c.to_plotly_json())
    assert f"The {MAX_SERVICES_SHOWN} heaviest of 100 are shown; the CSV holds them all." in shown
    assert shown.count("/?root=") == MAX_SERVICES_SHOWN + 1  # the rows and the chosen CI
    assert len(whatif_csv(view).splitlines()) == 101
