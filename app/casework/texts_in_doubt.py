"""Texts to a resident that failed for good, or may not have arrived, become a phone task for the officer.

A text that ran out of retries, that Twilio refused (an invalid number, an
opted-out number), that Twilio's status callback says failed or was
undelivered (a phone switched off for days, a number no longer in use), or
whose fate is unknown (Twilio stopped answering
mid-request, a worker was killed mid-send) must not leave the resident
waiting for news that never comes. One task per text, whichever path finds it
first: the send job, or the outbox sweep for claims a dead worker left.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import String, and_, cast, exists, literal, select
from sqlalchemy.orm import Session

from app.calendar import next_working_day_deadline
from app.casework.contact import HELD_BACK, WRONG_NUMBER, hold_back_waiting_texts
from app.casework.lifecycle import is_open
from app.casework.models import Case, Task
from app.casework.named_officer import OFFICER_NAMED
from app.casework.plan_copies import ACTION_PLAN_TEXT
from app.casework.staff_texts import STAFF_TEXT
from app.casework.tasks import add_task
from app.clock import now
from app.messaging import models as m
from app.messaging.history import DUTY_ALERT
from app.messaging.models import OutboundEmail, OutboundMessage
from app.messaging.outbox import record_delivery_status

# Every text to a resident about an open case: each one failing leaves them without news they were meant
# to have (their reference, an update, their officer's name, a copy of their plan, what staff chose to say).
RESIDENT_TEXTS = {
    "report_confirmation",
    "reopened_confirmation",
    "progress_update",
    "graffiti_removed",
    "question",
    STAFF_TEXT,
    ACTION_PLAN_TEXT,
    OFFICER_NAMED,
}
log = logging.getLogger(__name__)

IN_DOUBT = (m.FAILED, m.REFUSED, m.UNCERTAIN, m.UNDELIVERED)
LOOK_BACK = timedelta(days=7)


def _origin(message_id: int) -> str:
    return f"text-failed:{message_id}"


def phone_instead_of_text(session: Session, message: OutboundMessage) -> Task | None:
    """The officer phones the resident instead (failed), or to check they got it (uncertain); once per text."""
    case = session.get(Case, message.case_id) if message.case_id else None
    if case is None or message.purpose not in RESIDENT_TEXTS or not is_open(case):
        return None
    if message.status not in IN_DOUBT or message.error_code in {"not_safe_to_text", WRONG_NUMBER}:
        return None
    origin = _origin(message.id)
    if session.scalar(select(Task.id).where(Task.case_id == case.id, Task.origin == origin)) is not None:
        return None
    if message.status == m.UNCERTAIN:
        note = "We cannot tell whether a text reached the resident: phone them to check they got it."
    elif message.error_code == HELD_BACK:
        note = "A text waiting to go to the resident was held back (texts are no longer safe): phone them instead."
    else:
        note = f"A text to the resident could not be delivered ({message.error_code or 'failed'}): phone them instead."
    if message.purpose == OFFICER_NAMED:
        note += " It named their officer: tell them who it is."
        case.officer_told_id = None  # not told after all: the next call that reaches them names the officer
    return add_task(session, case, "progress_call", origin, next_working_day_deadline(now()), note=note)


def phone_instead_of_waiting_texts(session: Session, case: Case, to: str | None) -> None:
    """The case's texts to `to` still waiting to go are held back, and the officer phones with them instead."""
    for message_id in hold_back_waiting_texts(session, case, HELD_BACK, to):
        message = session.get(OutboundMessage, message_id, populate_existing=True)
        assert message is not None
        phone_instead_of_text(session, message)


def after_text_in_doubt(session: Session, message: OutboundMessage) -> None:
    """A text failed for good or may not have arrived: a resident's becomes a phone task; a duty manager's
    high-risk alert, when no alert about the case is still on its way or arrived, flags the case (not
    committed)."""
    phone_instead_of_text(session, message)
    if message.purpose == DUTY_ALERT and message.case_id is not None:
        _unless_another_alert_arrives(session, message.case_id)


def _unless_another_alert_arrives(session: Session, case_id: int) -> None:
    alerts = (OutboundMessage.case_id == case_id, OutboundMessage.purpose == DUTY_ALERT)
    text_may_arrive = select(OutboundMessage.id).where(*alerts, OutboundMessage.status.not_in(IN_DOUBT))
    email_may_arrive = select(OutboundEmail.id).where(
        OutboundEmail.case_id == case_id, OutboundEmail.purpose == DUTY_ALERT, OutboundEmail.status != m.FAILED
    )
    if session.scalar(text_may_arrive.union(email_may_arrive).limit(1)) is not None:
        return
    case = session.get(Case, case_id)
    if case is not None and case.duty_alert_failed_at is None:
        case.duty_alert_failed_at = now()
        log.error("high-risk case %s: no duty manager's alert arrived", case.reference)


def record_text_status(session: Session, sid: str, status: str, error_code: str | None) -> bool:
    """Apply Twilio's status callback; a resident's text that failed or was undelivered becomes a phone task now."""
    if not record_delivery_status(session, sid, status, error_code):
        return False
    message = session.scalars(select(OutboundMessage).where(OutboundMessage.twilio_sid == sid)).first()
    if message is not None and message.status in IN_DOUBT:
        after_text_in_doubt(session, message)
        session.commit()
    return True


def unfollowed_texts(session: Session) -> list[int]:
    """Recent resident texts in doubt that have no phone task yet (the sweep's safety net)."""
    has_task = exists().where(
        and_(
            Task.case_id == OutboundMessage.case_id,
            Task.origin == literal("text-failed:") + cast(OutboundMessage.id, String),
        )
    )
    query = select(OutboundMessage.id).where(
        OutboundMessage.status.in_(IN_DOUBT),
        OutboundMessage.purpose.in_(RESIDENT_TEXTS),
        OutboundMessage.case_id.is_not(None),
        OutboundMessage.created_at > now() - LOOK_BACK,
        ~has_task,
    )
    return list(session.scalars(query))
