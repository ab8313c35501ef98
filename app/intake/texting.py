"""Text conversations with residents: reports, replies to their case, STATUS, HELP and STOP.

Every inbound text is stored first, whatever it is. The reply is returned
for the webhook to send as TwiML and is recorded in the outbox; anything we
send later (the next question after a resident has finished typing) goes
through the outbox and a worker.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy import text as sql
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from app.calendar import spoken_day_and_time
from app.casework import service
from app.casework.attention import UNHANDLED
from app.casework.models import Attachment, Case, TextConversation
from app.casework.report import Report
from app.casework.surveys import answer_by_text
from app.clock import now
from app.intake import resident_texts
from app.intake.engine import Ask, Collect, Given, Next, move_on, take_turn
from app.intake.text_answers import (
    DESCRIPTION_MIN_LENGTH,
    allowed_answers,
    command_of,
    is_opt_in,
    is_opt_out,
    keyword,
)
from app.jobs import JobName, enqueue_after_commit
from app.messaging import models as m
from app.messaging import templates
from app.messaging.models import InboundMessage, OutboundMessage
from app.messaging.opt_outs import is_opted_out, set_opted_out
from app.messaging.outbox import queue_text, record_reply
from app.phones import sender_number
from ivr_flows import Flows, Step

log = logging.getLogger(__name__)

CONVERSATION_IDLE = timedelta(hours=24)
# RQ's scheduler keeps due times in whole seconds and hosts' clocks differ a little: a job that
# runs this much before its due time does its work rather than waiting for the next sweep.
SCHEDULE_TOLERANCE = timedelta(seconds=5)
REPORT_KINDS = {"report": "hate_crime", "graffiti": "graffiti"}
OPTED_OUT = "opted_out"  # why a case went phone only, so START can undo exactly that


@dataclass(frozen=True)
class InboundText:
    message_sid: str
    from_raw: str
    to: str
    body: str
    media: list[dict[str, str]] = field(default_factory=list)
    opt_out_type: str = ""  # Twilio Advanced Opt-Out: STOP, START or HELP
    raw_form: dict[str, str] = field(default_factory=dict)  # everything Twilio posted, as posted


@dataclass(frozen=True)
class TextLine:
    """What the text line needs to know about itself."""

    own_numbers: frozenset[str]
    flood_limit_per_minute: int


@dataclass
class Handled:
    reply: str | None
    handled_as: str
    case: Case | None = None


def receive(session: Session, flows: Flows, line: TextLine, inbound: InboundText) -> str | None:
    """Store and act on one inbound text; returns the reply (None: no reply). Idempotent on MessageSid."""
    stored = session.scalars(select(InboundMessage).where(InboundMessage.message_sid == inbound.message_sid)).first()
    if stored is not None:
        return apology(flows, line, inbound) if stored.handled_as == UNHANDLED else stored.reply
    message = _as_stored(inbound)
    session.add(message)
    try:
        session.flush()
    except IntegrityError:  # the same MessageSid delivered twice at once
        session.rollback()
        return receive(session, flows, line, inbound)
    try:
        return _act_on(session, flows, line, message, inbound)
    except Exception:
        session.rollback()
        _keep_unhandled(session, inbound)
        raise


def apology(flows: Flows, line: TextLine, inbound: InboundText) -> str | None:
    """The reply when a text could not be dealt with: a sorry and the 999 advice, told without the database.

    None where no reply may go: a sender we never answer (a sender id, a withheld number, our own), and a
    STOP, which must get nothing back. Anyone else would otherwise hear nothing at all.
    """
    phone = sender_number(inbound.from_raw)
    if phone is None or phone in line.own_numbers or inbound.opt_out_type or is_opt_out(inbound.body):
        return None
    return flows.message("not_taken")


def _as_stored(inbound: InboundText, handled_as: str | None = None) -> InboundMessage:
    return InboundMessage(
        message_sid=inbound.message_sid,
        from_raw=inbound.from_raw[:64],
        from_phone=sender_number(inbound.from_raw),
        to_phone=inbound.to[:64],
        body=inbound.body,
        media=inbound.media,
        raw_form=inbound.raw_form,
        handled_as=handled_as,
    )


def _keep_unhandled(session: Session, inbound: InboundText) -> None:
    """Handling failed and rolled back: the text itself is still kept, marked for a person to read."""
    session.add(_as_stored(inbound, handled_as=UNHANDLED))
    try:
        session.commit()
    except SQLAlchemyError:
        session.rollback()
        log.error("text %s could not be stored after its handling failed", inbound.message_sid)


def _act_on(
    session: Session, flows: Flows, line: TextLine, message: InboundMessage, inbound: InboundText
) -> str | None:
    handled = _handle(session, flows, line, message, inbound)
    message.handled_as = handled.handled_as
    if handled.case is not None and message.case_id is None:
        message.case_id = handled.case.id
    for item in inbound.media:
        session.add(Attachment(case_id=message.case_id, inbound_message_id=message.id, **item))
    if handled.reply and message.from_phone:
        case_id = handled.case.id if handled.case else None
        row = record_reply(
            session, to=message.from_phone, body=handled.reply, purpose=handled.handled_as, case_id=case_id
        )
        message.reply = handled.reply if row.status == m.REPLIED else None
    session.commit()
    log.info("text %s handled as %s (case id %s)", message.id, handled.handled_as, message.case_id)
    return message.reply


def _handle(session: Session, flows: Flows, line: TextLine, message: InboundMessage, inbound: InboundText) -> Handled:
    phone = message.from_phone
    if phone is None or phone in line.own_numbers:
        return Handled(None, "ignored")
    _one_at_a_time(session, phone)
    # STOP, START and HELP win over everything else: the flood limit, a conversation, an unknown number.
    twilio_keyword = inbound.opt_out_type.upper()
    if twilio_keyword == "STOP" or (not twilio_keyword and is_opt_out(message.body)):
        return Handled(None, "opt_out", number_opted_out(session, phone, "text_stop"))
    opted_out = is_opted_out(session, phone)
    if twilio_keyword == "START" or (opted_out and is_opt_in(message.body)):
        number_opted_in(session, phone)
        # Twilio answers its own keywords when Advanced Opt-Out is on; we add nothing then.
        return Handled(None if twilio_keyword else flows.message("opted_in"), "opt_in")
    if twilio_keyword == "HELP":
        return Handled(None, "help")
    if opted_out:
        return _while_opted_out(session, phone, message)
    if command_of(message.body)[0] == "HELP":
        return Handled(flows.message("help"), "help")
    answering = _active_conversation(session, flows, phone) is not None
    if not answering and resident_texts.is_flood(session, phone, line.flood_limit_per_minute):
        return Handled(None, "flood", resident_texts.alert_flood(session, phone))
    return _converse(session, flows, phone, message)


# A write that changes nothing: on SQLite it takes the database's one write lock, held until the commit.
_TAKE_THE_WRITE_LOCK = (
    update(TextConversation)
    .where(TextConversation.phone == bindparam("number"), TextConversation.status == "active")
    .values(last_activity_at=TextConversation.last_activity_at)
)


def _one_at_a_time(session: Session, phone: str) -> None:
    """Texts from one number, and the job that texts its next question, act one after another, even when
    they arrive at the same moment; call it before reading what the other may change.

    On PostgreSQL a transaction-scoped advisory lock on the number does it; on
    SQLite the database's one write lock. The unique index on a number's active
    conversation and on a case's open flood alert hold even without it.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sql("SELECT pg_advisory_xact_lock(hashtextextended(:phone, 0))"), {"phone": phone})
    else:
        session.execute(_TAKE_THE_WRITE_LOCK, {"number": phone})


