"""The what-if page (/whatif): pick CIs, racks, clusters, switches or sites to fail; see the business services that
would change status beside today's, heaviest first; export them as CSV. Pure builders: every CMDB string is passed as
text (React escapes it), never as markup.
"""

import csv
import io
from collections.abc import Callable

from dash import dcc, html

from dashboard.domain.names import shown_name, visible
from dashboard.domain.vocabulary import HEALTH_STYLES, Health
from dashboard.domain.whatif_query import MAX_CIS, MAX_CONTAINERS, MAX_SITES
from dashboard.whatif import Chosen, ServiceImpact, WhatIfView
from layouts import ids
from layouts.impact import csv_cell

CSV_COLUMNS = ("ci_id", "name", "criticality", "users", "weight", "status_today", "status_what_if")
_KINDS = {"ci": "fails", "in": "fails with everything in or behind it", "site": "site fails whole"}
# Rows drawn on the page (each is a dozen Dash components: a hundred cost more than the what-if itself at 1M CIs);
# what is not drawn is counted, and the CSV holds every service.
MAX_SERVICES_SHOWN = 40
MAX_CHOSEN_SHOWN = 12
_STATUS_ORDER = (Health.DOWN, Health.DEGRADED, Health.UNKNOWN, Health.MAINTENANCE, Health.OK)


def build_whatif_page() -> html.Div:
    """The page's frame: three pickers, the answer, and the export. Hidden unless the URL's path is /whatif."""
    pickers = [
        html.Label(f"These CIs fail (up to {MAX_CIS})", htmlFor=ids.WHATIF_CIS),
        _picker(ids.WHATIF_CIS, "Type a CI name or id"),
        html.Label(
            f"…with everything in or behind these: a rack, cluster, switch or data centre (up to {MAX_CONTAINERS})",
            htmlFor=ids.WHATIF_WITHIN,
        ),
        _picker(ids.WHATIF_WITHIN, "Type a rack, cluster, switch… name or id"),
        html.Label(f"Whole sites fail (up to {MAX_SITES})", htmlFor=ids.WHATIF_SITES),
        _picker(ids.WHATIF_SITES, "Pick a site"),
        html.Div(
            [
                html.Button("Export CSV", id=ids.WHATIF_EXPORT, className="button", n_clicks=0),
                dcc.Download(id=ids.WHATIF_DOWNLOAD),
            ],
            className="buttons",
        ),
    ]
    return html.Div(
        html.Main(
            [
                html.Section(
                    [html.H2("What if these fail?"), *pickers],
                    className="card controls whatif-controls",
                    role="search",
                    style={"flex": "1 1 24em", "maxWidth": "40em"},
                ),
                html.Div(id=ids.WHATIF_BODY, style={"flex": "3 1 40em", "minWidth": "0"}, **{"aria-live": "polite"}),
            ]
        ),
        id=ids.PAGE_WHATIF,
        className="quality-page whatif-page",
        hidden=True,
    )


def _picker(component_id: str, placeholder: str) -> dcc.Dropdown:
    return dcc.Dropdown(
        id=component_id, options=[], value=[], multi=True, searchable=True, placeholder=placeholder, maxHeight=420
    )


def build_whatif_body(view: WhatIfView, map_href: Callable[[int], str]) -> list:
    """The answer: what was chosen, the business services by status today and then, and those whose status
    changes, heaviest first (each a link to its map)."""
    if not view.chosen:
        return [
            html.Section(
                [
                    html.H2("Nothing chosen to fail"),
                    html.P(
                        "Pick CIs, racks, clusters, switches or sites on the left, or open a CI on the map and choose "
                        "“What if this fails?”. The business services whose status would change are listed here, "
                        "beside their status today.",
                        className="note",
                    ),
                    _counts_table(view),
                ],
                className="card",
            )
        ]
    return [
        html.Section(
            [html.H2(_heading(view)), _chosen(view.chosen, map_href), *_notes(view), _counts_table(view)],
            className="card",
        ),
        html.Section(_services(view, map_href), className="card wide", style={"marginTop": "1.2em"}),
    ]


def _heading(view: WhatIfView) -> str:
    hit = len(view.services)
    return (
        f"{view.failed:,} CI{'s' if view.failed != 1 else ''} down: "
        f"{hit:,} business service{'s' if hit != 1 else ''} change status"
    )


