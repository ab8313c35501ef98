"""Contact with a resident: whether we may text them, and the two-week clock each contact resets."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.casework.models import Case
from app.messaging.opt_outs import is_opted_out
from app.phones import can_receive_texts


def may_text(case: Case) -> bool:
    """The resident said texts are safe and the number is a mobile (a landline would read it aloud).

    A number that reported by text can take texts, even one the numbering-plan data does not know.
    """
    if not (case.safe_to_text and case.callback_phone):
        return False
    texted_us = case.channel == "sms" and case.callback_phone == case.caller_phone
    return texted_us or can_receive_texts(case.callback_phone)


def may_text_now(session: Session, case: Case) -> bool:
    """As above, and the number has not opted out since."""
    return may_text(case) and not case.contact_by_phone_only and not is_opted_out(session, case.callback_phone)


UPDATE_INTERVAL = timedelta(days=14)


def record_contact(case: Case, at: datetime) -> None:
    """Any text we send or call we log resets the two-week clock."""
    case.last_contact_at = at
    case.next_update_due = at + UPDATE_INTERVAL
