"""A call's progress through the phone flows (ivr_flows/), kept in the database.

Each webhook hands over what the caller just did (`Input`); this module
records the answer on the `PhoneCall` row and says what the caller hears
next (an `Outcome`), without knowing anything of TwiML or Flask.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.calendar import LONDON, is_within_hours, london_date
from app.cases import service
from app.cases.contact import may_text
from app.cases.models import Case, PhoneCall
from app.cases.references import digits_of
from app.cases.report import Report
from app.clock import now
from app.phones import sender_number, spoken_digits, uk_number_from_keypad
from ivr_flows import Flows, Option, Step

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # the question, then at most two repeats
REPORT_FLOWS = {"report": "hate_crime", "graffiti": "graffiti"}


@dataclass(frozen=True)
class Input:
    """What the caller did at a step: keys pressed, or a recording made (or nothing)."""

    digits: str = ""
    recording: dict[str, Any] | None = None


@dataclass(frozen=True)
class Ask:
    step: Step
    attempt: int = 1
    retry_message: str = ""  # asked again: the message saying why
    before: str = ""  # a message to say first
    values: dict[str, str] = field(default_factory=dict)  # what the prompt reads back


@dataclass(frozen=True)
class Finished:
    """The call's business is done: `message` names what to say, then goodbye."""

    message: str
    case: Case | None = None
    deadline: datetime | None = None
    details: dict[str, str] | None = None
    texting: bool = False


@dataclass(frozen=True)
class Connect:
    number: str


Outcome = Ask | Finished | Connect


@dataclass(frozen=True)
class ContactCentre:
    number: str
    opens: time
    closes: time

    def is_open(self, instant: datetime) -> bool:
        """Someone can answer: a number is configured and it is a working day within hours."""
        return bool(self.number) and is_within_hours(instant, self.opens, self.closes)


def start_call(session: Session, flows: Flows, call_sid: str, from_number: str | None) -> Outcome:
    """A new call (or Twilio retrying the first webhook): greet and ask the main menu."""
    _call(session, call_sid, from_number)
    session.commit()
    return Ask(flows.start_of("main"))


def answer(
    session: Session,
    flows: Flows,
    centre: ContactCentre,
    call_sid: str,
    from_number: str | None,
    step: Step,
    attempt: int,
    given: Input,
) -> Outcome:
    """Record the caller's answer to `step` and decide what comes next."""
    call = _call(session, call_sid, from_number)
    call.last_step_at = now()
    accepted, value = _interpret(step, given)
    if accepted:
        if step.type == "record":
            service.record_recording(session, call_sid, step.purpose or step.id, _recording_details(given))
        elif step.type != "menu":
            _remember(call, step.id, value)
        option = step.options.get(given.digits) if step.type in {"menu", "choice"} else None
        target = option.goto if option and option.goto else step.next
        # Safety advice cannot wait for the end of the call: it comes before the next question.
        before = step.on_yes_say if value is True and step.on_yes_say else ""
        return _advance(session, flows, centre, call, target, option, before)
    if attempt < MAX_ATTEMPTS:
        session.commit()
        keyed_wrong = bool(given.digits.strip()) and step.retry_message
        return Ask(step, attempt + 1, retry_message=step.retry_message if keyed_wrong else "retry")
    log.info("call %s: no answer to %s after %s attempts", call_sid, step.address, attempt)
    if step.on_no_answer:
        return _advance(session, flows, centre, call, step.on_no_answer.goto, step.on_no_answer)
    if step.type == "menu":
        return _advance(session, flows, centre, call, None, Option(action="silent_caller"))
    _remember(call, step.id, None)
    return _advance(session, flows, centre, call, step.next, None)


def _interpret(step: Step, given: Input) -> tuple[bool, Any]:
    if step.type == "record":
        return bool(given.recording and given.recording.get("recording_sid")), None
    digits = given.digits.strip()
    if step.type in {"menu", "choice"}:
        option = step.options.get(digits)
        return (option is not None), (option.value if option else None)
    if step.type == "yes_no":
        return (digits in {"1", "2"}), (digits == "1")
    if step.type == "phone_number":
        number = uk_number_from_keypad(digits.rstrip("#"))
        return (number is not None), number
    if step.type == "digits":
        cleaned = digits_of(digits)
        return (len(cleaned) == step.num_digits), cleaned
    return False, None


def _recording_details(given: Input) -> dict[str, Any]:
    recording = given.recording or {}
    return {
        "recording_sid": recording["recording_sid"],
        "url": recording.get("url"),
        "duration_seconds": recording.get("duration_seconds"),
    }


def _remember(call: PhoneCall, key: str, value: Any) -> None:
    call.answers = {**call.answers, key: value}  # a new dict, so the JSON column is saved


def _advance(
    session: Session,
    flows: Flows,
    centre: ContactCentre,
    call: PhoneCall,
    target: str | None,
    option: Option | None,
    before: str = "",
) -> Outcome:
    action = option.action if option and option.action else None
    if target and not action:
        next_step = flows.step(target)
        if next_step.flow in REPORT_FLOWS:
            call.flow = next_step.flow  # from here on, a hang-up leaves an incomplete report
        if next_step.type != "action":
            session.commit()
            return Ask(next_step, before=before, values=_read_back(call, next_step))
        action = next_step.action
    return _perform(session, flows, centre, call, action or "silent_caller")


def _read_back(call: PhoneCall, step: Step) -> dict[str, str]:
    """The earlier answer a confirming question reads back, one digit at a time."""
    if step.reads_back is None:
        return {}
    return {"number": spoken_digits(str(call.answers.get(step.reads_back) or ""))}