def _chosen(chosen: tuple[Chosen, ...], map_href: Callable[[int], str]) -> html.Ul:
    """Each choice with the CIs it fails; a CI's name is a link to its map."""
    items = []
    for c in chosen[:MAX_CHOSEN_SHOWN]:
        name = html.Strong(shown_name(c.label))
        shown = dcc.Link(name, href=map_href(int(c.key))) if c.kind != "site" and c.failed else name
        items.append(html.Li([shown, f" — {_KINDS[c.kind]} ({c.failed:,} CI{_plural(c.failed)})"]))
    if len(chosen) > MAX_CHOSEN_SHOWN:
        items.append(html.Li(f"and {len(chosen) - MAX_CHOSEN_SHOWN:,} more", className="note"))
    return html.Ul(items, className="whatif-chosen")


def _plural(count: int) -> str:
    return "" if count == 1 else "s"


def _notes(view: WhatIfView) -> list:
    notes = []
    if view.cut:
        notes.append(f"The link listed more than the page takes: the first {MAX_CIS} CIs, {MAX_CONTAINERS} "
                     f"containers and {MAX_SITES} sites are used.")  # fmt: skip
    if not view.users_known:
        notes.append("The CIs' attributes are not read yet (or could not be read): users are not counted.")
    elif view.services:
        notes.append(f"{view.users_hit:,} users in the user groups of the services that change status.")
    return [html.P(n, className="note") for n in notes]


def _counts_table(view: WhatIfView) -> html.Table:
    """Every business service by status: today beside what-if."""
    header = html.Thead(html.Tr([html.Th("Business services"), html.Th("Today"), html.Th("What if")]))
    rows = [
        html.Tr(
            [
                html.Td(HEALTH_STYLES[h].label, className=f"st s-{h.name.lower()}"),
                html.Td(f"{view.today_counts[h]:,}", className="num"),
                html.Td(f"{view.what_if_counts[h]:,}", className="num"),
            ]
        )
        for h in _STATUS_ORDER
    ]
    return html.Table([header, html.Tbody(rows)], className="whatif-counts")


def _services(view: WhatIfView, map_href: Callable[[int], str]) -> list:
    if not view.services:
        return [html.H2("No business service changes status"), html.P("Today's state holds.", className="note")]
    header = html.Thead(
        html.Tr([html.Th(h) for h in ("Service", "Criticality", "Users", "Weight", "Today", "What if")])
    )
    rows = [_service_row(s, map_href(s.ci_id)) for s in view.services[:MAX_SERVICES_SHOWN]]
    hidden = len(view.services) - len(rows)
    more = f" The {len(rows)} heaviest of {len(view.services):,} are shown; the CSV holds them all." if hidden else ""
    return [
        html.H2("Business services that change status, heaviest first"),
        html.P(
            f"Weight: criticality (critical 8, high 4, medium 2, low 1) × users (1 when none).{more}", className="note"
        ),
        html.Table([header, html.Tbody(rows)], className="impact-table whatif-table"),
    ]


def _service_row(s: ServiceImpact, href: str) -> html.Tr:
    return html.Tr(
        [
            html.Td(dcc.Link(shown_name(s.name) or f"CI {s.ci_id}", href=href)),
            html.Td(shown_name(s.criticality)),
            html.Td("—" if s.users is None else f"{s.users:,}", className="num"),
            html.Td(f"{s.weight:,}", className="num"),
            _status_cell(s.today),
            _status_cell(s.what_if),
        ]
    )


def _status_cell(status: Health) -> html.Td:
    style = HEALTH_STYLES[status]
    return html.Td(f"{style.icon} {style.label}", className=f"st s-{status.name.lower()}")


def whatif_csv(view: WhatIfView) -> str:
    """The services that change status as CSV, heaviest first: names whole, hidden characters marked as on screen,
    cells a spreadsheet would run as formulas quoted with '."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for s in view.services:
        users = "" if s.users is None else s.users
        name, criticality = csv_cell(visible(s.name)), csv_cell(visible(s.criticality))
        writer.writerow([s.ci_id, name, criticality, users, s.weight, s.today.name.lower(), s.what_if.name.lower()])
    return out.getvalue()
