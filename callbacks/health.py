"""Asset-health wiring: the page is built only while the URL's path is /health; its filters write the URL; a click
on a chart's mark opens the CI on the map or lists the CIs behind it. What the browser sends is untrusted."""

from dataclasses import replace
from urllib.parse import urlencode, urlsplit

from dash import Dash, Input, Output, State, ctx, html, no_update
from dash.dependencies import ALL, MATCH

from callbacks.pages import HEALTH_PATH, page_of
from dashboard.asof import as_of_notices
from dashboard.change_failures import LISTED, pair_page
from dashboard.cmdb.derived import Derived
from dashboard.domain.health_scope import HealthQuery, health_query, parse_health
from dashboard.domain.untrusted import text
from dashboard.domain.viewstate import ViewState, bad_as_of
from dashboard.health_availability import health_availability
from dashboard.health_data import health_data, health_data_at
from dashboard.health_marks import cis_behind, map_root, mark_of
from dashboard.health_page import filter_options, health_page
from dashboard.health_reports import health_reports
from dashboard.report_sections import Sla
from dashboard.services import Services
from layouts import ids
from layouts.change_failures import pair_list
from layouts.health import FirstHealth, build_body, build_filters, build_selection
from layouts.health_availability import build_availability_not_as_of, build_health_availability
from layouts.health_charts import FONT
from layouts.health_reports import build_reports

# Runs in the browser, so that a map page's URL changes never cost a request: only a /health URL reaches the server.
GATE = """function (pathname, search) {
    var path = (pathname || "").replace(/\\/+$/, "");
    if (!/\\/health$/.test(path)) { return window.dash_clientside.no_update; }
    return {pathname: pathname, search: search || ""};
}"""
SCROLL = """function (children) {
    var panel = document.getElementById("PANEL");
    if (children && children.length && panel) { panel.scrollIntoView({block: "start"}); }
    return window.dash_clientside.no_update;
}""".replace("PANEL", ids.HEALTH_SELECTION)
# Page text grows with the screen (servicemap.css: up to 28 px on a 4K wall); plotly's sizes are pixels. Scale every
# chart's fonts and height by the page's font size over the charts' (FONT), from the unscaled height in layout.meta,
# so that doing it again changes nothing; retried while plotly.js still loads or draws. A page load of /health draws
# them scaled at once (assets/vendor/plotly-scale.js): this is for a plotly.js fetched by dcc.Graph without it.
SCALE = """function (children) {
    var scale = (parseFloat(getComputedStyle(document.body).fontSize) || BASE) / BASE;
    var size = BASE * scale, tries = 0;
    function apply() {
        var pending = false;
        document.querySelectorAll("#PAGE .dash-graph").forEach(function (graph) {
            var gd = graph.querySelector(".js-plotly-plot");
            var base = gd && gd.layout && gd.layout.meta && gd.layout.meta.height;
            if (!window.Plotly || !gd || !gd._fullLayout || !base) { pending = true; return; }
            if (Math.abs(gd._fullLayout.height - base * scale) < 1) { return; }
            var update = {"height": base * scale, "font.size": size, "hoverlabel.font.size": size};
            ["l", "r", "t", "b"].forEach(function (side) {  // the margins too (layouts/chart_margins.py)
                if (gd.layout.meta.margin) { update["margin." + side] = gd.layout.meta.margin[side] * scale; }
            });
            (gd.layout.annotations || []).forEach(function (a, i) {
                update["annotations[" + i + "].font.size"] = size;
            });
            graph.style.height = base * scale + "px";  // dcc.Graph sizes the plot to its box
            window.Plotly.relayout(gd, update);
        });
        if (pending && ++tries < 40) { setTimeout(apply, 250); }
    }
    if (scale > 1.1 && children) { setTimeout(apply, 0); }
    return window.dash_clientside.no_update;
}""".replace("BASE", str(FONT["size"])).replace("PAGE", ids.PAGE_HEALTH)
FILTERS = ("service", "class", "loc", "group", "days")
MAX_REFERER = 4000  # characters of a Referer looked at: more than any URL the page writes


