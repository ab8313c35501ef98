"""Logging contacts with the resident, and a case's closure: propose, agree, close, reopen, and the letter.

`POST /console/cases/<reference>/contacts` adds to the contact log (caseworkers on cases they may see).
`/console/cases/<reference>/closure` is for the case's officer and managers (`lifecycle.may_decide_closure`;
others who may see the case get 403): one form, one button per action, and each refusal in the error summary.
`/closure/letter.pdf` is the closure letter of a closed case.
"""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from app.audit.records import CLOSURE_LETTER_READ, record
from app.casework import lifecycle
from app.casework.closure import close_case, closure_letter
from app.casework.contact_log import log_contact
from app.casework.models import Case
from app.casework.notes import NotAllowed
from app.console.auth import for_roles, require_signed_in, signed_in_staff
from app.console.blueprints import console_blueprint
from app.console.case_actions import CASEWORKERS, visible_case_or_404
from app.console.closure_forms import ClosureForm, ContactForm
from app.console.once import once_per_form
from app.extensions import db
from app.staff.models import StaffMember

bp = console_blueprint("console_closure", guard=require_signed_in)

DONE = {
    "propose": "Closure proposed. Close the case when you are ready",
    "withdraw": "Closure withdrawn: the case stays open",
    "agree": "Your agreement to closing the case is recorded",
    "close": "Case closed. Download the closure letter, send it to the resident, then mark its task done",
    "reopen": "Case reopened. The next update is due in 14 days",
}


@bp.post("/cases/<reference>/contacts", merge_slashes=False)
@for_roles(*CASEWORKERS)
@once_per_form
def contacts(reference: str) -> ResponseReturnValue:
    """A call, visit, letter, text or email to or from the resident, and what happened."""
    case = visible_case_or_404(reference)
    form = ContactForm()
    if form.validate():
        try:
            log_contact(db.session(), case, signed_in_staff(), form.contact(), request.remote_addr)
        except NotAllowed as refused:
            form.outcome.errors = [str(refused)]
        else:
            flash("Contact logged", "success")
            return redirect(url_for("console.case", reference=case.reference))
    return render_template(
        "console/case_action.html",
        title=f"Log a contact – Case {case.reference}",
        heading="Log a contact with the resident",
        case=case,
        form=form,
        fields="contact",
    )


def _deciding(reference: str) -> tuple[Case, StaffMember]:
    """The case, if the signed-in person may decide its closure (404 if they may not see it, 403 otherwise)."""
    case, staff = visible_case_or_404(reference), signed_in_staff()
    if not lifecycle.may_decide_closure(staff, case):
        abort(403)
    return case, staff


@bp.route("/cases/<reference>/closure", methods=["GET", "POST"], merge_slashes=False)
@for_roles("officer", "manager")
def closure(reference: str) -> ResponseReturnValue:
    """Where the case stands on closing, and the button for the next step."""
    case, staff = _deciding(reference)
    form = ClosureForm()
    if form.validate_on_submit() and (action := form.action()):
        try:
            _act(case, staff, action, form)
        except NotAllowed as refused:
            field = form.reason if str(refused) == lifecycle.REASON_NEEDED else form[action]
            field.errors = [str(refused)]
        else:
            flash(DONE[action], "success")
            return redirect(url_for("console_closure.closure", reference=case.reference))
    return render_template(
        "console/closure.html",
        title=f"Closing the case – Case {case.reference}",
        case=case,
        form=form,
        evidence=lifecycle.closure_evidence(case),
        needs_manager=lifecycle.needs_manager(case, staff),
    )


def _act(case: Case, staff: StaffMember, action: str, form: ClosureForm) -> None:
    session, address = db.session(), request.remote_addr
    if action == "close":
        base_url = str(current_app.config["PUBLIC_BASE_URL"])
        close_case(session, case, staff, form.reason.data, form.reason_text.data, base_url, address)
    else:
        steps = {
            "propose": lifecycle.propose_closure,
            "withdraw": lifecycle.withdraw_proposal,
            "agree": lifecycle.agree_closure,
            "reopen": lifecycle.reopen_case,
        }
        steps[action](session, case, staff, address)


@bp.get("/cases/<reference>/closure/letter.pdf", merge_slashes=False)
@for_roles("officer", "manager")
def letter(reference: str) -> ResponseReturnValue:
    """The closure letter to print and post (or send), as a PDF download."""
    case, staff = _deciding(reference)
    try:
        pdf = closure_letter(case, str(current_app.config["PUBLIC_BASE_URL"]))
    except NotAllowed:
        abort(404)
    record(db.session(), staff, CLOSURE_LETTER_READ, [case.id], request.remote_addr)
    db.session.commit()
    download = {"Content-Disposition": f"attachment; filename=closure-letter-{case.reference}.pdf"}
    return Response(pdf, mimetype="application/pdf", headers=download)
