"""Managers give work to another officer: one task (`/console/tasks/<id>/reassign`) or a whole case
(`/console/cases/<reference>/officer`: its named officer and every open task an officer does).

Each new owner is told as any task's owner is (the assign job, after the commit), and the change and
its audit event are one commit. Graffiti removal jobs belong to the cleansing team, not an officer.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from app.audit.changes import changes_audited
from app.audit.records import CASE_REASSIGNED, TASK_REASSIGNED
from app.casework import tasks
from app.casework.models import Task
from app.casework.reassignment import active_officer, officers_to_choose, reassign_case
from app.casework.references import looks_like_reference
from app.console.auth import for_roles, require_signed_in, safe_next, signed_in_staff
from app.console.blueprints import console_blueprint
from app.console.task_forms import ReassignForm
from app.console.task_pages import already_done, task_or_404
from app.console.wording import words
from app.extensions import db
from app.staff.access import visible_case_by_reference
from app.staff.models import StaffMember

bp = console_blueprint("console_reassign", guard=require_signed_in)

CHOOSE_FROM_LIST = "Choose an officer from the list"


@bp.app_template_global()
def may_reassign(task: Task) -> bool:
    """An open task a manager may give to another officer (not the cleansing team's graffiti jobs)."""
    return task.status == "open" and task.kind != tasks.GRAFFITI_REMOVAL and signed_in_staff().role == "manager"


def chosen_officer(form: ReassignForm) -> StaffMember | None:
    """The officer the valid form names, if still active (else the form says to choose again)."""
    officer = active_officer(db.session(), form.officer_id)
    if officer is None:
        form.officer.errors = [CHOOSE_FROM_LIST]
    return officer


@bp.route("/tasks/<int:task_id>/reassign", methods=["GET", "POST"])
@for_roles("manager")
def task(task_id: int) -> ResponseReturnValue:
    """Choose another active officer for an open task; back to the case (or the list the manager came from)."""
    staff = signed_in_staff()
    found = task_or_404(staff, task_id)
    if found.status != "open":
        return already_done(found)
    back = safe_next(request.args.get("next"), url_for("console.case", reference=found.case.reference))
    if found.kind == tasks.GRAFFITI_REMOVAL:
        return render_template("console/reassign_task.html", title="Reassign a task", task=found, form=None, back=back)
    form = ReassignForm([o for o in officers_to_choose(db.session()) if o.id != found.assignee_id])
    if form.validate_on_submit() and (officer := chosen_officer(form)) is not None:
        try:
            with changes_audited(db.session(), staff, TASK_REASSIGNED, request.remote_addr):
                tasks.reassign(db.session(), found.id, officer)
        except tasks.TaskError:  # completed since the page was read
            db.session.rollback()
            return already_done(task_or_404(staff, task_id))
        flash(f"{words(found.kind)} on case {found.case.reference} given to {officer.name}, who has been told.")
        return redirect(back)
    return render_template("console/reassign_task.html", title="Reassign a task", task=found, form=form, back=back)


@bp.route("/cases/<reference>/officer", methods=["GET", "POST"], merge_slashes=False)
@for_roles("manager")
def case_officer(reference: str) -> ResponseReturnValue:
    """Name another officer on the case and give them its open tasks."""
    staff = signed_in_staff()
    case = visible_case_by_reference(db.session(), staff, reference) if looks_like_reference(reference) else None
    if case is None:
        abort(404)
    form = ReassignForm([o for o in officers_to_choose(db.session()) if o.id != case.officer_id])
    if form.validate_on_submit() and (officer := chosen_officer(form)) is not None:
        with changes_audited(db.session(), staff, CASE_REASSIGNED, request.remote_addr):
            moved = reassign_case(db.session(), case, officer)
        told = f" and has been told about {len(moved)} open task{'' if len(moved) == 1 else 's'}" if moved else ""
        flash(f"{officer.name} is now the officer for case {case.reference}{told}.")
        return redirect(url_for("console.case", reference=case.reference))
    open_tasks = [t for t in case.tasks if t.status == "open"]
    return render_template(
        "console/case_officer.html", title="Change the case's officer", case=case, form=form, open_tasks=open_tasks
    )
