"""Bearer-token authentication for the JSON API."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, jsonify, request

from app.extensions import db
from app.staff.accounts import staff_for_token


def bearer_token() -> str:
    """The token from `Authorization: Bearer <token>`, or "" when there is none."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def token_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        # A token is ASCII; anything else (a NUL, a stray byte) cannot be one and never reaches the database.
        token = bearer_token()
        staff = staff_for_token(db.session, token) if token.isascii() and token.isprintable() else None
        if staff is None:
            response = jsonify(error="a valid bearer token is required")
            response.status_code = 401
            response.headers["WWW-Authenticate"] = "Bearer"
            return response
        g.staff = staff
        return view(*args, **kwargs)

    return checked
