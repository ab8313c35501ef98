"""Rate limits on the JSON API, never on Twilio's webhooks: per address, per token, and failed tokens.

Counts live in Redis (in memory when TESTING). When Redis cannot be reached the limits fall back
to this process's memory, and any other error in counting lets the request through: a broken
counter must not turn the API into 500s.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from flask import Blueprint, Flask, Response, request
from flask_limiter import Limiter

from app.api.auth import authenticated_staff, bearer_token


def client_address() -> str:
    return request.remote_addr or "unknown"


def token_key() -> str:
    """A hash of the bearer token: the token itself is never stored, not even in Redis."""
    return hashlib.sha256(bearer_token().encode("utf-8", "replace")).hexdigest()


def no_token() -> bool:
    return not bearer_token()


def valid_token() -> bool:
    return authenticated_staff() is not None


def refused_token(response: Response) -> bool:
    return response.status_code == 401


def storage_uri(config: Any) -> str:
    """RATELIMIT_STORAGE_URI if set, memory:// when TESTING, else the project's Redis."""
    if config.get("RATELIMIT_STORAGE_URI"):
        return str(config["RATELIMIT_STORAGE_URI"])
    if config.get("TESTING"):
        return "memory://"
    url = str(config["REDIS_URL"])
    return "redis+unix://" + url.removeprefix("unix://") if url.startswith("unix://") else url


def init_app(app: Flask, blueprints: Iterable[Blueprint]) -> Limiter:
    """One limiter per app; the limits are settings (see the README's Settings)."""
    uri = storage_uri(app.config)
    limiter = Limiter(
        client_address,
        app=app,
        storage_uri=uri,
        # Seconds, so a Redis that hangs costs a request one second before the in-memory fallback.
        storage_options={"socket_connect_timeout": 1, "socket_timeout": 1} if uri.startswith("redis") else {},
        key_prefix="api-limits",
        strategy="moving-window",  # the last minute, whatever the clock says: no double allowance at :00
        headers_enabled=True,
        swallow_errors=True,
        in_memory_fallback_enabled=True,
    )
    per_address = limiter.shared_limit(app.config["API_LIMIT_PER_ADDRESS"], scope="address")
    per_token = limiter.shared_limit(
        app.config["API_LIMIT_PER_TOKEN"], scope="token", key_func=token_key, exempt_when=no_token
    )
    # Counted only when the token is refused; once over, guesses from that address wait. A valid token is
    # never held back by someone else's guessing: behind a proxy that hides addresses (TRUSTED_PROXY_COUNT
    # unset) every caller shares one address, and the website's reports must still get through.
    failed_tokens = limiter.shared_limit(
        app.config["API_FAILED_TOKEN_LIMIT"], scope="failed-token", deduct_when=refused_token, exempt_when=valid_token
    )
    for blueprint in blueprints:
        for limit in (per_address, per_token, failed_tokens):
            limit(blueprint)
    app.extensions["api_limiter"] = limiter
    return limiter
