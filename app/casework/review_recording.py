"""Recording a manager's fortnightly review, and reminding managers of reviews gone overdue (no Flask).

A review writes a CaseReview, moves the case's next review date and clears its reminder, in one
commit with any change of officer (`reassignment.reassign_case`, which tells the new officer and,
where texts are safe, the resident). An overdue review is raised once, at 17:00 on its due day, to
the case officer's manager or else the duty managers, as an overdue task is escalated:
`review_reminded_at` is claimed with one conditional UPDATE first, so two runs send one reminder.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from app.calendar import end_of_day, london_date
from app.casework.lifecycle import STILL_OPEN
from app.casework.models import Case, CaseReview
from app.casework.reassignment import reassign_case
from app.casework.reviews import next_review_refusal
from app.casework.tasks import Teams, contact_of, duty_managers, tell_staff
from app.clock import now
from app.messaging import templates
from app.staff.models import StaffMember

log = logging.getLogger(__name__)

# What a review's audit event records, old and new, whether or not it changed (the review is its own row).
AUDITED_FIELDS = ("next_review_due", "review_reminded_at", "officer_id")


class ReviewRefused(ValueError):
    """A review that cannot be recorded, with the reason in words for the manager."""


@dataclass(frozen=True)
class ReviewRecord:
    """What the manager recorded; `reassign_to` is another active officer, or None to keep the case's."""

    notes: str | None
    decisions: str | None
    next_review_on: date
    reassign_to: StaffMember | None = None


def record_review(session: Session, case: Case, manager: StaffMember, record: ReviewRecord) -> CaseReview:
    """Write the review and move the case's next review to `record.next_review_on` (17:00 London); commits.

    Raises ReviewRefused for a closed case or a next date the rules refuse.
    """
    if case.status not in STILL_OPEN:
        raise ReviewRefused("This case is closed: closed cases are not reviewed")
    instant = now()
    if refusal := next_review_refusal(record.next_review_on, london_date(instant)):
        raise ReviewRefused(refusal)
    new_officer = record.reassign_to if record.reassign_to and record.reassign_to.id != case.officer_id else None
    review = CaseReview(
        case_id=case.id,
        manager_id=manager.id,
        reviewed_at=instant,
        notes=record.notes or None,
        decisions=record.decisions or None,
        next_review_due=end_of_day(record.next_review_on),
        reassigned_to_id=new_officer.id if new_officer else None,
    )
    session.add(review)
    case.next_review_due, case.review_reminded_at = review.next_review_due, None
    if new_officer is not None:
        reassign_case(session, case, new_officer)  # commits the review with the change of officer
    else:
        session.commit()
    log.info("case %s reviewed by staff id %s", case.reference, manager.id)
    return review


def remind_overdue_reviews(session: Session, teams: Teams) -> int:
    """Tell the officer's manager (else the duty managers) of each review past its date, once; returns how many."""
    instant = now()
    overdue = select(Case.id).where(
        Case.status.in_(STILL_OPEN), Case.next_review_due <= instant, Case.review_reminded_at.is_(None)
    )
    reminded = 0
    for case_id in session.scalars(overdue).all():
        claim = (
            update(Case)
            .where(Case.id == case_id, Case.review_reminded_at.is_(None))
            .values(review_reminded_at=instant)
            .execution_options(synchronize_session=False)
        )
        if cast("CursorResult[Any]", session.execute(claim)).rowcount:
            case = session.get(Case, case_id, populate_existing=True)
            assert case is not None and case.next_review_due is not None
            officer = case.officer
            managers = [officer.manager] if officer and officer.manager else duty_managers(session)
            body = templates.review_overdue(case.reference, case.next_review_due, officer.name if officer else None)
            if not any([tell_staff(session, contact_of(manager), body, case, teams) for manager in managers]):
                log.error("case %s: its review is overdue and no manager could be told", case.reference)
            reminded += 1
        session.commit()
    return reminded
