"""Every value mapping from another CMDB's vocabulary onto servicemap's, in one place (documented in docs/profiles.md).

Keys are compared trimmed and in lower case; each profile and importer maps through these tables and nothing else.
Codes and labels both appear, because a replicated table holds the codes while a CSV export holds the labels.
"""

# --- ServiceNow ------------------------------------------------------------------------------------------------------

# --- NetBox ----------------------------------------------------------------------------------------------------------
