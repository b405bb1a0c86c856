"""servicemap inside an existing Flask application: the portal keeps its pages, servicemap lives under /servicemap/.

SERVICEMAP_DATABASE_URL=postgresql://servicemap@db/cmdb gunicorn 'flask_portal:portal'
"""

import flask

from dashboard.app import create_app
from dashboard.settings import Settings

portal = flask.Flask(__name__)


@portal.get("/")
def home() -> str:
    """The portal's own page, with a link to the service map."""
    return '<h1>Intranet</h1><p><a href="/servicemap/">Service map</a></p>'


# servicemap registers its routes on the portal's Flask app, under its prefix; the portal's other pages keep their
# own headers and error handling. Here the portal's own login (not shown) guards every page, /servicemap/ included,
# so servicemap itself lets through whoever the portal let in; behind a separate proxy, use SERVICEMAP_AUTH=proxy.
servicemap = create_app(Settings.from_env(url_prefix="/servicemap/", anonymous=True), server=portal)
