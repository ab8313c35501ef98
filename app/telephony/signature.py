"""Twilio webhook signatures, checked against the public URL Twilio called.

Behind a TLS-terminating proxy Flask sees http:// and its own host, so the
URL is rebuilt from PUBLIC_BASE_URL plus the path and raw query string. A
signed request must also name our account: the signature cannot tell where
one value ends and the next key begins, so a re-split AccountSid validates.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, current_app, request
from twilio.request_validator import RequestValidator

log = logging.getLogger(__name__)


def public_url(path: str, query: str = "") -> str:
    base = str(current_app.config["PUBLIC_BASE_URL"])
    return f"{base}{path}?{query}" if query else f"{base}{path}"


def requested_public_url() -> str:
    return public_url(request.path, request.query_string.decode("latin-1"))


def is_signed_by_twilio() -> bool:
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    validator = RequestValidator(str(current_app.config["TWILIO_AUTH_TOKEN"]))
    return bool(validator.validate(requested_public_url(), request.form.to_dict(flat=True), signature))


def is_for_our_account() -> bool:
    return request.form.get("AccountSid") == str(current_app.config["TWILIO_ACCOUNT_SID"])


def twilio_signed(view: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse (403, nothing stored) any request Twilio did not sign for our account."""

    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        if not is_signed_by_twilio():
            log.warning("rejected unsigned or wrongly signed request to %s", request.path)
            abort(403)
        if not is_for_our_account():
            log.warning("rejected a signed request to %s that names another account", request.path)
            abort(403)
        return view(*args, **kwargs)

    return checked
