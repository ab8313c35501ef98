"""The audit log for managers and admins (`/console/audit?case=&staff=`): read-only, newest first, 50 a page.

Every read of a case or recording and every change the console, the API or the CLI audits is here,
by case reference and/or staff email. Nothing on the page can change an event: there is no form
but the filter, which is a GET.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue

from app.audit.log import audit_log
from app.casework.service import find_case_by_reference
from app.console.audit_forms import AuditFilterForm
from app.console.auth import for_roles, require_signed_in
from app.console.blueprints import console_blueprint
from app.console.wording import london_time, yes_no
from app.extensions import db
from app.paging import page_number
from app.staff.access import AUDIT_READERS
from app.staff.accounts import find_staff

bp = console_blueprint("console_audit", guard=require_signed_in)

ISO_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)")


@bp.app_template_filter("audit_value")
def audit_value(value: Any) -> str:
    """A changed field's value as a person reads it: times in London time, yes or no, 'none'."""
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, str) and ISO_INSTANT.fullmatch(value):
        return london_time(datetime.fromisoformat(value))
    if isinstance(value, list):
        return ", ".join(audit_value(item) for item in value) or "none"
    return str(value)


@bp.get("/audit")
@for_roles(*AUDIT_READERS)
def audit() -> ResponseReturnValue:
    """The events on a case and/or by a member of staff (all of them when neither is given)."""
    number = page_number(request.args.get("page"))
    if number is None:
        abort(404)
    form = AuditFilterForm(formdata=request.args)
    entries = None
    if form.validate():
        case = find_case_by_reference(db.session(), form.case.data) if form.case.data else None
        staff = find_staff(db.session(), form.staff.data) if form.staff.data else None
        if form.case.data and case is None:
            form.case.errors = [f"No case has the reference {form.case.data.upper()}"]
        if form.staff.data and staff is None:
            form.staff.errors = ["No member of staff has that email address"]
        if not form.errors:
            entries = audit_log(db.session(), case.id if case else None, staff.id if staff else None, number)
    return render_template("console/audit.html", title="Audit log", form=form, entries=entries)
