"""The impact panel: every business service the root's failure would hit, with criticality and open incidents."""

import csv
import io

from dash import html

from dashboard.domain.names import shown_name, visible
from dashboard.domain.vocabulary import HEALTH_STYLES
from dashboard.maps import ImpactedService, MapModel

CSV_COLUMNS = ("ci_id", "name", "criticality", "status", "open_incidents", "hops")


def build_impact(model: MapModel) -> list:
    """The list of impacted services (empty when the view is not an impact view)."""
    if not model.state.impact:
        return []
    services = model.impacted
    heading = f"If {model.root_name} fails: {len(services)} business service{'s' if len(services) != 1 else ''} hit"
    if not services:
        return [html.H2(heading), html.P("No business service depends on this CI.", className="note")]
    rows = [
        html.Tr(
            [
                html.Td(shown_name(s.name)),
                html.Td(s.criticality),
                html.Td(HEALTH_STYLES[s.status].label, className=f"st s-{s.status.name.lower()}"),
                html.Td(str(s.open_incidents), className="num"),
            ]
        )
        for s in services
    ]
    header = html.Thead(html.Tr([html.Th(h) for h in ("Service", "Criticality", "Status", "Open incidents")]))
    return [
        html.H2(heading),
        html.Table([header, html.Tbody(rows)], className="impact-table"),
    ]


def impact_csv(services: tuple[ImpactedService, ...]) -> str:
    """The impacted services as CSV: names whole, with hidden and reordering characters marked as on screen
    (⟨U+202E⟩), and cells that a spreadsheet would run as formulas quoted with '."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for s in services:
        name, criticality = csv_cell(visible(s.name)), csv_cell(visible(s.criticality))
        writer.writerow([s.ci_id, name, criticality, s.status.name.lower(), s.open_incidents, s.hops])
    return out.getvalue()


def csv_cell(value: str) -> str:
    # A CI name such as "=HYPERLINK(...)" must stay text when the CSV is opened in a spreadsheet.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
