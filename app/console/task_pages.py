"""Completing a task in the console (`/console/tasks/<id>/complete`): the rules of the API and `flask tasks complete`.

The task's officer or a manager records the outcome (and, after speaking to the resident on a
risk-assessment callback, the risk level and why); `tasks.complete` sets the next attempt, the
letter or visit, the named officer and the fortnightly clock. The change and its audit event are
one commit. A task the person may not work on is 404, like one that does not exist.
"""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from app.audit.changes import changes_audited
from app.audit.records import TASK_COMPLETED
from app.casework import tasks
from app.casework.models import Task
from app.clock import now
from app.console.auth import MAX_ROW_ID, for_roles, require_signed_in, signed_in_staff
from app.console.blueprints import console_blueprint
from app.console.task_forms import OUTCOME_LABELS, SPOKE, CompleteTaskForm
from app.console.wording import london_time, words
from app.extensions import db
from app.staff.access import may_work_on, workable_task
from app.staff.models import StaffMember

bp = console_blueprint("console_tasks", guard=require_signed_in)


def task_or_404(staff: StaffMember, task_id: int) -> Task:
    """The task if this person may work on it; 404 for one that is not theirs, as for one that does not exist."""
    task = workable_task(db.session(), staff, task_id) if task_id <= MAX_ROW_ID else None
    if task is None:
        abort(404)
    return task


@bp.app_template_global()
def may_complete(task: Task) -> bool:
    """An open task the signed-in person may complete: the links on the case page and My work."""
    return task.status == "open" and may_work_on(signed_in_staff(), task)


def already_done(task: Task) -> ResponseReturnValue:
    """Says who completed the task and how; 409 to a form sent after it was completed."""
    completed_by = db.session.get(StaffMember, task.completed_by_id) if task.completed_by_id else None
    shown = render_template(
        "console/task_done.html", title="This task is already complete", task=task, completed_by=completed_by
    )
    return shown, 409 if request.method == "POST" else 200


def outcome_hints(task: Task, instant: datetime) -> dict[str, str]:
    """What each outcome of a call sets in motion, so the officer knows before choosing it."""
    if task.kind not in tasks.CALL_KINDS:
        return {"removed": "The resident is told by text, where texts are safe"}
    if task.attempt < tasks.MAX_CALL_ATTEMPTS:
        due = london_time(tasks.next_attempt_due(instant, task.attempt))
        no_answer = f"Attempt {task.attempt + 1} of {tasks.MAX_CALL_ATTEMPTS} will be due by {due}"
    else:
        no_answer = f"This was the last of {tasks.MAX_CALL_ATTEMPTS} attempts: a letter or visit will be due next"
    return {
        SPOKE: "Restarts the 14-day clock for the resident's next update",
        "no_answer": no_answer,
        "wrong_number": "A letter or visit will be due next",
    }


def completed_banner(task: Task, follow_up: Task | None, risk_level: str | None) -> str:
    """'Task completed: no answer. Attempt 2 is due by Tue 1 Dec 2026 at 12pm.'"""
    said = f"Task completed: {OUTCOME_LABELS.get(task.outcome or '', words(task.outcome)).lower()}."
    if risk_level is not None:
        said += f" The case's risk level is now {risk_level}."
    if follow_up is not None and follow_up.kind == task.kind:
        said += f" Attempt {follow_up.attempt} is due by {london_time(follow_up.due_at)}."
    elif follow_up is not None:
        said += f" {words(follow_up.kind)} is due by {london_time(follow_up.due_at)}."
    return said


@bp.route("/tasks/<int:task_id>/complete", methods=["GET", "POST"])
@for_roles("officer", "manager")
def complete(task_id: int) -> ResponseReturnValue:
    """The outcome and risk assessment form; on success, back to the case with what happens next."""
    staff = signed_in_staff()
    task = task_or_404(staff, task_id)
    if task.status != "open":
        return already_done(task)
    form = CompleteTaskForm(task.kind)
    if form.validate_on_submit():
        risk_level = form.chosen_risk()
        try:
            with changes_audited(db.session(), staff, TASK_COMPLETED, request.remote_addr):
                follow_up = tasks.complete(
                    db.session(), task.id, str(form.outcome.data), staff, risk_level, form.task_note(task.note)
                )
        except tasks.TaskError:  # completed by someone else since the page was read
            db.session.rollback()
            return already_done(task_or_404(staff, task_id))
        flash(completed_banner(task, follow_up, risk_level))
        return redirect(url_for("console.case", reference=task.case.reference))
    hints = outcome_hints(task, now())
    return render_template(
        "console/task_complete.html",
        title="Complete a task",
        task=task,
        form=form,
        outcome_items=[{"hint": {"text": hints[name]}} if name in hints else {} for name in form.outcomes],
    )
