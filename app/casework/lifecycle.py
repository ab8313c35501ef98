"""A case's life: open → closure proposed → closed → reopened, and which moves are allowed (no Flask).

`closure_proposed` and `reopened` are still open: the fortnightly updates, the dashboard and the
reminders treat them as `open` (`is_open`, `still_open`). Proposing closure needs a closure discussion
with the resident (a contact that reached them) or three recorded attempts at one; closing needs that,
a reason from the fixed list, and, for a high-risk case, a manager's agreement (a manager closing it, or
one who recorded their agreement). Closing stops the fortnightly updates and cancels the case's open
tasks (an officer expects a closed case to leave their work list, not to be chased for it). Every change
is audited in the commit that makes it. The closure letter and survey are in `app.casework.closure`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from app.audit.changes import changes_audited
from app.audit.records import (
    CASE_CLOSURE_AGREED,
    CASE_CLOSURE_PROPOSED,
    CASE_CLOSURE_WITHDRAWN,
    CASE_REOPENED,
)
from app.casework.contact import UPDATE_INTERVAL
from app.casework.models import Case
from app.casework.notes import NotAllowed
from app.casework.reviews import review_due
from app.clock import now
from app.staff.models import StaffMember

OPEN, CLOSURE_PROPOSED, CLOSED, REOPENED = "open", "closure_proposed", "closed", "reopened"
STILL_OPEN = (OPEN, CLOSURE_PROPOSED, REOPENED)
CLOSURE_REASONS = {  # the fixed list, as staff read it (the letter words them for the resident)
    "resolved": "Resolved",
    "resident_asked": "The resident asked us to close it",
    "no_further_action": "No further action is possible",
    "referred_to_police": "Referred to the police",
    "not_contactable": "The resident could not be contacted",
}
REASON_TEXT_MAX = 2000
ATTEMPTS_NEEDED = 3
CLOSURE_LETTER = "closure_letter"  # the task closing makes: send the resident the letter (service standard, section 3)
REACHED = "made_contact"  # the contact log's outcome for a contact that reached the resident
REASON_NEEDED = "Choose the reason for closing the case."


def is_open(case: Case) -> bool:
    """Open, closure proposed or reopened: the case still gets updates and its tasks still count."""
    return case.status in STILL_OPEN


def still_open() -> ColumnElement[bool]:
    """`is_open` as a condition on `Case`, for queries (an indexed IN on the status)."""
    return Case.status.in_(STILL_OPEN)


def may_decide_closure(staff: StaffMember, case: Case) -> bool:
    """The case's named officer and managers propose, close and reopen it."""
    return staff.role == "manager" or (staff.role == "officer" and case.officer_id == staff.id)


@dataclass(frozen=True)
class ClosureEvidence:
    """The closure discussion and attempts recorded since the case last opened (a reopened case starts again)."""

    discussed: bool
    attempts: int

    @property
    def enough(self) -> bool:
        return self.discussed or self.attempts >= ATTEMPTS_NEEDED

    def refusal(self) -> str | None:
        if self.enough:
            return None
        return (
            "Record a closure discussion with the resident (a contact that reached them) or "
            f"{ATTEMPTS_NEEDED} attempts to discuss closure in the contact log first: "
            f"{self.attempts} attempt{'' if self.attempts == 1 else 's'} recorded so far."
        )


def closure_evidence(case: Case) -> ClosureEvidence:
    """What the contact log holds about discussing closure, since the case was last reopened."""
    about_closure = [
        entry
        for entry in case.contact_log
        if entry.closure_discussion and (case.reopened_at is None or entry.at >= case.reopened_at)
    ]
    discussed = any(entry.outcome == REACHED for entry in about_closure)
    return ClosureEvidence(discussed, sum(1 for entry in about_closure if entry.outcome != REACHED))


def needs_manager(case: Case, staff: StaffMember) -> bool:
    """A high-risk case closes with a manager's agreement: their own close, or one recorded before."""
    return case.risk_level == "high" and staff.role != "manager" and case.closure_agreed_by_id is None


# The statuses each action may start from, and why any other is refused.
FROM = {
    "propose": (OPEN, REOPENED),
    "withdraw": (CLOSURE_PROPOSED,),
    "agree": (CLOSURE_PROPOSED,),
    "close": (CLOSURE_PROPOSED,),
    "reopen": (CLOSED,),
}
REFUSALS = {
    ("propose", CLOSURE_PROPOSED): "Closure is already proposed: close the case, or withdraw the proposal.",
    ("propose", CLOSED): "The case is closed: reopen it first.",
    ("withdraw", CLOSED): "The case is closed: reopen it instead.",
    ("agree", CLOSED): "The case is already closed.",
    ("close", CLOSED): "The case is already closed.",
}


