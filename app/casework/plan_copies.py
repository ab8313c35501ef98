"""Sending the resident a copy of their action plan: the letter (PDF) and, where texts are safe, a short text.

The letter is always made (the resident may be sent it by post or given it at a visit); the text is
queued only when `staff_texts.text_refusal` finds nothing against texting them. It says the copy has
been posted when the resident's agreed contact method is a letter and we hold their address, and otherwise
that it is ready.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.audit.records import ACTION_PLAN_SENT, record_change
from app.casework.action_plans import latest_version
from app.casework.contact import record_contact
from app.casework.letters import addressed_to, letter_date, long_date, render_letter
from app.casework.models import ActionPlanVersion, Case
from app.casework.notes import NotAllowed
from app.casework.staff_texts import text_refusal
from app.clock import now
from app.messaging import templates
from app.messaging.outbox import queue_text
from app.staff.models import StaffMember

ACTION_PLAN_TEXT = "action_plan_copy"  # the outbox's purpose
LETTER_TEMPLATE = "action_plan_letter.html"


@dataclass(frozen=True)
class SentCopy:
    version: ActionPlanVersion
    text_refusal: str | None  # why no text went (None: one was queued)


def send_copy(session: Session, case: Case, staff: StaffMember, address: str | None) -> SentCopy:
    """Record that the latest version went to the resident as a letter, and text them where that is safe; commits.

    Raises NotAllowed when the plan has no version yet.
    """
    version = latest_version(session, case)
    if version is None:
        raise NotAllowed("Add an item to the action plan before sending the resident a copy")
    refusal = text_refusal(session, case)
    if refusal is None:
        posted = case.contact_method == "letter" and bool(case.postal_address)  # and somewhere to post it
        officer_name = case.officer.name if case.officer else None
        body = templates.action_plan_copy(case.reference, officer_name, posted)
        queue_text(
            session,
            to=str(case.callback_phone),
            body=body,
            purpose=ACTION_PLAN_TEXT,
            case_id=case.id,
            daytime_only=True,
        )
        record_contact(case, now())
    before = version.sent_how
    version.sent_at = now()
    version.sent_how = "letter" if refusal else "letter_and_text"
    changes = {"version": [version.version, version.version], "sent_how": [before, version.sent_how]}
    record_change(session, staff, ACTION_PLAN_SENT, case.id, address, changes)
    session.commit()
    return SentCopy(version, refusal)


def _shown_date(iso: str | None) -> str:
    return long_date(date.fromisoformat(iso)) if iso else ""


def plan_letter(case: Case, version: ActionPlanVersion) -> bytes:
    """The version as a letter to the resident (PDF), dated when it was sent (or, before that, made)."""
    officer = case.officer
    return render_letter(
        LETTER_TEMPLATE,
        sent_at=version.sent_at or version.created_at,
        **addressed_to(case),
        officer_email=officer.email if officer else None,
        version=version.version,
        made_on=letter_date(version.created_at),
        agreed=version.agreed_with_resident,
        items=[
            {**item, "due": _shown_date(item["due_on"]), "done": _shown_date(item["done_on"])} for item in version.items
        ],
    )
