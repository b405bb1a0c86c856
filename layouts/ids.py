"""Every component id of the app, defined once (a test checks callbacks use only ids that exist in a layout)."""

OVERVIEW_TICK = "overview-tick"
OVERVIEW_STATUS = "overview-status"
OVERVIEW_BODY = "overview-body"
