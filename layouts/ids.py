"""Every component id of the app, defined once (a test checks callbacks use only ids that exist in a layout)."""

URL = "url"
PAGE_MAP = "page-map"
PAGE_QUALITY = "page-quality"
NAV_MAP = "nav-map"
NAV_QUALITY = "nav-quality"

OVERVIEW_TICK = "overview-tick"
OVERVIEW_STATUS = "overview-status"
OVERVIEW_BODY = "overview-body"
SNAPSHOT_VERSION = "snapshot-version"

MAP_ROOT = "map-root"
MAP_DEPTH = "map-depth"
MAP_SCOPE = "map-scope"
MAP_LAYOUT = "map-layout"
MAP_ONLY = "map-only"
MAP_CHANGES = "map-changes"
MAP_GRAPH = "map-graph"
MAP_HEADING = "map-heading"
MAP_NOTICE = "map-notice"
MAP_TRAIL = "map-trail"
MAP_DETAILS = "map-details"
MAP_IMPACT = "map-impact"
MAP_EXPORT = "map-export"
MAP_DOWNLOAD = "map-download"
MAP_TRAIL_STORE = "map-trail-store"
MAP_FILTERS = "map-filters"
MAP_FILTERS_SUMMARY = "map-filters-summary"
MAP_FILTER_CLASS = "map-filter-class"
MAP_FILTER_ENVIRONMENT = "map-filter-environment"
MAP_FILTER_LOCATION = "map-filter-location"
MAP_FILTER_CRITICALITY = "map-filter-criticality"
MAP_DETAILS_TOGGLE = "map-details-toggle"
MAP_PAGE_GRID = "map-page-grid"
MAP_DETAILS_PANEL = "map-details-panel"
# The table view of the map (view=table): its toggle, filter box, grids and their export buttons.
MAP_VIEW_TOGGLE = "map-view-toggle"
MAP_TABLE = "map-table"
MAP_TABLE_FILTER = "map-table-filter"
MAP_TABLE_NODES = "map-table-nodes"
MAP_TABLE_EDGES = "map-table-edges"
MAP_TABLE_NODES_EXPORT = "map-table-nodes-export"
MAP_TABLE_EDGES_EXPORT = "map-table-edges-export"

PAGE_WALL = "page-wall"
TOP = "top"
WALL_TICK = "wall-tick"
WALL_REQUEST = "wall-request"
WALL_ANSWER = "wall-answer"
WALL_STATUS = "wall-status"
WALL_HEADING = "wall-heading"
WALL_TILES = "wall-tiles"
WALL_ROTATION = "wall-rotation"
WALL_TITLE = "wall-title"
WALL_MAP = "wall-map"

# Keyboard use of the map (assets/map_keys.js finds these by id).
MAP_KEYS_HELP = "map-keys-help"
MAP_ANNOUNCE = "map-announce"
MAP_TOOLTIP = "map-tooltip"
MAP_ZOOM_IN = "map-zoom-in"
MAP_ZOOM_OUT = "map-zoom-out"
MAP_ZOOM_FIT = "map-zoom-fit"
MAP_SHOWN = "map-shown"
MAP_PANEL = "map-panel"
MAP_PATH_TO = "map-path-to"
MAP_PATH_BOX = "map-path-box"
MAP_OPENED = "map-opened"

# The asset-health page (/health): its container, the URL it was asked for, its three parts, and the pattern-matching
# types of what its callback puts in (charts and filters exist only while /health was shown: see layouts/health.py).
PAGE_HEALTH = "page-health"
NAV_HEALTH = "nav-health"
HEALTH_URL = "health-url"
HEALTH_FILTERS = "health-filters"
HEALTH_BODY = "health-body"
HEALTH_SELECTION = "health-selection"
HEALTH_CHART = "health-figure"  # {"type": HEALTH_CHART, "name": …} on every dcc.Graph of the page
HEALTH_FILTER = "health-filter"  # {"type": HEALTH_FILTER, "name": "service" | "class" | "loc" | "group" | "days"}

# Availability and SLA of a business service (issue 13, dashboard/availability.py) and time travel (as of T).
DETAILS_AVAILABILITY = "details-availability"
MAP_ASOF = "map-asof"  # the time-travel slider (seconds since 1970; its right end is live)
MAP_ASOF_SHOWN = "map-asof-shown"
MAP_ASOF_LIVE = "map-asof-live"

# /health report sections: changes followed by incidents, incidents that name no CI, asset lifecycle risk.
HEALTH_CHANGE_FAILURES = "health-change-failures"
HEALTH_CHANGE_FAILURES_BY_TYPE = "health-change-failures-by-type"
HEALTH_CHANGE_FAILURES_BY_TEAM = "health-change-failures-by-team"
HEALTH_CHANGE_FAILURES_PAIRS = "health-change-failures-pairs"
HEALTH_NO_CI = "health-no-ci"
HEALTH_NO_CI_BY_GROUP = "health-no-ci-by-group"
HEALTH_NO_CI_BY_CATEGORY = "health-no-ci-by-category"
HEALTH_NO_CI_INCIDENTS = "health-no-ci-incidents"
HEALTH_LIFECYCLE = "health-lifecycle"
HEALTH_LIFECYCLE_BUCKETS = "health-lifecycle-buckets"
HEALTH_LIFECYCLE_CIS = "health-lifecycle-cis"
HEALTH_LIFECYCLE_FINDINGS = "health-lifecycle-findings"
# The change-pairs list of /health, a page of pairs at a time (pattern ids, "name": the list; a MATCH callback)
HEALTH_PAIRS_LIST = "health-pairs-list"
HEALTH_PAIRS_NEWER = "health-pairs-newer"
HEALTH_PAIRS_OLDER = "health-pairs-older"
HEALTH_PAIRS_PAGE = "health-pairs-page"

# What-if (issue 14, /whatif): the page, its pickers (CIs, CIs with everything in them, sites), answer and export.
PAGE_WHATIF = "page-whatif"
NAV_WHATIF = "nav-whatif"
WHATIF_CIS = "whatif-cis"
WHATIF_WITHIN = "whatif-within"
WHATIF_SITES = "whatif-sites"
WHATIF_BODY = "whatif-body"
WHATIF_EXPORT = "whatif-export"
WHATIF_DOWNLOAD = "whatif-download"

# Map exports (issue 14, item 4): the format picker, its button, and the download of the text formats.
MAP_EXPORT_FORMAT = "map-export-format"
MAP_EXPORT_GO = "map-export-go"
MAP_EXPORT_FILE = "map-export-file"

# Saved views (issue 14, item 3): a name, its button, the owner's views, delete, what happened, and the positions the
# browser read off the map when Save was pressed.
SAVED_NAME = "saved-name"
SAVED_SAVE = "saved-save"
SAVED_LIST = "saved-list"
SAVED_DELETE = "saved-delete"
SAVED_STATUS = "saved-status"
SAVED_CAPTURE = "saved-capture"

# /health's body sent with the page's first layout (a page load at a /health URL): the URL and snapshot version it was
# built for, so that the page callback does not build it again.
HEALTH_BUILT = "health-built"
