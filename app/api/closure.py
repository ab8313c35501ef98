"""Casework over the API: the contact log, and closing a case (propose, withdraw, agree, close, reopen, letter).

The same domain functions as the console, the same roles: caseworkers log contacts on cases they may
read; the case's officer and managers decide its closure (others get 403, a case they may not read 404).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, abort, current_app, g, jsonify, request

from app.api.auth import token_required
from app.api.payload import UNSTORABLE, json_body, looks_like_reference, storable
from app.api.work import WORKING_ROLES
from app.audit.records import CLOSURE_LETTER_READ, record
from app.casework import lifecycle
from app.casework.closure import close_case, closure_letter, survey_link
from app.casework.contact_log import Contact, contact_problems, log_contact
from app.casework.models import Case
from app.casework.notes import NotAllowed
from app.clock import now
from app.extensions import db
from app.staff.access import visible_case_by_reference

closure_bp = Blueprint("api_closure", __name__, url_prefix="/api/v1")
STEPS = {
    "propose": lifecycle.propose_closure,
    "withdraw": lifecycle.withdraw_proposal,
    "agree": lifecycle.agree_closure,
    "reopen": lifecycle.reopen_case,
}


def _case(reference: str, deciding: bool) -> Case:
    """The case if the token's staff may read it (404) and may do this to it (403)."""
    if g.staff.role not in WORKING_ROLES:
        abort(403, "only officers, managers and admins may do this")
    case = visible_case_by_reference(db.session(), g.staff, reference) if looks_like_reference(reference) else None
    if case is None:
        abort(404, "no such case")
    if deciding and not lifecycle.may_decide_closure(g.staff, case):
        abort(403, "only the case's officer or a manager may decide its closure")
    return case


def _object_body() -> dict[str, Any]:
    body = json_body()
    if not isinstance(body, dict):
        abort(422, "the body must be a JSON object")
    if not storable(body):
        abort(422, UNSTORABLE)
    return body


def _contact(body: dict[str, Any]) -> Contact | dict[str, str]:
    """The contact the body describes, or what is wrong with it, field by field."""
    texts = ("method", "direction", "outcome", "note", "at")
    errors = {name: "must be text" for name in texts if not isinstance(body.get(name, ""), str | None)}
    if not isinstance(body.get("closure_discussion", False), bool):
        errors["closure_discussion"] = "must be true or false"
    at = None
    if isinstance(body.get("at"), str):
        try:
            at = datetime.fromisoformat(body["at"])
        except ValueError:
            errors["at"] = "must be an ISO 8601 time with its offset"
        if at is not None and at.tzinfo is None:
            errors["at"] = "must be an ISO 8601 time with its offset"
    if errors:
        return errors
    contact = Contact(
        method=body.get("method") or "",
        direction=body.get("direction") or "out",
        outcome=body.get("outcome") or "",
        closure_discussion=bool(body.get("closure_discussion", False)),
        note=body.get("note"),
        at=at,
    )
    return contact_problems(contact, now()) or contact


@closure_bp.post("/cases/<reference>/contacts", merge_slashes=False)
@token_required
def contacts(reference: str) -> tuple[Response, int]:
    """Body: {"method", "outcome", "direction" (out), "closure_discussion" (false), "note", "at" (now)}."""
    case = _case(reference, deciding=False)
    contact = _contact(_object_body())
    if not isinstance(contact, Contact):
        return jsonify(errors=contact), 422
    entry = log_contact(db.session(), case, g.staff, contact, request.remote_addr)
    return jsonify(
        id=entry.id,
        reference=case.reference,
        at=entry.at.isoformat(),
        next_update_due=case.next_update_due.isoformat() if case.next_update_due else None,
    ), 201


def closure_json(case: Case) -> dict[str, Any]:
    evidence = lifecycle.closure_evidence(case)
    survey = case.survey if case.status == lifecycle.CLOSED else None
    base_url = str(current_app.config["PUBLIC_BASE_URL"])
    return {
        "reference": case.reference,
        "status": case.status,
        "closure_discussed": evidence.discussed,
        "closure_attempts": evidence.attempts,
        "closure_agreed": case.closure_agreed_by_id is not None,
        "closed_reason": case.closed_reason if survey else None,
        "survey": {"short_code": survey.short_code, "link": survey_link(base_url, survey.token)} if survey else None,
    }


@closure_bp.post("/cases/<reference>/closure", merge_slashes=False)
@token_required
def closure(reference: str) -> Response | tuple[Response, int]:
    """Body: {"action": "propose" | "withdraw" | "agree" | "close" | "reopen", "reason", "reason_text"}."""
    case = _case(reference, deciding=True)
    body = _object_body()
    action = body.get("action")
    if action != "close" and action not in STEPS:
        return jsonify(errors={"action": "must be propose, withdraw, agree, close or reopen"}), 422
    try:
        if action == "close":
            reason, text = body.get("reason"), body.get("reason_text")
            if not isinstance(reason, str | None) or not isinstance(text, str | None):
                return jsonify(errors={"reason": "reason and reason_text must be text"}), 422
            base_url = str(current_app.config["PUBLIC_BASE_URL"])
            close_case(db.session(), case, g.staff, reason, text, base_url, request.remote_addr)
        else:
            STEPS[action](db.session(), case, g.staff, request.remote_addr)
    except NotAllowed as refused:
        return jsonify(error=str(refused)), 409
    return jsonify(closure_json(case))


@closure_bp.get("/cases/<reference>/closure/letter.pdf", merge_slashes=False)
@token_required
def letter(reference: str) -> Response:
    """The closure letter of a closed case, as a PDF (404 while the case is open)."""
    case = _case(reference, deciding=True)
    try:
        pdf = closure_letter(case, str(current_app.config["PUBLIC_BASE_URL"]))
    except NotAllowed as refused:
        abort(404, str(refused))
    record(db.session(), g.staff, CLOSURE_LETTER_READ, [case.id], request.remote_addr)
    db.session.commit()
    return Response(pdf, mimetype="application/pdf")
