"""Failed sign-ins are limited (Flask-Limiter): FAILURES a minute per client address and per user name, then 429
with Retry-After until the window moves on. Counted in memory (per worker), or in Redis when SERVICEMAP_REDIS_URL is
set, shared by every worker and host. Only requests that send credentials are counted or checked."""

from collections.abc import Callable

import flask
from flask_limiter import ApplicationLimit, Limiter

FAILURES = "10 per minute"


def install(
    server: flask.Flask, prefix: str, redis_url: str, client_address: Callable[[flask.Request], str]
) -> Limiter:
    """Check the limits before any password is checked; count a request when its credentials were refused.
    client_address names the client (behind a trusted proxy, the address the proxy forwards for)."""

    def address() -> str:
        return client_address(flask.request)

    def exempt() -> bool:
        return not flask.request.path.startswith(prefix) or flask.request.authorization is None

    def failed(response: flask.Response) -> bool:
        return bool(flask.g.get("servicemap_signin_failed"))

    limits = [
        ApplicationLimit(FAILURES, key_function=key, scope=scope, exempt_when=exempt, deduct_when=failed)
        for scope, key in (("sign-in-address", address), ("sign-in-user", _user_name))
    ]
    limiter = Limiter(
        key_func=address,
        application_limits=limits,
        storage_uri=redis_url or "memory://",
        strategy="moving-window",
        headers_enabled=True,
        retry_after="delta-seconds",
        key_prefix="servicemap",
        # Redis unreachable: count in this worker's memory meanwhile, rather than refuse every sign-in.
        in_memory_fallback_enabled=True,
        swallow_errors=True,
    )
    limiter.init_app(server)
    return limiter


def _user_name() -> str:
    credentials = flask.request.authorization
    return (credentials.username or "") if credentials is not None else ""
