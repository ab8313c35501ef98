"""Single sign-on with the council's OpenID Connect provider (`/console/sign-in/oidc` and its callback).

Only where OIDC_ISSUER is set (404 otherwise). Authlib's Flask client reads the provider's discovery
document, sends the person there with a state, a nonce and a PKCE challenge (kept in the session
cookie until they come back), exchanges the code, and checks the ID token: its signature against the
provider's published keys, the issuer, the audience (our client id), the nonce and its expiry. The
verified email then names the console account (`app.staff.single_sign_on`), and the session starts
exactly as a password sign-in's does. Refusals are logged by reason, never with the email.
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from authlib.integrations.flask_client import OAuth, OAuthError
from flask import Flask, abort, current_app, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from joserfc.errors import JoseError

from app.console.auth import safe_next, start_session
from app.console.blueprints import console_blueprint
from app.extensions import db
from app.staff.single_sign_on import (
    DEACTIVATED,
    NO_ACCOUNT,
    NO_VERIFIED_EMAIL,
    NOT_A_CONSOLE_ROLE,
    SignOnRefused,
    account_signing_on,
)

log = logging.getLogger(__name__)

bp = console_blueprint("console_oidc")

PROVIDER = "council"
_EXTENSION = "console_single_sign_on"
_NEXT = "single_sign_on_next"
TIMEOUT_SECONDS = 10
# How far the provider's clock may be from ours when checking a token's times.
LEEWAY_SECONDS = 120

# Why a sign-in was refused -> (status, heading, what to do), in words for the person refused.
DID_NOT_WORK = "did_not_work"
UNAVAILABLE = "provider_unavailable"
REFUSALS = {
    NO_ACCOUNT: (
        403,
        "You do not have a console account",
        "Your council account signed you in, but no console account has its email address. "
        "Ask a console admin to create one.",
    ),
    DEACTIVATED: (
        403,
        "Your console account has been deactivated",
        "Ask a console admin or your manager if you need to use the console again.",
    ),
    NOT_A_CONSOLE_ROLE: (403, "This account cannot use the console", "It is for the read API only."),
    NO_VERIFIED_EMAIL: (
        403,
        "Your council account did not confirm your email address",
        "The console matches people to their accounts by a verified email address. Ask IT to check the "
        "console's single sign-on settings.",
    ),
    DID_NOT_WORK: (
        400,
        "Signing in with your council account did not work",
        "Go back to the sign-in page and try again.",
    ),
    UNAVAILABLE: (
        502,
        "The council's sign-in service cannot be reached",
        "Try again in a few minutes. If you have a console password you can sign in with it instead.",
    ),
}


def discovery_url(issuer: str) -> str:
    return f"{issuer.rstrip('/')}/.well-known/openid-configuration"


def init_app(app: Flask) -> None:
    """The routes always; the provider's client only where OIDC_ISSUER is set (with its client id and secret)."""
    app.register_blueprint(bp)
    issuer = str(app.config.get("OIDC_ISSUER") or "")
    if not issuer:
        return
    if not (app.config.get("OIDC_CLIENT_ID") and app.config.get("OIDC_CLIENT_SECRET")):
        raise RuntimeError("OIDC_ISSUER is set: set OIDC_CLIENT_ID and OIDC_CLIENT_SECRET too")
    oauth = OAuth(app)
    oauth.register(
        PROVIDER,
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=discovery_url(issuer),
        client_kwargs={
            "scope": "openid email profile",
            "code_challenge_method": "S256",
            "default_timeout": TIMEOUT_SECONDS,
        },
    )
    app.extensions[_EXTENSION] = oauth


def provider() -> Any:
    """The council's provider as Authlib's client; 404 where single sign-on is not set up."""
    oauth = current_app.extensions.get(_EXTENSION)
    if oauth is None:
        abort(404)
    return oauth.create_client(PROVIDER)


def callback_url() -> str:
    """Where the provider sends people back: registered with it as the app's redirect URI."""
    return str(current_app.config["PUBLIC_BASE_URL"]) + url_for(".callback")


def id_token_checks() -> dict[str, dict[str, Any]]:
    """Beyond the signature and the nonce: our issuer exactly, our client id among the audiences, and an expiry."""
    return {
        "iss": {"essential": True, "value": current_app.config["OIDC_ISSUER"]},
        "aud": {"essential": True, "value": current_app.config["OIDC_CLIENT_ID"]},
        "exp": {"essential": True},
    }


def refused(reason: str, detail: str = "") -> ResponseReturnValue:
    status, heading, advice = REFUSALS[reason]
    log.info("a council sign-in to the console was refused: %s%s", reason, f" ({detail})" if detail else "")
    page = render_template("console/sign_in_refused.html", title=heading, advice=advice)
    return page, status


@bp.get("/sign-in/oidc")
def start() -> ResponseReturnValue:
    """Off to the council's provider; `?next=` is kept for the way back, if it is a console page."""
    council = provider()
    home = url_for("console.home")
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), home))
    session[_NEXT] = safe_next(request.args.get("next"), home)
    try:
        response: ResponseReturnValue = council.authorize_redirect(callback_url())
    except requests.RequestException as error:  # the discovery document could not be read
        return refused(UNAVAILABLE, type(error).__name__)
    return response


@bp.get("/sign-in/oidc/callback")
def callback() -> ResponseReturnValue:
    """Back from the provider: check the ID token, find the account, start the session."""
    council = provider()
    try:
        token = council.authorize_access_token(claims_options=id_token_checks(), leeway=LEEWAY_SECONDS)
    except OAuthError as error:  # the state does not match, the person cancelled, the code was refused
        return refused(DID_NOT_WORK, str(error.error))
    except JoseError as error:  # the ID token's signature, issuer, audience, nonce or expiry is wrong
        return refused(DID_NOT_WORK, f"ID token: {type(error).__name__} {getattr(error, 'claim', '')}".strip())
    except requests.RequestException as error:
        return refused(UNAVAILABLE, type(error).__name__)
    claims = token.get("userinfo")
    if not claims:
        return refused(DID_NOT_WORK, "no ID token")
    try:
        staff = account_signing_on(db.session(), claims)
    except SignOnRefused as refusal:
        return refused(refusal.reason)
    next_page = session.get(_NEXT)
    start_session(staff)
    log.info("staff id %s (%s) signed in to the console with their council account", staff.id, staff.role)
    return redirect(safe_next(next_page if isinstance(next_page, str) else None, url_for("console.home")))