def _while_opted_out(session: Session, phone: str, message: InboundMessage) -> Handled:
    """Nothing may be texted to an opted-out number, but what it sends still reaches an officer, who phones."""
    case = resident_texts.case_to_reply_to(session, phone)
    if case is not None:
        resident_texts.tell_officer(session, case, message)
        return Handled(None, "while_opted_out", case)
    first_word = keyword(message.body.split(" ", 1)[0]) if message.body.strip() else ""
    describes = len(message.body.strip()) >= DESCRIPTION_MIN_LENGTH
    if first_word not in {"REPORT", "GRAFFITI"} and not describes:
        return Handled(None, "while_opted_out")
    report = Report(
        kind="graffiti" if first_word == "GRAFFITI" else "hate_crime",
        channel="sms",
        caller_phone=phone,
        description=message.body.strip() if describes else None,
        safe_to_text=False,
        incomplete_call=True,
        confirm_by_text=False,
    )
    case = service.open_case(session, report, received_at=message.received_at)
    log.info("a report by text from an opted-out number: case %s, to phone", case.reference)
    return Handled(None, "report_while_opted_out", case)


def _converse(session: Session, flows: Flows, phone: str, message: InboundMessage) -> Handled:
    conversation = _active_conversation(session, flows, phone)
    command, argument = command_of(message.body)
    if command == "STATUS":
        return Handled(resident_texts.status_reply(session, flows, phone, argument, message.id), "status")
    if command in {"REPORT", "GRAFFITI"}:
        if conversation is not None and conversation.answers:
            # What they said so far (a "yes" to danger, say) is kept as a case an officer calls back about,
            # as when they text STOP or go quiet, whether or not the new report is finished.
            expire(session, conversation, status="restarted")
        elif conversation is not None:
            conversation.status = "restarted"
        flow = "report" if command == "REPORT" else "graffiti"
        _start(session, flows, message, flow)
        return Handled(flows.start_of(flow).prompt, f"start_{flow}")
    if conversation is not None:
        return _answer(session, flows, conversation, message.body)
    # A resident with an open case is answering its officer, whatever they typed: never taken as a survey score.
    case = resident_texts.case_to_reply_to(session, phone)
    if case is not None:
        resident_texts.tell_officer(session, case, message)
        if not resident_texts.may_be_named_by_text(case):
            return Handled(flows.message("added_unnamed"), resident_texts.RESIDENT_MESSAGE, case)
        return Handled(flows.message("added_to_case", reference=case.reference), resident_texts.RESIDENT_MESSAGE, case)
    if (survey := answer_by_text(session, phone, message.body, message.received_at)) is not None:
        return Handled(templates.survey_thanks(), "survey_answer", session.get(Case, survey.case_id))
    if len(message.body.strip()) >= DESCRIPTION_MIN_LENGTH:
        return _answer(session, flows, _start(session, flows, message, "report"), message.body)
    return Handled(flows.message("menu"), "menu")


