"""The contact log: every call, visit, letter, text or email to or from the resident, and its outcome (no Flask).

A contact that reached the resident restarts the fortnightly clock (`contact.record_contact`) while the
case is open; one logged late never moves the clock back. Entries flagged as a closure discussion are what
closing a case needs (`lifecycle.closure_evidence`). Each entry and its audit event are one commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.audit.changes import plain
from app.audit.records import CONTACT_LOGGED, record_change
from app.casework.contact import record_contact
from app.casework.lifecycle import REACHED, is_open
from app.casework.models import Case, ContactLogEntry
from app.casework.named_officer import introduce_officer
from app.casework.notes import NotAllowed
from app.clock import now
from app.staff.models import StaffMember

METHODS = {"call": "Phone call", "visit": "Visit", "letter": "Letter", "text": "Text message", "email": "Email"}
DIRECTIONS = {"out": "We contacted the resident", "in": "The resident contacted us"}
OUTCOMES = {
    REACHED: "Reached the resident (spoke, met or heard back)",
    "no_answer": "No answer, or nobody in",
    "left_message": "Left a message or a card",
    "sent": "Sent (a letter, text or email), no reply yet",
    "wrong_number": "Wrong number or address",
}
NOTE_MAX = 2000


@dataclass(frozen=True)
class Contact:
    """What staff record about one contact; `at` None means now."""

    method: str
    direction: str
    outcome: str
    closure_discussion: bool = False
    note: str | None = None
    at: datetime | None = None


def contact_problems(contact: Contact, instant: datetime) -> dict[str, str]:
    """What is wrong with the contact, field by field, in words for staff (empty when nothing is)."""
    problems = {}
    if contact.method not in METHODS:
        problems["method"] = "Choose how you were in contact"
    if contact.direction not in DIRECTIONS:
        problems["direction"] = "Choose who contacted whom"
    if contact.outcome not in OUTCOMES:
        problems["outcome"] = "Choose what happened"
    if len(contact.note or "") > NOTE_MAX:
        problems["note"] = f"The note must be {NOTE_MAX} characters or fewer"
    if contact.at is not None and contact.at > instant:
        problems["at"] = "The time of the contact must be now or in the past"
    return problems


def log_contact(
    session: Session, case: Case, staff: StaffMember, contact: Contact, address: str | None
) -> ContactLogEntry:
    """Add the contact to the case's log (restarting the clock when it reached the resident); commits.

    Raises NotAllowed with the first problem when the contact cannot be recorded.
    """
    instant = now()
    if problems := contact_problems(contact, instant):
        raise NotAllowed(next(iter(problems.values())))
    at = contact.at or instant
    entry = ContactLogEntry(
        case_id=case.id,
        staff_id=staff.id,
        method=contact.method,
        direction=contact.direction,
        outcome=contact.outcome,
        closure_discussion=contact.closure_discussion,
        note=(contact.note or "").strip() or None,
        at=at,
    )
    case.contact_log.append(entry)
    session.flush()
    changes = {"contact_log": [None, entry.id], "outcome": [None, entry.outcome]}
    if contact.outcome == REACHED and is_open(case) and (case.last_contact_at is None or at > case.last_contact_at):
        before = case.next_update_due
        record_contact(case, at)
        changes["next_update_due"] = [plain(before), plain(case.next_update_due)]
    if contact.outcome == REACHED and is_open(case) and case.officer_id is None and staff.role == "officer":
        case.officer_id = staff.id  # the first contact names the investigating officer, as a callback does
        changes["officer_id"] = [None, staff.id]
        introduce_officer(session, case)
    record_change(session, staff, CONTACT_LOGGED, case.id, address, changes)
    session.commit()
    return entry


def contact_title(entry: ContactLogEntry, staff_name: str | None) -> str:
    """How the timeline names an entry: 'Phone call to the resident by Asha Patel: no answer (closure)'."""
    towards = "from" if entry.direction == "in" else "to"
    by = f" by {staff_name}" if staff_name else ""
    about = " (about closing the case)" if entry.closure_discussion else ""
    outcome = OUTCOMES.get(entry.outcome, entry.outcome).split(" (")[0].lower()
    return f"{METHODS.get(entry.method, entry.method)} {towards} the resident{by}: {outcome}{about}"
