"""Splitting a further report off a case (`POST /console/cases/<reference>/incidents/<id>/split`).

A report within 28 days of a case closing reopens it as an incident (app/casework/reopening.py),
"unless staff decide otherwise": an officer or manager who decides the report is something else
makes it a case of its own. Splitting can close the case again, so only those who decide its closure may
(`lifecycle.may_decide_closure`: its named officer and managers). The form carries the session's CSRF
token (the console blueprint checks it); a case the person may not see, or an incident not on it, answers
404, and a case they see but do not decide on answers 403.
"""

from __future__ import annotations

from flask import Flask, abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from app.casework.incident_split import incident_on, split_incident
from app.casework.lifecycle import may_decide_closure
from app.casework.models import Case
from app.casework.references import looks_like_reference
from app.console.auth import for_roles, require_signed_in, signed_in_staff
from app.console.blueprints import console_blueprint
from app.extensions import db
from app.staff.access import visible_case_by_reference

bp = console_blueprint("console_incidents", guard=require_signed_in)

SPLITTING_ROLES = ("officer", "manager")  # and of those, only the case's named officer (may_decide_closure)


@bp.post("/cases/<reference>/incidents/<int:incident_id>/split", merge_slashes=False)
@for_roles(*SPLITTING_ROLES)
def split(reference: str, incident_id: int) -> ResponseReturnValue:
    """The incident becomes a new case; the page of the new case says so."""
    staff = signed_in_staff()
    case = visible_case_by_reference(db.session(), staff, reference) if looks_like_reference(reference) else None
    incident = incident_on(case, incident_id) if case is not None else None
    if case is None or incident is None:
        abort(404)
    if not may_decide_closure(staff, case):
        abort(403)
    new_case = split_incident(db.session(), case, incident, staff, request.remote_addr)
    flash(f"The further report is now case {new_case.reference}, split from case {case.reference}", "success")
    return redirect(url_for("console.case", reference=new_case.reference))


def may_split_incidents(case: Case) -> bool:
    return may_decide_closure(signed_in_staff(), case)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_template_global(may_split_incidents, "may_split_incidents")
