"""Texts outside a conversation: replies that land on a case, STATUS, and floods from one number."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.calendar import next_working_day_deadline
from app.casework import service
from app.casework.lifecycle import is_open
from app.casework.models import Case, Task
from app.casework.references import digits_of
from app.casework.report import Report
from app.casework.tasks import add_task
from app.clock import now
from app.messaging.models import InboundMessage, OutboundMessage
from ivr_flows import Flows

log = logging.getLogger(__name__)

RESIDENT_MESSAGE = "resident_message"


def open_cases(session: Session, phone: str) -> list[Case]:
    return [case for case in service.cases_for_phone(session, phone) if is_open(case)]


def case_to_reply_to(session: Session, phone: str) -> Case | None:
    """The open case the resident is most likely answering: the one we last texted them about."""
    cases = open_cases(session, phone)
    if not cases:
        return None
    last_texted = session.scalar(
        select(OutboundMessage.case_id)
        .where(OutboundMessage.to_phone == phone, OutboundMessage.case_id.in_([c.id for c in cases]))
        .order_by(OutboundMessage.id.desc())
        .limit(1)
    )
    return next((case for case in cases if case.id == last_texted), cases[0])


def tell_officer(session: Session, case: Case, message: InboundMessage) -> None:
    """A message on the case's timeline; one open task tells whoever works the case to read it."""
    message.case_id = case.id
    waiting = session.scalar(
        select(Task.id).where(Task.case_id == case.id, Task.kind == RESIDENT_MESSAGE, Task.status == "open")
    )
    if waiting is None:
        add_task(
            session,
            case,
            RESIDENT_MESSAGE,
            f"text:{message.message_sid}",
            next_working_day_deadline(now()),
            note="The resident has texted the line: read the message on the case.",
        )


# Texts that answer a question we asked: a quick texter sends a whole report inside a minute.
ANSWERS = ("answer", "answer_continued", "not_understood", "report_taken")


def is_flood(session: Session, phone: str, limit: int) -> bool:
    """More than `limit` texts nobody asked for in the last minute (answers to our questions never count)."""
    recent = session.scalar(
        select(func.count())
        .select_from(InboundMessage)
        .where(
            InboundMessage.from_phone == phone,
            InboundMessage.received_at > now() - timedelta(minutes=1),
            or_(InboundMessage.handled_as.is_(None), InboundMessage.handled_as.not_in(ANSWERS)),
        )
    )
    return int(recent or 0) > limit


def alert_flood(session: Session, phone: str) -> Case:
    """Texts beyond the limit are stored unanswered; an officer is alerted once (one open task per case)."""
    case = case_to_reply_to(session, phone)
    if case is None:
        case = service.open_case(session, Report(kind="enquiry", channel="sms", caller_phone=phone), now())
    already_alerted = select(Task.id).where(Task.case_id == case.id, Task.kind == "text_flood", Task.status == "open")
    if session.scalar(already_alerted) is None:
        try:
            with session.begin_nested():  # the database holds one open alert per case, whatever the race
                add_task(
                    session,
                    case,
                    "text_flood",
                    f"flood:{now():%Y%m%d%H%M%S}",
                    next_working_day_deadline(now()),
                    priority=True,
                    note="Many texts in a minute from this number: stored but not answered. Check on the resident.",
                )
        except IntegrityError:
            return case
        log.warning("text flood from the resident of case %s", case.reference)
    return case


def may_be_named_by_text(case: Case) -> bool:
    """Whether a reply may name the case: not when the resident said texts are not safe, or the case is phone
    only (a STOP, a number that reached somebody else), since a reply stays on the phone for anyone to read."""
    return case.safe_to_text is not False and not case.contact_by_phone_only


def status_reply(session: Session, flows: Flows, phone: str, argument: str, message_id: int) -> str:
    """Only the sender's own open cases; a reference belonging to anyone else reveals nothing. A case the
    reply may not name gets a call from its officer instead."""
    cases = open_cases(session, phone)
    if wanted := digits_of(argument):  # "STATUS please" names no case: all of the sender's own
        cases = [case for case in cases if case.reference_digits == wanted]
    if not cases:
        return flows.message("status_none")
    named = [case for case in cases if may_be_named_by_text(case)]
    for case in cases:
        if case not in named:
            service.request_callback_about(session, case, phone, f"text:{message_id}")
    if not named:
        return flows.message("status_by_phone")
    lines = [flows.message("status_case", reference=c.reference, **service.progress(c)) for c in named[:3]]
    return flows.message("status", cases=" ".join(lines))
