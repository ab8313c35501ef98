"""Refused sign-ins are limited per account and per address (Flask-Limiter; Redis, or memory in tests).

Only refusals count: a wrong password, an unknown email, an account that may not sign in. Once an
account or an address is over its limit, every sign-in for it waits, even with the right password,
and the page says how long. The limits cover the sign-in form alone.
"""

from __future__ import annotations

import hashlib
import math

from flask import Blueprint, Flask, Response, make_response, render_template, request
from flask_limiter import RequestLimit

from app.console.forms import SignInForm
from app.rate_limits import app_limiter

_REFUSED = "hate_crime_line.sign_in_refused"
SIGN_IN_ENDPOINT = "console_public.sign_in"


def count_refused_sign_in() -> None:
    """Mark this request as a refused sign-in, which the limits count once the response is made."""
    request.environ[_REFUSED] = True


def refused(_response: Response) -> bool:
    return bool(request.environ.get(_REFUSED))


def account_key() -> str:
    """A hash of the email typed: the limit follows the account, and Redis holds no email address."""
    email = request.form.get("email", "").strip().lower()
    return hashlib.sha256(email.encode("utf-8", "replace")).hexdigest()


def not_signing_in() -> bool:
    return request.endpoint != SIGN_IN_ENDPOINT


def not_signing_in_to_an_account() -> bool:
    return not_signing_in() or not request.form.get("email", "").strip()


def locked_out(limit: RequestLimit) -> Response:
    """The sign-in page again, saying how long to wait (429)."""
    minutes = math.ceil(limit.limit.get_expiry() / 60)
    page = render_template("console/sign_in.html", form=SignInForm(), title="Sign in", locked_out_minutes=minutes)
    return make_response(page, 429)


def init_app(app: Flask, blueprint: Blueprint) -> None:
    limiter = app_limiter(app)
    per_account = limiter.shared_limit(
        app.config["SIGN_IN_LIMIT_PER_ACCOUNT"],
        scope="sign-in-account",
        key_func=account_key,
        methods=["POST"],
        deduct_when=refused,
        exempt_when=not_signing_in_to_an_account,
        on_breach=locked_out,
    )
    per_address = limiter.shared_limit(
        app.config["SIGN_IN_LIMIT_PER_ADDRESS"],
        scope="sign-in-address",
        methods=["POST"],
        deduct_when=refused,
        exempt_when=not_signing_in,
        on_breach=locked_out,
    )
    per_account(blueprint)
    per_address(blueprint)
