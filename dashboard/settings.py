"""Settings: one frozen dataclass, read from SERVICEMAP_* environment variables, overridden by CLI flags."""

import os
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import sqlalchemy as sa

from dashboard.cmdb.profiles import profile_named

ENV_PREFIX = "SERVICEMAP_"
DEMO_CIS, DEMO_SEED = 2000, 42
# Raised when the sample generator writes other rows for the same size and seed (2: network uplinks are 'uplinked to',
# peer links 'connects to'; 3: change types and teams, incident groups and categories, service-desk tickets that name
# no CI, hardware lifecycle dates), so that a demo generated before is not served as the current one.
SAMPLE_FORMAT = 3
MIN_REFRESH_SECONDS = 5.0
MIN_MAP_BUDGET, MAX_MAP_BUDGET = 50, 10_000
_PREFIX = re.compile(r"/([A-Za-z0-9._\-]+/)*")
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?")


def data_home() -> Path:
    """Where servicemap keeps its own files (the demo CMDB): $SERVICEMAP_HOME, else the XDG data directory."""
    if home := os.environ.get(f"{ENV_PREFIX}HOME"):
        return Path(home)
    xdg = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(xdg) / "servicemap"


def demo_database_url(cis: int = DEMO_CIS, seed: int = DEMO_SEED) -> str:
    """The SQLite URL of a sample CMDB (named by size, seed and the generator's format, so another size or seed, or a
    demo written by an older generator, gets its own file)."""
    return f"sqlite:///{data_home() / f'demo-{cis}-seed{seed}-v{SAMPLE_FORMAT}.sqlite'}"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything that can be configured. Field foo reads SERVICEMAP_FOO."""

    database_url: str = ""
    refresh_seconds: float = 60.0  # how often to check the CMDB for changes; 0 disables background refresh
    cmdb_deadline_seconds: float = 120.0  # a refresh running longer marks the data stale and is tried again
    health_days: int = 7  # how much health history the snapshot holds
    load_path: str = "auto"  # auto, adbc or read_sql
    profile: str = "native"  # the CMDB's schema: native, servicenow, netbox, or a mapping file (.toml/.yaml)
    host: str = "127.0.0.1"
    port: int = 8050
    title: str = "servicemap"
    map_budget: int = 2000  # nodes + edges a map may send to the browser
    frame_ancestors: str = ""  # origins (space-separated) whose pages may show servicemap in an iframe
    url_prefix: str = "/"  # the path servicemap is reached under, e.g. /servicemap/ behind a reverse proxy
    proxy_strips_prefix: bool = False  # True when the proxy removes url_prefix before passing requests on
    auth: str = "none"  # none, proxy (a user header from trusted_proxies), basic (basic_users_file) or oidc
    anonymous: bool = False  # read-only access without signing in (the demo turns it on)
    proxy_user_header: str = "X-Forwarded-User"
    trusted_proxies: str = ""  # addresses or networks (space- or comma-separated) the user header may come from
    basic_users_file: str = ""  # name:hash lines, hashes from werkzeug.security.generate_password_hash
    secret_key: str = field(default="", repr=False)  # signs session cookies; default: $SERVICEMAP_HOME/secret_key
    redis_url: str = field(default="", repr=False)  # counts failed sign-ins across workers (default: in memory)
    oidc_issuer: str = ""  # auth=oidc: the provider's discovery URL (or its base URL)
    oidc_client_id: str = ""
    oidc_client_secret: str = field(default="", repr=False)
    # Availability (docs/availability.md): the SLA target of a business service without an `sla_target` attribute, in
    # percent, and whether P2 incidents count as outages (by default only P1 do).
    sla_target: float = 99.9
    sla_count_p2: bool = False
    # servicemap's own state (saved views): SQLite in $SERVICEMAP_HOME by default; a PostgreSQL URL for several hosts.
    # Never the CMDB: servicemap does not write to a database it reads (validated below).
    state_url: str = field(default="", repr=False)

    @property
    def frame_ancestor_list(self) -> tuple[str, ...]:
        """The origins that may frame servicemap, besides its own."""
        return tuple(self.frame_ancestors.split())

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> "Settings":
        """Settings from the environment, then the given overrides (None values are ignored)."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for setting in fields(cls):
            raw = environ.get(ENV_PREFIX + setting.name.upper())
            if raw is not None and raw != "":
                values[setting.name] = _parse(setting.type, raw, setting.name)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values).validated()

    def validated(self) -> "Settings":
        """The same settings with values checked and clamped; raises ValueError for values that make no sense."""
        if self.load_path not in ("auto", "adbc", "read_sql"):
            raise ValueError(f"load_path must be auto, adbc or read_sql, not {self.load_path!r}")
        profile_named(self.profile)  # raises ValueError naming the profiles there are
        if not 0 < self.port < 65536:
            raise ValueError(f"port must be between 1 and 65535, not {self.port}")
        if not MIN_MAP_BUDGET <= self.map_budget <= MAX_MAP_BUDGET:
            raise ValueError(f"map_budget must be between {MIN_MAP_BUDGET} and {MAX_MAP_BUDGET}, not {self.map_budget}")
        for origin in self.frame_ancestor_list:
            if not _ORIGIN.fullmatch(origin):
                raise ValueError(f"frame_ancestors: {origin!r} is not an origin such as https://portal.example.com")
        prefix = "/" + "/".join(part for part in self.url_prefix.split("/") if part)
        prefix = prefix if prefix == "/" else prefix + "/"
        if not _PREFIX.fullmatch(prefix):
            raise ValueError(f"url_prefix: {self.url_prefix!r} may hold only letters, digits, '-', '_', '.' and '/'")
        if self.cmdb_deadline_seconds <= 0:
            raise ValueError(f"cmdb_deadline_seconds must be more than 0, not {self.cmdb_deadline_seconds}")
        if not 0 < self.sla_target <= 100:
            raise ValueError(f"sla_target must be a percentage above 0 and at most 100, not {self.sla_target}")
        refresh = self.refresh_seconds
        if refresh != 0:
            refresh = max(refresh, MIN_REFRESH_SECONDS)
        database_url = self.database_url or demo_database_url()
        state_url = self.state_url or f"sqlite:///{data_home() / 'state.sqlite'}"
        if _same_database(state_url, database_url):
            raise ValueError(
                "state_url names the CMDB: servicemap never writes to the CMDB; give a database of its own"
            )
        return replace(self, refresh_seconds=refresh, database_url=database_url, url_prefix=prefix, state_url=state_url)


def _same_database(one: str, other: str) -> bool:
    """True when two URLs name the same database (same backend, host, port and database; a SQLite file by its path)."""
    try:
        a, b = sa.make_url(one), sa.make_url(other)
    except sa.exc.ArgumentError:
        return False
    if a.get_backend_name() == b.get_backend_name() == "sqlite":
        return bool(a.database) and Path(a.database).resolve() == Path(b.database or "").resolve()
    return (a.get_backend_name(), a.host, a.port, a.database) == (b.get_backend_name(), b.host, b.port, b.database)


def _parse(kind: object, raw: str, name: str) -> object:
    if kind in (bool, "bool"):
        if raw.strip().lower() not in (*_TRUE, *_FALSE):
            raise ValueError(f"{ENV_PREFIX}{name.upper()}={raw!r} is not one of {'/'.join(_TRUE + _FALSE)}")
        return raw.strip().lower() in _TRUE
    try:
        if kind in (int, "int"):
            return int(raw)
        if kind in (float, "float"):
            return float(raw)
    except ValueError:
        raise ValueError(f"{ENV_PREFIX}{name.upper()}={raw!r} is not a number") from None
    return raw