def register(app: Dash, services: Services) -> None:
    """Attach the health page's callbacks."""
    map_href = app.get_relative_path("/")
    app.clientside_callback(GATE, Output(ids.HEALTH_URL, "data"), Input(ids.URL, "pathname"), Input(ids.URL, "search"))
    app.clientside_callback(SCALE, Output(ids.HEALTH_BODY, "title"), Input(ids.HEALTH_BODY, "children"))
    app.clientside_callback(
        SCROLL,
        Output(ids.HEALTH_SELECTION, "title"),
        Input(ids.HEALTH_SELECTION, "children"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.HEALTH_FILTERS, "children"),
        Output(ids.HEALTH_BODY, "children"),
        Output(ids.HEALTH_SELECTION, "children"),
        Output(ids.HEALTH_BUILT, "data"),
        Input(ids.HEALTH_URL, "data"),
        State({"type": ids.HEALTH_FILTER, "name": ALL}, "value"),
        State(ids.HEALTH_BUILT, "data"),
        prevent_initial_call=True,
    )
    def show(asked: object, shown_filters: object, built: object) -> tuple:
        pathname = asked.get("pathname") if isinstance(asked, dict) else None
        if page_of(app, pathname) != HEALTH_PATH:
            return no_update, no_update, no_update, no_update
        derived = services.current()
        if derived is None:
            return [], [html.P("No data loaded yet.", className="note")], [], None
        # The page's first layout holds the body for the URL it was loaded at (first_health): used once, so that
        # coming back to that URL later (after a filter change) builds it again.
        if built == built_for(pathname, asked.get("search"), derived.snapshot.version):
            return no_update, no_update, no_update, None
        filters, body = _page(app, services, derived, asked.get("search"), _filtered(ctx.states_list, shown_filters))
        return filters, body, [], None

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input({"type": ids.HEALTH_FILTER, "name": ALL}, "value"),
        State(ids.URL, "pathname"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def filtered(values: object, pathname: object, search: object) -> str:
        if page_of(app, pathname) != HEALTH_PATH:
            return no_update
        query = _filtered(ctx.inputs_list, values)
        if query is None:
            return no_update
        query = replace(query, as_of=parse_health(search).as_of)  # a page as of a time stays at that time
        return no_update if query == parse_health(search) else health_query(query)

    @app.callback(
        Output(ids.HEALTH_SELECTION, "children", allow_duplicate=True),
        Output(ids.URL, "pathname", allow_duplicate=True),
        Output(ids.URL, "search", allow_duplicate=True),
        Input({"type": ids.HEALTH_CHART, "name": ALL}, "clickData"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def clicked(_clicks: object, search: object) -> tuple:
        triggered = ctx.triggered[0] if ctx.triggered else {}
        mark = mark_of(triggered.get("value") if isinstance(triggered, dict) else None)
        derived = services.current()
        if mark is None or derived is None:
            return no_update, no_update, no_update
        query = parse_health(search)
        root = map_root(mark)
        if root is not None:
            return no_update, map_href, root + (f"&{urlencode({'asof': query.as_of})}" if query.as_of else "")
        cis = cis_behind(derived, health_data_at(derived, query.as_of), query, mark)
        return build_selection(cis, map_at(map_href, query.as_of)), no_update, no_update

    @app.callback(
        Output({"type": ids.HEALTH_PAIRS_LIST, "name": MATCH}, "children"),
        Input({"type": ids.HEALTH_PAIRS_NEWER, "name": MATCH}, "n_clicks"),
        Input({"type": ids.HEALTH_PAIRS_OLDER, "name": MATCH}, "n_clicks"),
        State({"type": ids.HEALTH_PAIRS_PAGE, "name": MATCH}, "data"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def paged(_newer: object, _older: object, page: object, search: object) -> object:
        """Another page of the change pairs, of the URL's scope and range (the sections are kept per URL)."""
        derived = services.current()
        triggered = ctx.triggered_id if isinstance(ctx.triggered_id, dict) else {}
        if derived is None or triggered.get("type") not in (ids.HEALTH_PAIRS_NEWER, ids.HEALTH_PAIRS_OLDER):
            return no_update
        query = parse_health(search)
        view = health_reports(derived, health_data_at(derived, query.as_of), query).changes
        if view.rows is None:
            return no_update
        current = page if isinstance(page, int) and not isinstance(page, bool) else 0
        step = -1 if triggered["type"] == ids.HEALTH_PAIRS_NEWER else 1
        chosen = min(max(0, current + step), max(0, (view.pair_count - 1) // LISTED))
        pairs = pair_page(derived.snapshot, view.rows, chosen * LISTED)
        return pair_list(pairs, view.pair_count, chosen, map_at(map_href, query.as_of))


def first_health(app: Dash, services: Services, referer: object) -> FirstHealth | None:
    """/health's filters and body for the page's first layout when the page is loaded at a /health URL, as the page
    callback would build them; None for any other page, an unusable Referer, or before the first snapshot.

    `referer` is the layout request's Referer header (untrusted): the page's URL, path and query (Referrer-Policy
    strict-origin-when-cross-origin keeps them on same-origin requests)."""
    try:
        url = urlsplit(text(referer, MAX_REFERER))
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return None
    if page_of(app, url.path) != HEALTH_PATH:
        return None
    derived = services.current()
    if derived is None:
        return None
    search = f"?{url.query}" if url.query else ""  # as the browser's location.search says it
    filters, body = _page(app, services, derived, search, None)
    return FirstHealth(filters, body, built_for(url.path, search, derived.snapshot.version))


def built_for(pathname: object, search: object, version: int) -> dict:
    """What the page's first layout says its /health body was built for: the URL and the snapshot's version."""
    return {"pathname": pathname, "search": search, "version": version}


def _page(app: Dash, services: Services, derived: Derived, search: object, shown: HealthQuery | None) -> tuple:
    """The filters (no_update when those shown already say the URL's query) and the body for a /health URL."""
    map_href = app.get_relative_path("/")
    query = parse_health(search)
    data = health_data_at(derived, query.as_of)  # asof=: "now" is that time (dashboard/health_data.py)
    filters = (
        no_update
        if shown is not None and replace(shown, as_of=query.as_of) == query
        else build_filters(filter_options(derived, health_data(derived)), query)
    )
    href = map_at(map_href, query.as_of)
    reports = build_reports(health_reports(derived, data, query), href)
    sla = Sla(services.settings.sla_target, services.settings.sla_count_p2)
    availability = (
        build_availability_not_as_of()
        if query.as_of
        else build_health_availability(health_availability(derived, data, query, sla), map_href)
    )
    notices = as_of_notices(derived, ViewState(as_of=query.as_of), bad_as_of(text(search, 2000)), page="page")
    return filters, [*build_body(health_page(derived, data, query), href, notices), availability, reports]


def map_at(map_href: str, as_of: str | None) -> str:
    """The map's address for links from a page: as of the page's time when it has one."""
    return f"{map_href}?{urlencode({'asof': as_of})}" if as_of else map_href


def _filtered(listed: object, values: object) -> HealthQuery | None:
    """The query the filters' values describe (as the URL would carry them), None when there are no filters."""
    specs = listed[0] if isinstance(listed, list) and listed and isinstance(listed[0], list) else []
    if not specs or not isinstance(values, list) or len(values) != len(specs):
        return None
    pairs: list[tuple[str, str]] = []
    for spec, value in zip(specs, values, strict=True):
        name = spec.get("id", {}).get("name") if isinstance(spec, dict) and isinstance(spec.get("id"), dict) else None
        if name not in FILTERS:
            continue
        chosen = value if isinstance(value, list) else [value]
        pairs += [
            (name, text(str(v), 200)) for v in chosen[:50] if isinstance(v, str | int) and not isinstance(v, bool)
        ]
    return parse_health(urlencode(pairs))
