"""The read API: cases by reference or by phone number, shaped by the caller's role, and every read audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, abort, g, jsonify, request

from app.api.auth import token_required
from app.api.payload import looks_like_reference
from app.audit.records import API_LIST_CASES, API_READ_CASE, record
from app.casework import service
from app.casework.models import Case, Task
from app.casework.risk import RISK_QUESTIONS, risk_reasons
from app.casework.tasks import shown_status
from app.extensions import db
from app.messaging.history import messages_for_case
from app.messaging.opt_outs import is_opted_out
from app.phones import is_recognised, sender_number, to_e164
from app.staff.access import DEADLINE_FIELDS, fields_for, visible_case_by_reference, visible_cases_for_phone

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _iso(instant: datetime | None) -> str | None:
    return instant.isoformat() if instant else None


def _task_json(task: Task | None) -> dict[str, Any] | None:
    return {"due_at": _iso(task.due_at), "status": shown_status(task)} if task else None


def case_json_for(case: Case, role: str) -> dict[str, Any]:
    """The case as `role` may see it: the one place the API chooses fields by role."""
    fields = fields_for(role)
    if fields is None:
        return case_json(case)
    first = service.first_task(case)
    summary = {
        "reference": case.reference,
        "status": case.status,
        "callback": _task_json(first) if case.kind != "graffiti" else None,
        "removal": _task_json(first) if case.kind == "graffiti" else None,
    }
    if fields == DEADLINE_FIELDS:  # no query for opted-out numbers or messages
        return summary
    return {name: value for name, value in case_json(case).items() if name in fields}


def case_json(case: Case) -> dict[str, Any]:
    """Everything about the case, for managers, admins and its officers."""
    first = service.first_task(case)
    return {
        "reference": case.reference,
        "kind": case.kind,
        "status": case.status,
        "channel": case.channel,
        "created_at": _iso(case.created_at),
        "caller_phone": case.caller_phone,
        "callback_phone": case.callback_phone,
        # False: kept as Twilio sent it though the numbering-plan data does not know it; still call it.
        "caller_phone_verified": is_recognised(case.caller_phone) if case.caller_phone else None,
        "callback_phone_verified": is_recognised(case.callback_phone) if case.callback_phone else None,
        "strands": case.strands,
        "risk_level": case.risk_level,
        "risk": {
            "level": case.risk_level,
            "answers": {
                **{q: case.risk_answers.get(q) for q in RISK_QUESTIONS},
                "needs_adjustment": case.needs_adjustment,
            },
            "reasons": risk_reasons(case.risk_answers) if case.kind == "hate_crime" else [],
        },
        "duty_alert_failed": case.duty_alert_failed_at is not None,
        "priority": case.priority,
        "duty_officer_flag": case.duty_officer_flag,
        "needs_adjustment": case.needs_adjustment,
        "safe_to_text": case.safe_to_text,
        "visit_requested": case.visit_requested,
        "referral_consent": case.referral_consent,
        "graffiti_offensive": case.graffiti_offensive,
        "incomplete_call": case.incomplete_call,
        "description": case.description,
        "location": case.location,
        "occurred": case.occurred,
        "opted_out": is_opted_out(db.session(), case.callback_phone) or is_opted_out(db.session(), case.caller_phone),
        "contact_by_phone_only": case.contact_by_phone_only,
        "officer": {"name": case.officer.name} if case.officer else None,
        "next_update_due": _iso(case.next_update_due),
        "tasks": [
            {
                "id": task.id,
                "kind": task.kind,
                "due_at": _iso(task.due_at),
                "status": shown_status(task),
                "assignee": task.assignee.name if task.assignee else None,
                "attempt": task.attempt,
                "outcome": task.outcome,
                "note": task.note,
            }
            for task in case.tasks
        ],
        "callback": _task_json(first) if case.kind != "graffiti" else None,
        "removal": _task_json(first) if case.kind == "graffiti" else None,
        "recordings": [
            {
                "purpose": r.purpose,
                "url": r.url,
                "duration_seconds": r.duration_seconds,
                "transcription": r.transcription,
                "transcription_note": r.transcription_note,
            }
            for r in case.recordings
        ],
        "attachments": [{"url": a.url, "content_type": a.content_type, "status": a.status} for a in case.attachments],
        "messages": [
            {**text, "created_at": _iso(text["created_at"])} for text in messages_for_case(db.session(), case.id)
        ],
    }


@bp.get("/cases/<reference>", merge_slashes=False)  # "//" is no case: 404, not a redirect
@token_required
def get_case(reference: str) -> Response:
    """One case, if the caller may see it (404 both when it does not exist and when it is not theirs)."""
    case = visible_case_by_reference(db.session(), g.staff, reference) if looks_like_reference(reference) else None
    if case is None:
        abort(404, "no such case")
    record(db.session(), g.staff, API_READ_CASE, [case.id], request.remote_addr)
    db.session.commit()
    return jsonify(case_json_for(case, g.staff.role))


@bp.get("/cases", merge_slashes=False)
@token_required
def list_cases() -> Response | tuple[Response, int]:
    raw = request.args.get("phone", "").strip()
    # An unencoded "+" in a query string arrives as a space: accept "447..." as "+447...".
    phone = to_e164(raw) or to_e164(f"+{raw}") or sender_number(raw) or sender_number(f"+{raw}")
    if phone is None:
        return jsonify(error="phone must be a valid phone number"), 400
    cases = visible_cases_for_phone(db.session(), g.staff, phone)
    record(db.session(), g.staff, API_LIST_CASES, [case.id for case in cases], request.remote_addr)
    db.session.commit()
    return jsonify(cases=[case_json_for(case, g.staff.role) for case in cases])