def _start(session: Session, flows: Flows, message: InboundMessage, flow: str) -> TextConversation:
    """A conversation begins with the text that started it (kept on the case it leads to)."""
    conversation = TextConversation(
        phone=str(message.from_phone),
        flow=flow,
        step=flows.start_of(flow).id,
        answers={},
        started_at=message.received_at,
    )
    try:
        with session.begin_nested():
            session.add(conversation)
    except IntegrityError:
        # Another text from this number started a conversation at the same moment: this one joins it.
        return session.scalars(
            select(TextConversation).where(
                TextConversation.phone == conversation.phone, TextConversation.status == "active"
            )
        ).one()
    return conversation


def _answer(session: Session, flows: Flows, conversation: TextConversation, text: str) -> Handled:
    step = flows.step(f"{conversation.flow}.{conversation.step}")
    conversation.last_activity_at = now()
    if conversation.collecting_until is not None:
        # The next question has not gone yet: this text continues the last answer. Within the minute
        # we wait for more; after it (the scheduled question is late) the reply asks the next question.
        conversation.answers = {**conversation.answers, step.id: f"{conversation.answers[step.id]}\n{text.strip()}"}
        if now() <= conversation.collecting_until:
            _keep_collecting(session, conversation, step)
            return Handled(None, "answer_continued")
        conversation.collecting_until = None
        return _follow(session, flows, conversation, move_on(flows, step, conversation.answers))
    turn = take_turn(flows, step, conversation.attempts, conversation.answers, Given(text=text))
    conversation.answers = turn.answers
    return _follow(session, flows, conversation, turn.next)


def _follow(session: Session, flows: Flows, conversation: TextConversation, following: Next) -> Handled:
    """The engine's next move as a text: the next question (safety advice first), the question again, or the end."""
    if isinstance(following, Collect):
        _keep_collecting(session, conversation, following.step)
        return Handled(flows.message("collecting"), "answer")
    if isinstance(following, Ask):
        conversation.step, conversation.attempts = following.step.id, following.attempt
        if following.retry_message:
            retry = flows.message("not_understood", allowed=allowed_answers(following.step))
            return Handled(f"{retry} {following.step.prompt}", "not_understood")
        before = f"{flows.message(following.before)} " if following.before else ""
        return Handled(before + following.step.prompt, "answer")
    case = _open_case(session, conversation, complete=True)
    task = service.first_task(case)
    deadline = spoken_day_and_time(task.due_at) if task else ""
    taken = "graffiti_taken" if case.kind == "graffiti" else "report_taken"
    return Handled(flows.message(taken, reference=case.reference, deadline=deadline), "report_taken", case)


def _keep_collecting(session: Session, conversation: TextConversation, step: Step) -> None:
    conversation.collecting_until = now() + timedelta(seconds=step.join_within_seconds)
    job_id = f"continue-conversation-{conversation.id}-{int(conversation.collecting_until.timestamp())}"
    enqueue_after_commit(
        session, JobName.CONTINUE_CONVERSATION, conversation.id, job_id=job_id, at=conversation.collecting_until
    )


def continue_conversation(session: Session, flows: Flows, conversation_id: int) -> bool:
    """The resident has stopped typing: text them the next question. Idempotent."""
    conversation = session.get(TextConversation, conversation_id)
    if conversation is None:
        return False
    # A text from them at this very moment asks the late question itself: one of the two goes first, and the
    # other reads what the first left, so the question is sent once.
    _one_at_a_time(session, conversation.phone)
    session.refresh(conversation)
    if conversation.status != "active" or conversation.collecting_until is None:
        return False
    if conversation.collecting_until > now() + SCHEDULE_TOLERANCE:
        return False
    conversation.collecting_until = None
    step = flows.step(f"{conversation.flow}.{conversation.step}")
    handled = _follow(session, flows, conversation, move_on(flows, step, conversation.answers))
    if handled.reply:
        case_id = handled.case.id if handled.case else None
        queue_text(session, to=conversation.phone, body=handled.reply, purpose="question", case_id=case_id)
    session.commit()
    return True


