"""Page wiring: the URL's path shows the map (any path) or the data-quality page (/quality)."""

from dash import Dash, Input, Output

from dashboard.services import Services
from layouts import ids

QUALITY_PATH = "/quality"


def register(app: Dash, services: Services) -> None:
    """Attach the page switch."""

    @app.callback(
        Output(ids.PAGE_MAP, "hidden"),
        Output(ids.PAGE_QUALITY, "hidden"),
        Output(ids.NAV_MAP, "className"),
        Output(ids.NAV_QUALITY, "className"),
        Input(ids.URL, "pathname"),
    )
    def show(pathname: object) -> tuple[bool, bool, str, str]:
        quality = on_quality_page(app, pathname)
        return quality, not quality, "nav" if quality else "nav active", "nav active" if quality else "nav"


def on_quality_page(app: Dash, pathname: object) -> bool:
    """True when the URL's path is the data-quality page (under any path prefix)."""
    path = app.strip_relative_path(pathname) if isinstance(pathname, str) else ""
    return path == QUALITY_PATH.strip("/")
