"""Schema profiles: how another CMDB's tables and columns map onto servicemap's model (see docs/profiles.md).

A profile turns whatever tables a database has into one SELECT per native table whose columns carry the native
names, and maps the values read (status codes, priorities, relationship types, ids) onto servicemap's vocabulary.
Loading through a profile uses the same reading path as the native tables.
"""

from pathlib import Path

from dashboard.cmdb.profiles.base import Plan, Present, Profile

PROFILE_NAMES: tuple[str, ...] = ("native", "servicenow", "netbox")

__all__ = ["PROFILE_NAMES", "Plan", "Present", "Profile", "profile_named"]


def profile_named(name: str) -> Profile:
    """The profile called `name` (native, servicenow, netbox) or read from a mapping file (.toml, .yaml, .yml)."""
    key = name.strip().lower()
    if key in ("", "native"):
        from dashboard.cmdb.profiles.native import NATIVE

        return NATIVE
    if key == "servicenow":
        from dashboard.cmdb.profiles.servicenow import SERVICENOW

        return SERVICENOW
    if key == "netbox":
        from dashboard.cmdb.profiles.netbox import NETBOX

        return NETBOX
    path = Path(name)
    if path.suffix.lower() in (".toml", ".yaml", ".yml"):
        from dashboard.cmdb.profiles.mapping import mapping_profile

        return mapping_profile(path)
    raise ValueError(f"profile must be one of {', '.join(PROFILE_NAMES)} or a mapping file (.toml/.yaml), not {name!r}")