def _open_case(session: Session, conversation: TextConversation, complete: bool) -> Case:
    answers = conversation.answers
    strand = answers.get("strand")
    report = Report(
        kind=REPORT_KINDS[conversation.flow],
        channel="sms",
        caller_phone=conversation.phone,
        strands=[strand] if strand else [],
        risk_answers={k: answers.get(k) for k in ("danger_now", "happened_before", "unsafe_at_home", "support_needs")},
        needs_adjustment=answers.get("support_needs"),
        safe_to_text=answers.get("safe_to_text"),
        visit_requested=answers.get("visit_requested"),
        referral_consent=answers.get("referral_consent"),
        graffiti_offensive=answers.get("graffiti_offensive"),
        incomplete_call=not complete,
        description=answers.get("description"),
        location=answers.get("location"),
        occurred=answers.get("occurred"),
        confirm_by_text=False,
    )
    # Finished in the case's own commit: that commit ends the number's lock (_one_at_a_time), and a text
    # that was waiting on it must not find the last question still open and report all over again.
    conversation.status = "finished" if complete else conversation.status
    case = service.open_case(session, report, received_at=conversation.started_at)
    conversation.case_id = case.id
    _file_conversation_on(session, conversation, case)
    return case


def _file_conversation_on(session: Session, conversation: TextConversation, case: Case) -> None:
    """The texts (and pictures) of the conversation become the start of the case's timeline."""
    texts = select(InboundMessage.id).where(
        InboundMessage.from_phone == conversation.phone,
        InboundMessage.received_at >= conversation.started_at,
        InboundMessage.case_id.is_(None),
    )
    message_ids = list(session.scalars(texts))
    session.execute(
        update(InboundMessage)
        .where(InboundMessage.id.in_(message_ids))
        .values(case_id=case.id)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Attachment)
        .where(Attachment.inbound_message_id.in_(message_ids))
        .values(case_id=case.id)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(OutboundMessage)
        .where(
            OutboundMessage.to_phone == conversation.phone,
            OutboundMessage.created_at >= conversation.started_at,
            OutboundMessage.case_id.is_(None),
        )
        .values(case_id=case.id)
        .execution_options(synchronize_session=False)
    )


def _active_conversation(session: Session, flows: Flows, phone: str) -> TextConversation | None:
    conversation = session.scalars(
        select(TextConversation)
        .where(TextConversation.phone == phone, TextConversation.status == "active")
        .order_by(TextConversation.id.desc())
    ).first()
    if conversation is not None and conversation.last_activity_at < now() - CONVERSATION_IDLE:
        expire(session, conversation)
        return None
    return conversation


def expire(session: Session, conversation: TextConversation, status: str = "expired") -> Case:
    """Close a conversation left half way; what was said becomes an incomplete case an officer calls back."""
    conversation.status = status
    conversation.collecting_until = None
    return _open_case(session, conversation, complete=False)


def idle_conversations(session: Session) -> list[TextConversation]:
    cutoff = now() - CONVERSATION_IDLE
    query = select(TextConversation).where(
        TextConversation.status == "active", TextConversation.last_activity_at < cutoff
    )
    return list(session.scalars(query))


def waiting_conversations(session: Session) -> list[int]:
    """Conversations whose next question is due but was never sent (a lost scheduled job)."""
    query = select(TextConversation.id).where(
        TextConversation.status == "active", TextConversation.collecting_until < now()
    )
    return list(session.scalars(query))


def number_opted_out(session: Session, phone: str, source: str) -> Case | None:
    """STOP or Twilio's 21610: no more texts; officers update the resident's cases by phone instead."""
    set_opted_out(session, phone, True, source)
    active = session.scalars(
        select(TextConversation).where(TextConversation.phone == phone, TextConversation.status == "active")
    ).first()
    stopped = expire(session, active, status="stopped") if active is not None else None
    for case in resident_texts.open_cases(session, phone):
        if not case.contact_by_phone_only:
            case.contact_by_phone_only, case.phone_only_reason = True, OPTED_OUT
    return stopped or resident_texts.case_to_reply_to(session, phone)


def number_opted_in(session: Session, phone: str) -> None:
    """START: texts again, and back to texts on the cases that STOP made phone only (not those staff chose)."""
    set_opted_out(session, phone, False, "text_start")
    for case in resident_texts.open_cases(session, phone):
        if case.phone_only_reason == OPTED_OUT:
            case.contact_by_phone_only, case.phone_only_reason = False, None
