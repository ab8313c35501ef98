"""A form sent twice does its work once: a double click, or a resend after a slow answer, must not open two
cases, text a resident twice, or log one call as two attempts.

The first POST of a form (the same member of staff, address and fields) claims a key in Redis for two
minutes; a repeat while the first is working waits for it and is sent where the first was. A first POST
that shows the form again (an error, a check page) gives the key up, so the corrected form goes through.
Redis out of reach lets every POST through, as before: a lost guard must not stop staff working.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, flash, make_response, redirect, request
from flask.typing import ResponseReturnValue
from redis import Redis
from redis.exceptions import RedisError

from app.console.auth import signed_in_staff
from app.jobs import connect

log = logging.getLogger(__name__)

ONCE_FOR_SECONDS = 120
WAIT_FOR_THE_FIRST_SECONDS = 5.0
WORKING = "working"


def once_per_form(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        if request.method != "POST":
            return view(*args, **kwargs)
        key, redis = _key(), _redis()
        try:
            first = redis.set(key, WORKING, nx=True, ex=ONCE_FOR_SECONDS)
        except RedisError as error:
            log.warning("double-submit guard unavailable (%s)", type(error).__name__)
            return view(*args, **kwargs)
        if not first:
            return _where_the_first_went(redis, key) or view(*args, **kwargs)
        response = make_response(view(*args, **kwargs))
        try:
            if response.status_code in (302, 303) and response.location:
                redis.set(key, response.location, xx=True, ex=ONCE_FOR_SECONDS)
            else:
                redis.delete(key)
        except RedisError:
            pass
        return response

    return guarded


def _key() -> str:
    fields = sorted((name, value) for name, value in request.form.items(multi=True) if name != "csrf_token")
    digest = hashlib.sha256(repr((request.path, fields)).encode()).hexdigest()
    return f"console:form:{signed_in_staff().id}:{digest}"


def _redis() -> Redis:
    connection: Redis = current_app.extensions.setdefault("console_redis", connect(current_app.config["REDIS_URL"]))
    return connection


def _where_the_first_went(redis: Redis, key: str) -> ResponseReturnValue | None:
    """The same form sent again: wait for the first to finish and go where it went; None once the first gave
    the key up (it showed the form again), so this one is dealt with on its own."""
    waited_until = time.monotonic() + WAIT_FOR_THE_FIRST_SECONDS
    while True:
        try:
            stored = redis.get(key)
        except RedisError:
            return None
        if stored is None:
            return None
        location = stored.decode() if isinstance(stored, bytes) else str(stored)
        if location != WORKING:
            flash("That form was sent twice: it was dealt with once.")
            return redirect(location)
        if time.monotonic() > waited_until:
            flash("That form was sent twice and the first is still being dealt with: check before sending it again.")
            return redirect(request.referrer or "/console/")
        time.sleep(0.05)
