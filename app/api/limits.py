"""Rate limits on the JSON API, never on Twilio's webhooks: per address, per token, and failed tokens.

Counts live in Redis (in memory when TESTING), through the limiter that app/rate_limits.py builds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from flask import Blueprint, Flask, Response
from flask_limiter import Limiter

from app.api.auth import authenticated_staff, bearer_token
from app.rate_limits import app_limiter, storage_uri

__all__ = ["init_app", "storage_uri"]


def token_key() -> str:
    """A hash of the bearer token: the token itself is never stored, not even in Redis."""
    return hashlib.sha256(bearer_token().encode("utf-8", "replace")).hexdigest()


def no_token() -> bool:
    return not bearer_token()


def valid_token() -> bool:
    return authenticated_staff() is not None


def refused_token(response: Response) -> bool:
    return response.status_code == 401


def init_app(app: Flask, blueprints: Iterable[Blueprint]) -> Limiter:
    """The API's limits on the app's limiter; the limits are settings (see the README's Settings)."""
    limiter = app_limiter(app)
    per_address = limiter.shared_limit(app.config["API_LIMIT_PER_ADDRESS"], scope="api-address")
    per_token = limiter.shared_limit(
        app.config["API_LIMIT_PER_TOKEN"], scope="api-token", key_func=token_key, exempt_when=no_token
    )
    # Counted only when the token is refused; once over, guesses from that address wait. A valid token is
    # never held back by someone else's guessing: behind a proxy that hides addresses (TRUSTED_PROXY_COUNT
    # unset) every caller shares one address, and the website's reports must still get through.
    failed_tokens = limiter.shared_limit(
        app.config["API_FAILED_TOKEN_LIMIT"],
        scope="api-failed-token",
        deduct_when=refused_token,
        exempt_when=valid_token,
    )
    for blueprint in blueprints:
        for limit in (per_address, per_token, failed_tokens):
            limit(blueprint)
    return limiter
