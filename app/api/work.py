"""Officers' work over the API: completing tasks and sending updates (the console comes later)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, g, jsonify, request

from app.api.auth import token_required
from app.api.payload import MAX_ROW_ID, UNSTORABLE, json_body, looks_like_reference, storable
from app.audit.changes import changes_audited
from app.audit.records import API_UPDATE_SENT, TASK_COMPLETED
from app.casework import staff_texts, tasks
from app.casework.models import Task
from app.casework.notes import NotAllowed
from app.extensions import db
from app.staff.access import may_work_on, visible_case, visible_case_by_reference

work_bp = Blueprint("work", __name__, url_prefix="/api/v1")

WORKING_ROLES = {"officer", "manager", "admin"}
TEXT_OR_NULL = ("risk_level", "risk", "note")


def _forbidden() -> tuple[Response, int] | None:
    if g.staff.role not in WORKING_ROLES:
        return jsonify(error="only officers, managers and admins may do this"), 403
    return None


def _may_complete(task: Task) -> bool:
    """As in the console: an officer completes the tasks given to them, a manager any; an admin too here."""
    return g.staff.role == "admin" or may_work_on(g.staff, task)


def _completion_errors(body: Any) -> dict[str, str]:
    """What is wrong with a completion's body, field by field (empty when nothing is)."""
    if not isinstance(body, dict):
        return {"_payload": "must be a JSON object"}
    if not storable(body):
        return {"_payload": UNSTORABLE}
    errors = {} if isinstance(body.get("outcome"), str) else {"outcome": "is required and must be text"}
    errors.update({name: "must be text or null" for name in TEXT_OR_NULL if not isinstance(body.get(name), str | None)})
    return errors


@work_bp.post("/tasks/<int:task_id>/complete", merge_slashes=False)
@token_required
def complete_task(task_id: int) -> Response | tuple[Response, int]:
    """Body: {"outcome": ..., "risk_level": optional, "note": optional}; a task on a case not theirs is 404."""
    if refused := _forbidden():
        return refused
    task = db.session.get(Task, task_id) if task_id <= MAX_ROW_ID else None
    if task is None or visible_case(db.session(), g.staff, task.case_id) is None or not _may_complete(task):
        abort(404, f"no task {task_id}")
    body = json_body()
    if errors := _completion_errors(body):
        return jsonify(errors=errors), 422
    try:
        with changes_audited(db.session(), g.staff, TASK_COMPLETED, request.remote_addr):
            follow_up = tasks.complete(
                db.session(),
                task_id,
                body["outcome"],
                g.staff,
                body.get("risk_level") or body.get("risk"),
                body.get("note"),
            )
    except tasks.TaskError as error:
        return jsonify(error=str(error)), 404 if "no task" in str(error) else 422
    next_task = (
        {"id": follow_up.id, "kind": follow_up.kind, "due_at": follow_up.due_at.isoformat()} if follow_up else None
    )
    return jsonify(id=task_id, status="done", next_task=next_task)


@work_bp.post("/cases/<reference>/updates", merge_slashes=False)
@token_required
def send_update(reference: str) -> Response | tuple[Response, int]:
    """Text the resident their progress update now; resets the two-week clock."""
    if refused := _forbidden():
        return refused
    case = visible_case_by_reference(db.session(), g.staff, reference) if looks_like_reference(reference) else None
    if case is None:
        abort(404, "no such case")
    try:
        next_due = staff_texts.send_update(db.session(), case, g.staff, request.remote_addr, API_UPDATE_SENT)
    except NotAllowed as refusal:
        return jsonify(error=str(refusal)), 409
    return jsonify(reference=case.reference, next_update_due=next_due.isoformat() if next_due else None), 201
