"""One way to build a Flask-Limiter for this app: counts in the project's Redis (memory when TESTING).

When Redis cannot be reached the limits fall back to this process's memory, and any other error in
counting lets the request through: a broken counter must not turn the app into 500s. The API, the
console's sign-in and the survey share the app's one limiter (`app_limiter`), each with limits on its own
views under scopes of its own: one limiter is one check before each request, not one per part of the app.
"""

from __future__ import annotations

import logging
import time
from functools import wraps
from typing import Any

from flask import Flask, Response, request
from flask_limiter import Limiter
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


def client_address() -> str:
    return request.remote_addr or "unknown"


def storage_uri(config: Any) -> str:
    """RATELIMIT_STORAGE_URI if set, memory:// when TESTING, else the project's Redis."""
    if config.get("RATELIMIT_STORAGE_URI"):
        return str(config["RATELIMIT_STORAGE_URI"])
    if config.get("TESTING"):
        return "memory://"
    url = str(config["REDIS_URL"])
    return "redis+unix://" + url.removeprefix("unix://") if url.startswith("unix://") else url


def app_limiter(app: Flask) -> Limiter:
    """The app's one limiter, built on first use; each part of the app applies its limits to its own views."""
    if "limiter" not in app.extensions:
        limiter = _make_limiter(app)
        app.after_request(_retry_after(limiter))
        app.extensions["limiter"] = limiter
    return app.extensions["limiter"]  # type: ignore[no-any-return]


def never_limit(app: Flask, blueprints: set[str]) -> None:
    """Requests to these blueprints (which carry no limits) never reach the limiter.

    Flask-Limiter hooks into every request of the app: a check before the view, resolving and evaluating
    limits even where none apply and even when a request filter exempts the request; a step after it that
    looks for conditional deductions; and a clean-up. Together about a twentieth of a Twilio webhook here.
    Each is wrapped so that those blueprints skip it; were any not where Flask-Limiter puts it, the app
    would fail to start rather than run unlimited.
    """
    limiter = app_limiter(app)
    for hooks in (app.before_request_funcs[None], app.after_request_funcs[None], app.teardown_request_funcs[None]):
        _skip_in(blueprints, hooks, limiter)


def _skip_in(blueprints: set[str], hooks: list[Any], limiter: Limiter) -> None:
    """Wrap the limiter's one hook among `hooks` so that requests to `blueprints` pass it by."""
    its = [
        hook for hook in hooks if getattr(hook, "__self__", None) is limiter or getattr(hook, "args", ()) == (limiter,)
    ]
    if len(its) != 1:
        raise ValueError("Flask-Limiter no longer hooks into requests as it did: check never_limit")
    hook = its[0]

    @wraps(hook)
    def unless_never_limited(*args: Any) -> Any:
        if request.blueprint in blueprints:
            return args[0] if args else None  # an after-request step hands the response on
        return hook(*args)

    hooks[hooks.index(hook)] = unless_never_limited


def _retry_after(limiter: Limiter) -> Any:
    """`Retry-After` (seconds) on a refusal only: Flask-Limiter's own headers cost every request a Redis read."""

    def add_retry_after(response: Response) -> Response:
        breached = limiter.current_limit if response.status_code == 429 else None
        if breached is not None:
            try:
                wait = breached.reset_at - time.time()
            except RedisError:  # the counts' store failed: the limit's whole window is a safe answer
                log.warning("rate limit: could not read when the window resets")
                wait = breached.limit.get_expiry()
            response.headers["Retry-After"] = str(max(1, int(wait)))
        return response

    return add_retry_after


def _make_limiter(app: Flask) -> Limiter:
    uri = storage_uri(app.config)
    return Limiter(
        client_address,
        app=app,
        storage_uri=uri,
        # Seconds, so a Redis that hangs costs a request one second before the in-memory fallback.
        storage_options={"socket_connect_timeout": 1, "socket_timeout": 1} if uri.startswith("redis") else {},
        key_prefix="hate-crime-line",
        strategy="moving-window",  # the last minute, whatever the clock says: no double allowance at :00
        headers_enabled=False,  # Retry-After is added on a refusal (above)
        swallow_errors=True,
        in_memory_fallback_enabled=True,
    )
