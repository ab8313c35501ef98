"""Managers' fortnightly reviews over the API: the queue of reviews due, and recording one."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, g, jsonify, request

from app.api.auth import token_required
from app.api.payload import UNSTORABLE, json_body, looks_like_reference, storable
from app.audit.records import CASE_REVIEWED, changes_recorded
from app.casework.reassignment import active_officer
from app.casework.review_queue import DueReview, due_reviews
from app.casework.review_recording import AUDITED_FIELDS, ReviewRecord, ReviewRefused, record_review
from app.casework.reviews import review_day_after
from app.clock import now
from app.extensions import db
from app.paging import page_number
from app.staff.access import visible_case_by_reference
from app.staff.accounts import find_staff
from app.staff.models import StaffMember

reviews_bp = Blueprint("reviews", __name__, url_prefix="/api/v1")

READING_ROLES = {"manager", "admin"}
LONGEST_NOTES = 4000


def _review_json(review: DueReview) -> dict[str, Any]:
    return {
        "reference": review.reference,
        "review_due": review.due.isoformat(),
        "overdue": review.overdue,
        "risk_level": review.risk_level,
        "days_open": review.days_open,
        "last_contact_at": review.last_contact_at.isoformat() if review.last_contact_at else None,
        "action_plan": {"done": review.plan_done, "items": review.plan_items},
        "overdue_tasks": review.overdue_tasks,
        "officer": review.officer,
    }


@reviews_bp.get("/reviews")
@token_required
def queue() -> Response | tuple[Response, int]:
    """Reviews due today or overdue, overdue first, 50 a page (`?page=`); managers and admins."""
    if g.staff.role not in READING_ROLES:
        return jsonify(error="only managers and admins may read the review queue"), 403
    number = page_number(request.args.get("page"))
    if number is None:
        return jsonify(errors={"page": "must be a page number from 1"}), 422
    page = due_reviews(db.session(), now(), number)
    return jsonify(reviews=[_review_json(r) for r in page.rows], page=page.number, has_next=page.has_next)


def _review_errors(body: Any) -> dict[str, str]:
    """What is wrong with a review's body, field by field (empty when nothing is)."""
    if not isinstance(body, dict):
        return {"_payload": "must be a JSON object"}
    if not storable(body):
        return {"_payload": UNSTORABLE}
    errors = {
        name: f"must be text of {LONGEST_NOTES} characters or fewer, or null"
        for name in ("notes", "decisions", "officer_email", "next_review_on")
        if not (body.get(name) is None or (isinstance(body[name], str) and len(body[name]) <= LONGEST_NOTES))
    }
    if not errors and not (body.get("notes") or body.get("decisions")):
        errors["notes"] = "give notes or decisions (or both)"
    return errors


def _next_review_on(text: str | None) -> date | None:
    """'2026-12-29' -> that date; None given -> the rule's date 14 days on; anything else -> None."""
    if text is None:
        return review_day_after(now())
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _officer(email: str | None) -> StaffMember | None:
    found = find_staff(db.session(), email) if email else None
    return active_officer(db.session(), found.id) if found else None


@reviews_bp.post("/cases/<reference>/reviews", merge_slashes=False)
@token_required
def record(reference: str) -> Response | tuple[Response, int]:
    """Body: {"notes", "decisions", "next_review_on": "YYYY-MM-DD" (default: the rule's), "officer_email"}."""
    if g.staff.role != "manager":
        return jsonify(error="only managers may record a review"), 403
    case = visible_case_by_reference(db.session(), g.staff, reference) if looks_like_reference(reference) else None
    if case is None:
        abort(404, "no such case")
    body = json_body()
    if errors := _review_errors(body):
        return jsonify(errors=errors), 422
    next_on = _next_review_on(body.get("next_review_on"))
    officer = _officer(body.get("officer_email"))
    if next_on is None:
        return jsonify(errors={"next_review_on": "must be a date as YYYY-MM-DD"}), 422
    if body.get("officer_email") and officer is None:
        return jsonify(errors={"officer_email": "must be the email of an active officer"}), 422
    entry = ReviewRecord(body.get("notes"), body.get("decisions"), next_on, officer)
    try:
        with changes_recorded(db.session(), g.staff, CASE_REVIEWED, case, AUDITED_FIELDS, request.remote_addr):
            review = record_review(db.session(), case, g.staff, entry)
    except ReviewRefused as refusal:
        db.session.rollback()
        return jsonify(error=str(refusal)), 422
    return jsonify(
        reference=case.reference,
        reviewed_at=review.reviewed_at.isoformat(),
        next_review_due=review.next_review_due.isoformat(),
        officer=case.officer.name if case.officer else None,
    ), 201
