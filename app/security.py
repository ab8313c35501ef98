"""Security headers on every response, set in one place: a Content-Security-Policy with a nonce per request;
and the cookie session, opened only for browsers (`BrowserSessions`).

A page may run only scripts and styles from this site, plus inline ones carrying this request's
nonce (`csp_nonce()` in templates). Nothing may frame the app, and the console's pages (personal
data) are never stored by a browser or proxy cache.
"""

from __future__ import annotations

import secrets

from flask import Flask, Request, Response, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

_NONCE_KEY = "hate_crime_line.csp_nonce"

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)


def csp_nonce() -> str:
    """This request's nonce, made on first use."""
    # Kept on the request itself: `g` can outlive one request when an app context is already pushed.
    if _NONCE_KEY not in request.environ:
        request.environ[_NONCE_KEY] = secrets.token_urlsafe(18)
    nonce: str = request.environ[_NONCE_KEY]
    return nonce


def content_security_policy(nonce: str | None) -> str:
    """The policy; inline scripts and styles may run only with `nonce` (None: none may)."""
    inline = f" 'nonce-{nonce}'" if nonce else ""
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self'{inline}",
            f"style-src 'self'{inline}",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


# For everything but a page (TwiML, JSON, a PDF, a stylesheet): nothing in it is inline, so no nonce to make.
NO_INLINE_POLICY = content_security_policy(None)


def add_security_headers(response: Response) -> Response:
    is_page = response.mimetype == "text/html"
    response.headers["Content-Security-Policy"] = content_security_policy(csp_nonce()) if is_page else NO_INLINE_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    # Same-origin: a case reference in a console URL never reaches another site, and Flask-WTF's
    # https CSRF check (which wants a same-origin Referer) still works.
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = PERMISSIONS_POLICY
    if request.path.startswith("/console") and request.endpoint != "console_public.static":
        response.headers["Cache-Control"] = "no-store"
    return response


class BrowserSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie session, opened only where a browser signs in or fills in a form.

    Twilio's webhooks and the bearer-token API never read or keep anything in a session: they get
    Flask's null session (reading works, writing raises) and skip building the cookie's signer
    twice a request, a sixth of what the framework costs a webhook here.
    """

    def __init__(self, sessionless_paths: tuple[str, ...]) -> None:
        self.sessionless_paths = sessionless_paths

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(self.sessionless_paths):
            return None
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
