"""Officers' work over the API: completing tasks and sending updates (the console comes later)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, g, jsonify, request

from app.api.auth import token_required
from app.cases import progress, tasks
from app.cases.service import find_case_by_reference
from app.extensions import db

work_bp = Blueprint("work", __name__, url_prefix="/api/v1")

WORKING_ROLES = {"officer", "manager", "admin"}


def _forbidden() -> tuple[Response, int] | None:
    if g.staff.role not in WORKING_ROLES:
        return jsonify(error="only officers, managers and admins may do this"), 403
    return None


@work_bp.post("/tasks/<int:task_id>/complete")
@token_required
def complete_task(task_id: int) -> Response | tuple[Response, int]:
    """Body: {"outcome": ..., "risk_level": optional, "note": optional}."""
    if refused := _forbidden():
        return refused
    body = request.get_json(silent=True) or {}
    try:
        follow_up = tasks.complete(
            db.session,
            task_id,
            str(body.get("outcome", "")),
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


@work_bp.post("/cases/<reference>/updates")
@token_required
def send_update(reference: str) -> Response | tuple[Response, int]:
    """Text the resident their progress update now; resets the two-week clock."""
    if refused := _forbidden():
        return refused
    case = find_case_by_reference(db.session, reference)
    if case is None:
        abort(404)
    if not progress.send_update_now(db.session, case):
        return jsonify(error="this resident cannot be texted (not safe, not a mobile, or opted out): phone them"), 409
    return jsonify(
        reference=case.reference, next_update_due=case.next_update_due.isoformat() if case.next_update_due else None
    ), 201
