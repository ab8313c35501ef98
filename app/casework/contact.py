"""Contact with a resident: whether we may text them, and the two-week clock each contact resets."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.casework.models import Case
from app.messaging import models as m
from app.messaging.models import OutboundMessage
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


# Why a case is phone only besides a STOP: its number reached somebody else (a call task's outcome). Texts stop
# until staff record the resident's right number.
WRONG_NUMBER = "wrong_number"
# Why a text still waiting to go was stopped: texting the resident became unsafe or impossible after it was
# queued (the officer phones instead), or its number proved to be somebody else's (nobody is phoned).
HELD_BACK = "held_back"


def hold_back_waiting_texts(session: Session, case: Case, why: str, to: str | None) -> list[int]:
    """Refuse the case's texts to `to` that are still waiting to go (queued, or waiting to retry after an
    error), saying `why`: a text queued before the resident said texts are not safe, or before their number
    proved wrong, must not go at its next try. Returns the ids of the texts held back."""
    if not to:
        return []
    held = session.scalars(
        update(OutboundMessage)
        .where(
            OutboundMessage.case_id == case.id, OutboundMessage.to_phone == to, OutboundMessage.status == m.RETRYABLE
        )
        .values(status=m.REFUSED, error_code=why)
        .returning(OutboundMessage.id)
        .execution_options(synchronize_session=False)
    )
    return list(held)


UPDATE_INTERVAL = timedelta(days=14)


def record_contact(case: Case, at: datetime) -> None:
    """Any text we send or call we log resets the two-week clock."""
    case.last_contact_at = at
    case.next_update_due = at + UPDATE_INTERVAL
