"""A case's action plan (`/console/cases/<reference>/action-plan`): items, versions, and a copy for the resident.

Officers, managers and admins who may see the case read the plan; its officer and managers change it (others 403).
Every change is a new version (app/casework/action_plans.py); "Send the resident a copy" records the letter and,
where texts are safe, queues a short text; the letter of any version downloads as a PDF.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from app.audit.records import ACTION_PLAN_LETTER_READ, record
from app.calendar import london_date
from app.casework import action_plans
from app.casework.models import ActionPlanItem, ActionPlanVersion, Case
from app.casework.notes import NotAllowed
from app.casework.plan_copies import plan_letter, send_copy
from app.casework.staff_texts import text_refusal
from app.clock import now
from app.console.auth import MAX_ROW_ID, for_roles, require_signed_in, signed_in_staff
from app.console.blueprints import console_blueprint
from app.console.case_actions import visible_case_or_404
from app.console.casework_forms import DueDateForm, PlanItemForm
from app.console.casework_pages import (
    CASEWORK_READERS,
    accepted,
    changes_allowed,
    require_changes_allowed,
)
from app.console.form_fields import as_bool
from app.console.once import once_per_form
from app.extensions import db

bp = console_blueprint("console_plan", guard=require_signed_in)


def _plan_page(case: Case, form: FlaskForm | None = None) -> ResponseReturnValue:
    """The plan: its items (overdue ones marked), the forms for those who may change it, and every version."""
    session = db.session()
    editable = changes_allowed(case)
    return render_template(
        "console/action_plan.html",
        title=f"Action plan – Case {case.reference}",
        case=case,
        items=case.action_plan_items,
        today=london_date(now()),
        is_overdue=action_plans.is_overdue,
        versions=list(reversed(case.action_plan_versions)),
        editable=editable,
        form=form if form is not None else (PlanItemForm(formdata=None) if editable else None),
        text_refusal=text_refusal(session, case) if editable else None,
    )


@bp.route("/cases/<reference>/action-plan", methods=["GET", "POST"], merge_slashes=False)
@for_roles(*CASEWORK_READERS)
def action_plan(reference: str) -> ResponseReturnValue:
    """The plan; a POST adds an item (the case's officer and managers)."""
    case = visible_case_or_404(reference)
    if request.method == "GET":
        return _plan_page(case)
    require_changes_allowed(case)
    form = PlanItemForm()
    if accepted(form, lambda: action_plans.item_problems(form.draft())):
        version = action_plans.add_item(
            db.session(), case, signed_in_staff(), form.draft(), bool(as_bool(form.agreed.data)), request.remote_addr
        )
        flash(f"Item added to the plan (version {version.version})", "success")
        return redirect(url_for(".action_plan", reference=case.reference))
    return _plan_page(case, form)


def _item_or_404(case: Case, item_id: int) -> ActionPlanItem:
    item = db.session.get(ActionPlanItem, item_id) if item_id <= MAX_ROW_ID else None
    if item is None or item.case_id != case.id:
        abort(404)
    return item


@bp.post("/cases/<reference>/action-plan/items/<int:item_id>/done", merge_slashes=False)
@for_roles(*CASEWORK_READERS)
def mark_done(reference: str, item_id: int) -> ResponseReturnValue:
    case = visible_case_or_404(reference)
    item = _item_or_404(case, item_id)
    require_changes_allowed(case)
    try:
        version = action_plans.mark_done(db.session(), case, signed_in_staff(), item.id, request.remote_addr)
    except NotAllowed as refused:
        flash(str(refused))
    else:
        flash(f"Item marked done (version {version.version})", "success")
    return redirect(url_for(".action_plan", reference=case.reference))


@bp.route("/cases/<reference>/action-plan/items/<int:item_id>", methods=["GET", "POST"], merge_slashes=False)
@for_roles(*CASEWORK_READERS)
def item(reference: str, item_id: int) -> ResponseReturnValue:
    """Change an item's due date (an item not yet done)."""
    case = visible_case_or_404(reference)
    found = _item_or_404(case, item_id)
    require_changes_allowed(case)
    form = DueDateForm() if request.method == "POST" else DueDateForm(formdata=None, data={"due_on": found.due_on})
    if request.method == "POST" and form.validate():
        try:
            version = action_plans.change_due_date(
                db.session(),
                case,
                signed_in_staff(),
                found.id,
                form.due_on.data,
                bool(as_bool(form.agreed.data)),
                request.remote_addr,
            )
        except NotAllowed as refused:
            form.due_on.errors = [str(refused)]
        else:
            flash(f"Due date changed (version {version.version})", "success")
            return redirect(url_for(".action_plan", reference=case.reference))
    title = f"Change a due date – Case {case.reference}"
    return render_template("console/action_plan_item.html", title=title, case=case, item=found, form=form)


@bp.post("/cases/<reference>/action-plan/send", merge_slashes=False)
@for_roles(*CASEWORK_READERS)
@once_per_form
def send(reference: str) -> ResponseReturnValue:
    """Send the resident a copy of the latest version: the letter always, a text where texts are safe."""
    case = visible_case_or_404(reference)
    require_changes_allowed(case)
    try:
        sent = send_copy(db.session(), case, signed_in_staff(), request.remote_addr)
    except NotAllowed as refused:
        flash(str(refused))
        return redirect(url_for(".action_plan", reference=case.reference))
    said = f"Version {sent.version.version} of the plan is ready to send as a letter."
    said += f" No text was sent: {sent.text_refusal}" if sent.text_refusal else " The resident has been sent a text."
    flash(said, "success")
    return redirect(url_for(".version", reference=case.reference, number=sent.version.version))


def _version_or_404(case: Case, number: int) -> ActionPlanVersion:
    found = action_plans.plan_version(db.session(), case, number) if number <= MAX_ROW_ID else None
    if found is None:
        abort(404)
    return found


@bp.get("/cases/<reference>/action-plan/versions/<int:number>", merge_slashes=False)
@for_roles(*CASEWORK_READERS)
def version(reference: str, number: int) -> ResponseReturnValue:
    """One version as it was kept, with its letter."""
    case = visible_case_or_404(reference)
    found = _version_or_404(case, number)
    title = f"Action plan version {found.version} – Case {case.reference}"
    return render_template("console/action_plan_version.html", title=title, case=case, version=found)


@bp.get("/cases/<reference>/action-plan/versions/<int:number>/letter.pdf", merge_slashes=False)
@for_roles(*CASEWORK_READERS)
def letter(reference: str, number: int) -> ResponseReturnValue:
    """The version as a letter to the resident (PDF, downloaded); reading it is audited."""
    case = visible_case_or_404(reference)
    found = _version_or_404(case, number)
    record(db.session(), signed_in_staff(), ACTION_PLAN_LETTER_READ, [case.id], request.remote_addr)
    db.session.commit()
    pdf = plan_letter(case, found)
    filename = f"action-plan-{case.reference}-v{found.version}.pdf"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"}
    return pdf, 200, {"Content-Type": "application/pdf", **headers}