def _perform(session: Session, flows: Flows, centre: ContactCentre, call: PhoneCall, action: str) -> Outcome:
    if action == "connect_contact_centre":
        session.commit()
        if not centre.number:
            # Nobody to put them through to, whatever the hours: say so, and take the report instead.
            return Ask(flows.step("main.report_offer"), before="contact_centre_unavailable")
        if centre.is_open(now()):
            return Connect(centre.number)
        return Ask(flows.step("main.closed_offer"), before="contact_centre_closed")
    if action == "case_update":
        return _case_update(session, call)
    if action == "silent_caller":
        case = _open_from_call(session, call, kind="hate_crime", complete=False)
        message = "silent_caller"
    else:
        kind = "graffiti" if action == "finish_graffiti" else "hate_crime"
        case = _open_from_call(session, call, kind=kind, complete=True)
        message = "graffiti_taken" if kind == "graffiti" else "report_taken"
    task = service.first_task(case)
    return Finished(message, case, task.due_at if task else None, texting=may_text(case))


def _report_from_answers(call: PhoneCall, kind: str, complete: bool) -> Report:
    answers = call.answers
    strand = answers.get("strand")
    return Report(
        kind=kind,
        channel="phone",
        caller_phone=call.from_phone,
        callback_phone=answers.get("callback_number") or call.from_phone,
        strands=[strand] if strand else [],
        risk_answers={
            key: answers.get(key) for key in ("danger_now", "happened_before", "unsafe_at_home", "support_needs")
        },
        needs_adjustment=answers.get("needs_adjustment"),
        safe_to_text=answers.get("safe_to_text"),
        visit_requested=answers.get("visit_requested"),
        referral_consent=answers.get("referral_consent"),
        graffiti_offensive=answers.get("graffiti_offensive"),
        incomplete_call=not complete,
        call_sid=call.call_sid,
    )


def _open_from_call(session: Session, call: PhoneCall, kind: str, complete: bool) -> Case:
    session.commit()
    report = _report_from_answers(call, kind, complete)
    case = service.finish_call_report(session, service.open_case(session, report, call.started_at), report)
    if call.case_id != case.id:
        call.case_id = case.id
        session.commit()
    return case


# Unknown references asked about from one number in a London day before the line stops opening
# enquiries for them (the caller hears the same sentence): probing references by phone creates no work.
UNKNOWN_REFERENCES_PER_DAY = 3


def _unknown_references_today(session: Session, from_phone: str | None) -> int:
    """Enquiries opened today for unknown references from this number (withheld numbers count together)."""
    midnight = datetime.combine(london_date(now()), time.min, tzinfo=LONDON)
    same_number = Case.caller_phone == from_phone if from_phone else Case.caller_phone.is_(None)
    opened = select(func.count(Case.id)).where(
        Case.kind == "enquiry", Case.channel == "phone", same_number, Case.created_at >= midnight
    )
    return session.scalar(opened) or 0


def _case_update(session: Session, call: PhoneCall) -> Outcome:
    """Read case details only to the number on the case; anyone else gets the same neutral answer."""
    digits = call.answers.get("reference") or ""
    case = session.scalars(select(Case).where(Case.reference_digits == digits)).first() if digits else None
    verified = (
        case is not None and call.from_phone is not None and call.from_phone in {case.caller_phone, case.callback_phone}
    )
    if case is not None and verified:
        session.commit()
        return Finished("update_verified", case, details=service.progress(case))
    if case is not None:
        service.request_callback_about(session, case, call.from_phone, call.call_sid)
        return Finished("update_requested")
    if _unknown_references_today(session, call.from_phone) >= UNKNOWN_REFERENCES_PER_DAY:
        session.commit()
        log.info("call %s: update asked for an unknown reference; daily limit reached, nothing opened", call.call_sid)
        return Finished("update_requested")
    enquiry = _open_from_call(session, call, kind="enquiry", complete=True)
    log.info("call %s: update asked for an unknown reference; enquiry %s opened", call.call_sid, enquiry.reference)
    return Finished("update_requested")


def _call(session: Session, call_sid: str, from_number: str | None) -> PhoneCall:
    call = session.scalars(select(PhoneCall).where(PhoneCall.call_sid == call_sid)).first()
    if call is not None:
        return call
    call = PhoneCall(call_sid=call_sid, from_phone=sender_number(from_number))
    session.add(call)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return session.scalars(select(PhoneCall).where(PhoneCall.call_sid == call_sid)).one()
    return call


def end_call(session: Session, call_sid: str, status: str, from_number: str | None) -> Case | None:
    """Twilio says the call is over. A report left half way still becomes an (incomplete) case."""
    call = _call(session, call_sid, from_number)
    if call.ended_at is None:
        call.ended_at, call.end_status = now(), status
    return close_unfinished(session, call)


def close_unfinished(session: Session, call: PhoneCall) -> Case | None:
    """Open an incomplete case for a call that chose to report but never finished; commits."""
    if call.case_id is None and call.flow in REPORT_FLOWS and service.find_case_by_call(session, call.call_sid) is None:
        case = _open_from_call(session, call, kind=REPORT_FLOWS[call.flow], complete=False)
        log.info("call %s ended part way; incomplete case %s", call.call_sid, case.reference)
        return case
    session.commit()
    return None


def unfinished_calls(session: Session, idle_since: datetime) -> list[PhoneCall]:
    """Calls whose status callback never came and that have been quiet since `idle_since`."""
    return list(
        session.scalars(select(PhoneCall).where(PhoneCall.ended_at.is_(None), PhoneCall.last_step_at < idle_since))
    )
