"""Page wiring: the URL's path shows the map (any path), the data-quality page (/quality), the wall (/wall) or the
asset-health page (/health)."""

from dash import Dash, Input, Output

from dashboard.domain.viewstate import parse
from dashboard.services import Services
from layouts import ids

QUALITY_PATH = "/quality"
WALL_PATH = "/wall"
HEALTH_PATH = "/health"
WHATIF_PATH = "/whatif"


def register(app: Dash, services: Services) -> None:
    """Attach the page switch."""

    @app.callback(
        Output(ids.PAGE_MAP, "hidden"),
        Output(ids.PAGE_QUALITY, "hidden"),
        Output(ids.NAV_MAP, "className"),
        Output(ids.NAV_QUALITY, "className"),
        Output(ids.PAGE_WALL, "hidden"),
        Output(ids.TOP, "hidden"),
        Output(ids.PAGE_MAP, "className"),
        Output(ids.PAGE_HEALTH, "hidden"),
        Output(ids.NAV_HEALTH, "className"),
        Input(ids.URL, "pathname"),
        Input(ids.URL, "search"),
    )
    def show(pathname: object, search: object) -> tuple[bool, bool, str, str, bool, bool, str, bool, str]:
        page = page_of(app, pathname)
        quality, wall, health = page == QUALITY_PATH, page == WALL_PATH, page == HEALTH_PATH
        whatif = page == WHATIF_PATH  # its own container is shown by callbacks/whatif.py
        embed = parse(search if isinstance(search, str) else "").embed
        return (
            quality or wall or health or whatif,
            not quality,
            "nav" if quality or health or whatif else "nav active",
            "nav active" if quality else "nav",
            not wall,
            wall or embed,
            "embed" if embed else "",
            not health,
            "nav active" if health else "nav",
        )


def page_of(app: Dash, pathname: object) -> str:
    """Which page a URL path shows: QUALITY_PATH, WALL_PATH, HEALTH_PATH, WHATIF_PATH or "/" (the map), under any
    path prefix."""
    prefix = app.config.requests_pathname_prefix
    # Not app.strip_relative_path: it raises on a path outside the prefix, and the path comes from the browser.
    path = pathname[len(prefix) :] if isinstance(pathname, str) and pathname.startswith(prefix) else ""
    pages = {p.strip("/"): p for p in (QUALITY_PATH, WALL_PATH, HEALTH_PATH, WHATIF_PATH)}
    return pages.get(path.strip("/"), "/")


def on_map_page(app: Dash, pathname: object) -> bool:
    """True when the URL's path shows the service map."""
    return page_of(app, pathname) == "/"
