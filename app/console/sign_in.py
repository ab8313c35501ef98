"""Signing in and out (`/console/sign-in`, `/console/sign-out`), and the console's static files: no sign-in needed."""

from __future__ import annotations

import logging

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.console import limits
from app.console.auth import end_session, safe_next, start_session
from app.console.blueprints import console_blueprint
from app.console.forms import SignInForm
from app.console.sessions import SIGNED_OUT
from app.extensions import db
from app.staff.passwords import authenticate

log = logging.getLogger(__name__)

bp = console_blueprint("console_public", static_folder="static", static_url_path="/static")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> ResponseReturnValue:
    """Email and password; `?next=` is followed only to another console page."""
    home = url_for("console.home")
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), home))
    form = SignInForm()
    if form.validate_on_submit():
        staff = authenticate(db.session(), str(form.email.data), str(form.password.data))
        if staff is not None:
            start_session(staff)
            log.info("staff id %s (%s) signed in to the console", staff.id, staff.role)
            return redirect(safe_next(request.args.get("next"), home))
        limits.count_refused_sign_in()
        log.info("a console sign-in was refused")  # never the email typed: it may be a password
        form.refuse()
    return render_template("console/sign_in.html", form=form, title="Sign in")


@bp.post("/sign-out")
def sign_out() -> ResponseReturnValue:
    """Ends this session and every other one this person has, then back to the sign-in page."""
    end_session()
    flash(SIGNED_OUT)
    return redirect(url_for(".sign_in"))
