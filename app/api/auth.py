"""Bearer-token authentication for the JSON API."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, jsonify, request

from app.extensions import db
from app.staff.accounts import staff_for_token
from app.staff.models import StaffMember

_STAFF_KEY = "hate_crime_line.api_staff"


def bearer_token() -> str:
    """The token from `Authorization: Bearer <token>`, or "" when there is none."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def authenticated_staff() -> StaffMember | None:
    """The staff member whose valid token this request carries, looked up once per request."""
    # Kept on the request itself: `g` can outlive one request when an app context is already pushed.
    if _STAFF_KEY not in request.environ:
        # A token is ASCII; anything else (a NUL, a stray byte) cannot be one and never reaches the database.
        token = bearer_token()
        found = staff_for_token(db.session(), token) if token.isascii() and token.isprintable() else None
        request.environ[_STAFF_KEY] = found
    staff: StaffMember | None = request.environ[_STAFF_KEY]
    return staff


def token_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        staff = authenticated_staff()
        if staff is None:
            response = jsonify(error="a valid bearer token is required")
            response.status_code = 401
            response.headers["WWW-Authenticate"] = "Bearer"
            return response
        g.staff = staff
        return view(*args, **kwargs)

    return checked
