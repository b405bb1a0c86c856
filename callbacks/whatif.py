"""What-if wiring (/whatif): the URL holds the choices; the pickers write it, the URL draws the answer.

What the browser sends is untrusted: the URL is read by domain/whatif_query.parse_query (bounded, never raises), and
the pickers' values go through the same parser by way of a query string.
"""

from urllib.parse import urlencode

from dash import Dash, Input, Output, State, ctx, dcc, no_update

from callbacks.pages import WHATIF_PATH, page_of
from callbacks.roots import ci_options, root_options
from dashboard.cmdb.derived import Derived
from dashboard.domain.untrusted import whole_number
from dashboard.domain.viewstate import ViewState, to_query
from dashboard.domain.whatif_query import WhatIfQuery, parse_query
from dashboard.domain.whatif_query import to_query as whatif_query
from dashboard.services import Services
from dashboard.whatif import sites, whatif_view
from layouts import ids
from layouts.whatif import build_whatif_body, whatif_csv


def register(app: Dash, services: Services) -> None:
    """Attach the what-if callbacks."""
    base = app.get_relative_path("/")
    current = services.current

    def on_page(pathname: object) -> bool:
        return page_of(app, pathname) == WHATIF_PATH

    @app.callback(Output(ids.PAGE_WHATIF, "hidden"), Output(ids.NAV_WHATIF, "className"), Input(ids.URL, "pathname"))
    def show(pathname: object) -> tuple[bool, str]:
        shown = on_page(pathname)
        return not shown, "nav active" if shown else "nav"

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Output(ids.WHATIF_CIS, "value"),
        Output(ids.WHATIF_CIS, "options"),
        Output(ids.WHATIF_WITHIN, "value"),
        Output(ids.WHATIF_WITHIN, "options"),
        Output(ids.WHATIF_SITES, "value"),
        Output(ids.WHATIF_SITES, "options"),
        Input(ids.URL, "search"),
        Input(ids.WHATIF_CIS, "value"),
        Input(ids.WHATIF_WITHIN, "value"),
        Input(ids.WHATIF_SITES, "value"),
        State(ids.URL, "pathname"),
        prevent_initial_call="initial_duplicate",
    )
    def sync(search: object, cis: object, within: object, chosen_sites: object, pathname: object) -> tuple:
        # One callback owns both the URL and the pickers, so that they cannot chase each other in a loop.
        derived = current()
        if not on_page(pathname) or derived is None:
            return (no_update,) * 7
        if ctx.triggered_id in (None, ids.URL):
            query = parse_query(search)
            site_options = [{"label": s, "value": s} for s in sites(derived)]
            return (
                no_update,
                [str(i) for i in query.cis],
                _options(derived, query.cis),
                [str(i) for i in query.within],
                _options(derived, query.within),
                list(query.sites),
                site_options,
            )
        wanted = _from_pickers(cis, within, chosen_sites)
        return (whatif_query(wanted) or "?", *(no_update,) * 6)

    for picker in (ids.WHATIF_CIS, ids.WHATIF_WITHIN):

        @app.callback(
            Output(picker, "options", allow_duplicate=True),
            Input(picker, "search_value"),
            State(picker, "value"),
            prevent_initial_call=True,
        )
        def options(typed: object, value: object) -> list[dict]:
            derived = current()
            if derived is None:
                return []
            chosen = _ids(value)
            found = root_options(derived, typed, None) if isinstance(typed, str) and typed.strip() else []
            listed = {o["value"] for o in found}
            return _options(derived, tuple(i for i in chosen if str(i) not in listed)) + found

    @app.callback(
        Output(ids.WHATIF_BODY, "children"),
        Input(ids.URL, "search"),
        Input(ids.SNAPSHOT_VERSION, "data"),
        State(ids.URL, "pathname"),
    )
    def draw(search: object, _version: object, pathname: object) -> list:
        derived = current()
        if not on_page(pathname) or derived is None:
            return no_update
        view = whatif_view(derived, parse_query(search))
        return build_whatif_body(view, lambda ci_id: base + to_query(ViewState(root=ci_id)))

    @app.callback(
        Output(ids.WHATIF_DOWNLOAD, "data"),
        Input(ids.WHATIF_EXPORT, "n_clicks"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def export(_clicks: object, search: object) -> dict:
        derived = current()
        query = parse_query(search)
        if derived is None or query.empty:
            return no_update
        return dcc.send_string(whatif_csv(whatif_view(derived, query)), "what-if.csv", type="text/csv")


def _options(derived: Derived, ci_ids: tuple[int, ...]) -> list[dict]:
    """Picker options for the chosen CI ids that are CIs (others have no option: the page says they are unknown)."""
    index = derived.snapshot.index
    positions = [index.position(ci_id) for ci_id in ci_ids]
    return ci_options(derived, [p for p in positions if p is not None])


def _ids(value: object) -> tuple[int, ...]:
    """CI ids from a multi picker's value (untrusted: anything else is left out)."""
    values = value if isinstance(value, list) else []
    return tuple(n for v in values[:200] if (n := whole_number(v)) is not None)


def _from_pickers(cis: object, within: object, chosen_sites: object) -> WhatIfQuery:
    """The pickers' values as choices, read by the same parser as a URL."""
    raw = [("fail", ",".join(map(str, _ids(cis)))), ("in", ",".join(map(str, _ids(within))))]
    sites_ = [s for s in chosen_sites[:50] if isinstance(s, str)] if isinstance(chosen_sites, list) else []
    raw += [("site", s) for s in sites_]
    return parse_query("?" + urlencode([(k, v) for k, v in raw if v]))
