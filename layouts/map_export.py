"""The map's export control: a format and a button (PNG and SVG drawn by cytoscape, the text formats by the server)."""

from dash import dcc, html

from layouts import ids

IMAGE_FORMATS = ("png", "svg")
EXPORT_OPTIONS = [
    {"label": "PNG image", "value": "png"},
    {"label": "SVG image", "value": "svg"},
    {"label": "GraphML", "value": "graphml"},
    {"label": "DOT (Graphviz)", "value": "dot"},
    {"label": "JSON", "value": "json"},
]


def build_export() -> html.Div:
    """Label, format picker, button and the download component of the text formats, on one line above the map."""
    return html.Div(
        [
            html.Label("Export", htmlFor=ids.MAP_EXPORT_FORMAT, id=f"{ids.MAP_EXPORT_FORMAT}-label"),
            dcc.Dropdown(
                id=ids.MAP_EXPORT_FORMAT,
                options=EXPORT_OPTIONS,
                value="png",
                clearable=False,
                searchable=False,
                className="export-format",
            ),
            html.Button(
                "Download", id=ids.MAP_EXPORT_GO, className="button", title="Download this map in the chosen format"
            ),
            dcc.Download(id=ids.MAP_EXPORT_FILE),
        ],
        className="export-row",
    )


def image_request(fmt: str, filename: str) -> dict:
    """cytoscape's generateImage: the whole map (not only what is in view), at twice the screen's scale, on white."""
    options = {"full": True, "bg": "#ffffff"} | ({"scale": 2} if fmt == "png" else {})
    return {"type": fmt, "action": "download", "filename": filename, "options": options}
