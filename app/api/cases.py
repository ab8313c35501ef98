"""The read API for integrations: cases by reference or by phone number."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, abort, jsonify, request
from werkzeug.exceptions import HTTPException

from app.api.auth import token_required
from app.cases import service
from app.cases.models import Case, Task
from app.cases.risk import RISK_QUESTIONS, risk_reasons
from app.cases.tasks import shown_status
from app.extensions import db
from app.messaging.history import messages_for_case
from app.messaging.opt_outs import is_opted_out
from app.phones import is_recognised, sender_number, to_e164

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _iso(instant: datetime | None) -> str | None:
    return instant.isoformat() if instant else None


def _task_json(task: Task | None) -> dict[str, Any] | None:
    return {"due_at": _iso(task.due_at), "status": shown_status(task)} if task else None


def case_json(case: Case) -> dict[str, Any]:
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
        "opted_out": is_opted_out(db.session, case.callback_phone) or is_opted_out(db.session, case.caller_phone),
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
            {**text, "created_at": _iso(text["created_at"])} for text in messages_for_case(db.session, case.id)
        ],
    }


@bp.get("/cases/<reference>")
@token_required
def get_case(reference: str) -> Response:
    case = service.find_case_by_reference(db.session, reference)
    if case is None:
        abort(404)
    return jsonify(case_json(case))


@bp.get("/cases")
@token_required
def list_cases() -> Response | tuple[Response, int]:
    raw = request.args.get("phone", "").strip()
    # An unencoded "+" in a query string arrives as a space: accept "447..." as "+447...".
    phone = to_e164(raw) or to_e164(f"+{raw}") or sender_number(raw) or sender_number(f"+{raw}")
    if phone is None:
        return jsonify(error="phone must be a valid phone number"), 400
    return jsonify(cases=[case_json(case) for case in service.cases_for_phone(db.session, phone)])


@bp.errorhandler(HTTPException)
def json_error(error: HTTPException) -> tuple[Response, int]:
    return jsonify(error=error.description), error.code or 500
