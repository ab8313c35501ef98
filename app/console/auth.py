"""Who is signed in to the console: Flask-Login over staff accounts, with the session's two clocks.

The session cookie carries the staff id, their session generation (raised by signing out or a new
password, which ends every older session) and two times: when they signed in and when they were
last seen. Every console request checks all three before the page is built.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import Flask, abort, flash, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user

from app.clock import now
from app.console.sessions import as_instant, why_session_ended
from app.extensions import db, login_manager
from app.staff.models import StaffMember
from app.staff.passwords import CONSOLE_ROLES, end_sessions

MAX_ROW_ID = 2**31 - 1  # ids are 32-bit in PostgreSQL


class SignedIn:
    """A member of staff as Flask-Login sees them."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, staff: StaffMember) -> None:
        self.staff = staff

    def get_id(self) -> str:
        return f"{self.staff.id}:{self.staff.session_generation}"


def load_signed_in(user_id: str) -> SignedIn | None:
    """The session's member of staff, if still active, still a console role and their session not ended."""
    staff_id, _, generation = user_id.partition(":")
    if not (staff_id.isdigit() and generation.isdigit()) or int(staff_id) > MAX_ROW_ID:
        return None
    staff = db.session.get(StaffMember, int(staff_id))
    if staff is None or not staff.active or staff.role not in CONSOLE_ROLES:
        return None
    return SignedIn(staff) if staff.session_generation == int(generation) else None


def signed_in_staff() -> StaffMember:
    """The member of staff this console request is for (the pages' guard has checked there is one)."""
    staff: StaffMember = current_user.staff
    return staff


def start_session(staff: StaffMember) -> None:
    """A new session (nothing kept from before signing in, not even the CSRF token) with both clocks started."""
    session.clear()
    login_user(SignedIn(staff))
    session["signed_in_at"] = session["last_seen_at"] = now().timestamp()


def end_session() -> None:
    """Sign out here and everywhere else this person is signed in."""
    staff = getattr(current_user, "staff", None)
    if staff is not None:
        end_sessions(db.session(), staff)
    logout_user()
    session.clear()


def require_signed_in() -> ResponseReturnValue | None:
    """Before every console page: signed in, not idle for 30 minutes, not signed in for over 10 hours."""
    if not current_user.is_authenticated:
        return _to_sign_in()
    instant = now()
    reason = why_session_ended(
        as_instant(session.get("signed_in_at")), as_instant(session.get("last_seen_at")), instant
    )
    if reason is not None:
        logout_user()
        session.clear()
        flash(reason)
        return _to_sign_in()
    session["last_seen_at"] = instant.timestamp()
    return None


def _to_sign_in() -> ResponseReturnValue:
    wanted = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("console_public.sign_in", next=wanted))


def safe_next(target: str | None, home: str) -> str:
    """Where to go after signing in: `target` only when it is a console page on this site, else `home`."""
    if not target or len(target) > 2000 or not target.isprintable() or "\\" in target:
        return home
    parts = urlsplit(target)
    on_this_site = not parts.scheme and not parts.netloc and not parts.path.startswith("//")
    console_page = parts.path.startswith("/console/") and not parts.path.startswith("/console/sign-")
    # A browser resolves "..", also written "%2e%2e", so "/console/../x" would leave the console.
    climbs = any(segment in {".", ".."} for segment in unquote(parts.path).split("/"))
    return target if on_this_site and console_page and not climbs else home


def for_roles(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Only these roles may use the page; anyone else signed in gets 403."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if signed_in_staff().role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return checked

    return decorate


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_signed_in)
