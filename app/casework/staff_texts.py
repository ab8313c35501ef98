"""Texts staff send from the case page, and the fortnightly update sent early (no Flask).

Both go through the outbox, and both are refused, with the reason in words, when the resident's number
opted out (STOP), the resident has not said texts are safe, or the number is not a mobile (a landline reads
a text aloud to whoever answers). `text_refusal` says why exactly when `contact.may_text_now` says no.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.audit.records import CONSOLE_TEXT_SENT, CONSOLE_UPDATE_SENT, changes_recorded, record_change
from app.casework.contact import may_text, record_contact
from app.casework.lifecycle import is_open
from app.casework.models import Case
from app.casework.notes import NotAllowed
from app.casework.progress import send_update_now
from app.clock import now
from app.messaging import templates
from app.messaging.models import OutboundMessage
from app.messaging.opt_outs import is_opted_out
from app.messaging.outbox import queue_text
from app.messaging.segments import count_segments, encoding
from app.staff.models import StaffMember

STAFF_TEXT = "staff_text"  # the outbox's purpose for a text staff chose


def text_refusal(session: Session, case: Case) -> str | None:
    """Why this resident may not be texted now, in words for staff; None when they may."""
    if not case.callback_phone:
        return "There is no number on the case to text. Write to the resident or visit instead."
    if case.contact_by_phone_only or is_opted_out(session, case.callback_phone):
        return "The resident's number has opted out of texts (they texted STOP). Phone them instead."
    if not case.safe_to_text:
        return "The resident has not said texts are safe. Phone them instead."
    if not may_text(case):
        return "The number is not a mobile: a text could be read aloud to whoever answers. Phone them instead."
    return None


@dataclass(frozen=True)
class DraftText:
    """A text as it will be sent, and what it costs."""

    to: str
    body: str
    parts: int
    encoding: str


def draft_text(case: Case, choice: str) -> DraftText:
    """The exact wording of the chosen text for this case; raises NotAllowed for a choice not on the list."""
    if choice not in templates.STAFF_TEXTS:
        raise NotAllowed("Choose which text to send")
    body = templates.staff_text(choice, case.reference, case.officer.name if case.officer else None)
    return DraftText(str(case.callback_phone), body, count_segments(body), encoding(body))


def send_staff_text(
    session: Session, case: Case, staff: StaffMember, choice: str, address: str | None
) -> OutboundMessage:
    """Queue the chosen text to the resident and reset the two-week clock; commits. Raises NotAllowed."""
    if refusal := text_refusal(session, case):
        raise NotAllowed(refusal)
    draft = draft_text(case, choice)
    message = queue_text(session, to=draft.to, body=draft.body, purpose=STAFF_TEXT, case_id=case.id, daytime_only=True)
    record_contact(case, now())
    record_change(session, staff, CONSOLE_TEXT_SENT, case.id, address, {"text": [None, choice]})
    session.commit()
    return message


def send_update(
    session: Session, case: Case, staff: StaffMember, address: str | None, action: str = CONSOLE_UPDATE_SENT
) -> datetime | None:
    """Send the fortnightly update now and restart the clock, audited as `action`; returns when the next is due.

    Raises NotAllowed when the case is closed or the resident may not be texted.
    """
    if not is_open(case):
        raise NotAllowed("The case is closed: closed cases get no updates.")
    if refusal := text_refusal(session, case):
        raise NotAllowed(refusal)
    with changes_recorded(session, staff, action, case, ["next_update_due"], address):
        sent = send_update_now(session, case)
    if not sent:  # the rules above are the same as send_update_now's, so this is a race with a STOP
        raise NotAllowed("The resident may not be texted now. Phone them instead.")
    return case.next_update_due
