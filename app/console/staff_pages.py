"""Staff accounts (`/console/staff`, `/console/staff/<id>`): admins change them, managers read them.

Each change goes through `app.staff.changes`, which checks it and audits it with the old and new
values in the same commit. A password reset is a form with the new password typed twice (as
`flask staff set-password` asks for it): the admin tells the person, and every session they had ends.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from app.console.auth import MAX_ROW_ID, for_roles, require_signed_in, signed_in_staff, start_session
from app.console.blueprints import console_blueprint
from app.console.staff_forms import ChangeAccountForm, NewAccountForm, PasswordResetForm, sentence
from app.extensions import db
from app.staff.accounts import StaffError, managers_to_choose, staff_by_name
from app.staff.changes import add_staff, change_staff, reset_password
from app.staff.models import StaffMember
from app.staff.passwords import CONSOLE_ROLES

bp = console_blueprint("console_staff", guard=require_signed_in)

READERS = ("manager", "admin")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NEW_ACCOUNT_DEFAULTS = {"working_days": ["0", "1", "2", "3", "4"], "works_from": "09:00", "works_until": "17:00"}


@bp.app_template_filter("days")
def days(working_days: Sequence[int]) -> str:
    """[0, 1, 2, 3, 4] -> 'Monday to Friday'; [0, 2] -> 'Monday, Wednesday'."""
    chosen = sorted(working_days)
    if len(chosen) > 2 and chosen == list(range(chosen[0], chosen[-1] + 1)):
        return f"{DAY_NAMES[chosen[0]]} to {DAY_NAMES[chosen[-1]]}"
    return ", ".join(DAY_NAMES[day] for day in chosen) or "None"


def only_admins_change() -> None:
    """Managers read these pages; a form sent by anyone but an admin is refused."""
    if request.method == "POST" and signed_in_staff().role != "admin":
        abort(403)


@bp.route("/staff", methods=["GET", "POST"])
@for_roles(*READERS)
def staff_list() -> ResponseReturnValue:
    """Every account; an admin adds one with the form below the list."""
    only_admins_change()
    form = None
    if signed_in_staff().role == "admin":
        form = NewAccountForm(data=NEW_ACCOUNT_DEFAULTS)
        form.offer_managers(managers_to_choose(db.session()))
        if form.validate_on_submit() and (created := create_account(form)):
            return redirect(url_for(".staff_member", staff_id=created.id))
    accounts = staff_by_name(db.session())
    return render_template("console/staff_list.html", title="Staff accounts", accounts=accounts, form=form)


def create_account(form: NewAccountForm) -> StaffMember | None:
    """The new account; None when the staff rules refused it (the form says why)."""
    try:
        email, name, details = str(form.email.data), str(form.name.data), form.details()
        member = add_staff(db.session(), email, name, details, by=signed_in_staff(), address=request.remote_addr)
    except StaffError as error:
        db.session.rollback()
        form.refuse(error)
        return None
    flash(f"Account created for {member.name}.")
    return member


@bp.route("/staff/<int:staff_id>", methods=["GET", "POST"])
@for_roles(*READERS)
def staff_member(staff_id: int) -> ResponseReturnValue:
    """One account; an admin changes it or resets its password (two forms, each saying which it is)."""
    only_admins_change()
    member = db.session.get(StaffMember, staff_id) if staff_id <= MAX_ROW_ID else None
    if member is None:
        abort(404)
    if signed_in_staff().role != "admin":
        return render_template("console/staff_member.html", title=member.name, member=member)
    sent = request.form.get("form") if request.method == "POST" else None
    if sent not in (None, "account", "password"):
        abort(400)
    managers = managers_to_choose(db.session(), member)
    account_form = ChangeAccountForm.of(member, managers, request.form if sent == "account" else None)
    password_form = PasswordResetForm(prefix="password", formdata=request.form if sent == "password" else None)
    if sent == "account" and account_form.validate() and (after := change_account(member, account_form)):
        return redirect(after)
    if sent == "password" and password_form.validate() and set_new_password(member, password_form):
        return redirect(url_for(".staff_member", staff_id=member.id))
    return render_template(
        "console/staff_member.html",
        title=member.name,
        member=member,
        account_form=account_form,
        password_form=password_form if member.role in CONSOLE_ROLES else None,
        form=password_form if sent == "password" else account_form,  # the one whose errors are summarised
    )


def change_account(member: StaffMember, form: ChangeAccountForm) -> str | None:
    """Save the change; where to go next, or None when the staff rules refused it (the form says why)."""
    admin = signed_in_staff()
    try:
        details = form.details(active=form.active.data == "yes")
        changed = change_staff(db.session(), member, details, by=admin, address=request.remote_addr)
    except StaffError as error:
        db.session.rollback()
        form.refuse(error)
        return None
    flash(f"Changes saved for {member.name}." if changed else "Nothing was changed.")
    if member.id == admin.id and (not member.active or member.role not in READERS):
        return url_for("console.home")  # they may no longer use this page
    return url_for(".staff_member", staff_id=member.id)


def set_new_password(member: StaffMember, form: PasswordResetForm) -> bool:
    """Set the new password; False when the password rules refused it (the form says why)."""
    admin = signed_in_staff()
    try:
        reset_password(db.session(), member, str(form.password.data), by=admin, address=request.remote_addr)
    except StaffError as error:
        db.session.rollback()
        form.password.errors = [sentence(error)]
        return False
    if member.id == admin.id:
        start_session(member)  # a new password ends every session, but not the one that set it
    flash(f"New password set for {member.name}. Tell them it in person or by phone: any session they had has ended.")
    return True