def transition_refusal(action: str, status: str) -> str | None:
    """Why `action` cannot be taken on a case in `status`, in words for staff; None when it can."""
    if status in FROM[action]:
        return None
    if (action, status) in REFUSALS:
        return REFUSALS[(action, status)]
    if action == "reopen":
        return "Only a closed case can be reopened: this case is still open."
    if action == "withdraw":
        return "There is no closure proposal to withdraw."
    return "Propose closure first: the case is not proposed for closure."


def _check(case: Case, staff: StaffMember, action: str) -> None:
    if not may_decide_closure(staff, case):
        raise NotAllowed("Only the case's officer or a manager can do this.")
    if refusal := transition_refusal(action, case.status):
        raise NotAllowed(refusal)


def propose_closure(session: Session, case: Case, staff: StaffMember, address: str | None) -> None:
    """Closure discussed with the resident (or tried three times): the case waits for closing; commits."""
    _check(case, staff, "propose")
    if refusal := closure_evidence(case).refusal():
        raise NotAllowed(refusal)
    with changes_audited(session, staff, CASE_CLOSURE_PROPOSED, address):
        case.status, case.closure_proposed_at = CLOSURE_PROPOSED, now()
        session.commit()


def withdraw_proposal(session: Session, case: Case, staff: StaffMember, address: str | None) -> None:
    """The case stays open after all (a new incident, the resident changed their mind); commits."""
    _check(case, staff, "withdraw")
    with changes_audited(session, staff, CASE_CLOSURE_WITHDRAWN, address):
        case.status = REOPENED if case.reopened_at else OPEN
        case.closure_proposed_at = case.closure_agreed_by_id = None
        session.commit()


def agree_closure(session: Session, case: Case, staff: StaffMember, address: str | None) -> None:
    """A manager agrees to closing a proposed case (a high-risk case needs it before its officer closes it)."""
    if staff.role != "manager":
        raise NotAllowed("Only a manager can agree to a case being closed.")
    _check(case, staff, "agree")
    with changes_audited(session, staff, CASE_CLOSURE_AGREED, address):
        case.closure_agreed_by_id = staff.id
        session.commit()


def closing_refusal(case: Case, staff: StaffMember, reason: str | None, reason_text: str | None) -> str | None:
    """Why this person may not close the case with this reason now; None when they may."""
    if not may_decide_closure(staff, case):
        return "Only the case's officer or a manager can close it."
    if refusal := transition_refusal("close", case.status) or closure_evidence(case).refusal():
        return refusal
    if reason not in CLOSURE_REASONS:
        return REASON_NEEDED
    if len(reason_text or "") > REASON_TEXT_MAX:
        return f"The details of the reason must be {REASON_TEXT_MAX} characters or fewer."
    if needs_manager(case, staff):
        return "This is a high-risk case: a manager must agree to closing it. Ask a manager to record their agreement."
    return None


def mark_closed(session: Session, case: Case, staff: StaffMember, reason: str, reason_text: str | None) -> None:
    """The case's closing fields, its open tasks cancelled and no more fortnightly updates (the caller audits)."""
    instant = now()
    case.status, case.closed_at, case.closed_by_id = CLOSED, instant, staff.id
    case.closed_reason, case.closed_reason_text = reason, (reason_text or "").strip() or None
    stop_work(case, staff, instant)
    session.flush()


def stop_work(case: Case, staff: StaffMember, instant: datetime) -> None:
    """What closing stops: the case's open tasks, cancelled, and the fortnightly updates."""
    case.next_update_due = None
    for task in case.tasks:
        if task.status == "open":
            task.status, task.outcome = "cancelled", "case_closed"
            task.completed_at, task.completed_by_id = instant, staff.id


def reopen_case(session: Session, case: Case, staff: StaffMember, address: str | None) -> None:
    """Staff reopen a closed case by hand: it is open again and the fortnightly clock restarts; commits."""
    _check(case, staff, "reopen")
    with changes_audited(session, staff, CASE_REOPENED, address):
        instant = now()
        mark_reopened(case, instant)
        case.next_update_due = instant + UPDATE_INTERVAL
        session.commit()


def mark_reopened(case: Case, instant: datetime) -> None:
    """Open again from `instant`, by hand or by a further report: an earlier proposal to close, and a manager's
    agreement to it, no longer count (closing again needs both again), and the manager's review clock restarts."""
    case.status, case.reopened_at = REOPENED, instant
    case.closure_proposed_at = case.closure_agreed_by_id = None
    case.next_review_due, case.review_reminded_at = review_due(instant), None
    for task in case.tasks:
        if task.kind == CLOSURE_LETTER and task.status == "open":  # open again before the letter went
            task.status, task.outcome, task.completed_at = "cancelled", "case_reopened", instant
