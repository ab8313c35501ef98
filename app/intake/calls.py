"""A call's progress through the phone flows (ivr_flows/), kept in the database.

Each webhook hands over what the caller just did (a `Given`); the engine
(app/intake/engine.py) decides what comes next, and this module keeps the
answers on the `PhoneCall` row, opens the case and says what the caller
hears (an `Outcome`), without knowing anything of TwiML or Flask.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import JSON, Table, Text, bindparam, func, literal, select, update
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert, Update

from app.calendar import LONDON, is_within_hours, london_date
from app.casework import service
from app.casework.closure import may_reopen
from app.casework.contact import may_text_now
from app.casework.models import Case, PhoneCall
from app.casework.report import Report
from app.casework.service import REOPEN_ASKED
from app.clock import now
from app.extensions import each_statement_committed
from app.intake.engine import (
    KEYS_NOT_UNDERSTOOD,
    MAX_ATTEMPTS,
    SILENT_CALLER,
    Ask,
    Collect,
    Given,
    answers_added,
    move_on,
    take_turn,
)
from app.phones import sender_number
from ivr_flows import NUMBER_WITHHELD, Flows, Step

log = logging.getLogger(__name__)

REPORT_FLOWS = {"report": "hate_crime", "graffiti": "graffiti"}
# The calls table itself, for the two statements every webhook makes (Core: no ORM unit of work).
CALLS = cast(Table, PhoneCall.__table__)


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
    each_statement_committed(session)
    _record_new_call(session, call_sid, from_number)
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
    given: Given,
) -> Outcome:
    """Record the caller's answer to `step` and decide what comes next (the engine decides; this keeps it)."""
    each_statement_committed(session)  # most answers are one statement
    progress = _keep_answer(session, call_sid, from_number, answers_added(step, attempt, given))
    turn = take_turn(flows, step, attempt, progress.answers, given)
    if turn.understood and step.type == "record" and given.recording:
        service.record_recording(session, call_sid, step.purpose or step.id, _recording_details(given.recording))
    if not turn.understood and attempt >= MAX_ATTEMPTS:
        log.info("call %s: no answer to %s after %s attempts", call_sid, step.address, attempt)
    following = turn.next
    if isinstance(following, Collect):  # phone answers are never joined: straight on
        following = move_on(flows, following.step, turn.answers)
    if isinstance(following, Ask) and following.step.if_number_withheld and sender_number(from_number) is None:
        following = Ask(flows.step(str(following.step.if_number_withheld.goto)), before=NUMBER_WITHHELD)
    if isinstance(following, Ask):
        # From a report's first question on, a hang-up leaves an incomplete report.
        if following.step.flow in REPORT_FLOWS and following.step.flow != progress.flow:
            session.execute(_SET_FLOW, {"call_id": progress.id, "flow_now": following.step.flow})
        session.commit()
        return following
    session.commit()  # what follows (a case opened, a callback asked for) is one transaction of its own
    call = session.get(PhoneCall, progress.id, populate_existing=True)
    assert call is not None
    return _perform(session, flows, centre, call, following.action)


def _recording_details(recording: Mapping[str, Any]) -> dict[str, Any]:
    return {key: recording.get(key) for key in ("recording_sid", "url", "duration_seconds")}


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
    if action in {SILENT_CALLER, KEYS_NOT_UNDERSTOOD}:
        case = _open_from_call(session, call, kind="hate_crime", complete=False)
        message = action
    else:
        kind = "graffiti" if action == "finish_graffiti" else "hate_crime"
        case = _open_from_call(session, call, kind=kind, complete=True)
        message = "graffiti_taken" if kind == "graffiti" else "report_taken"
    if not case.callback_phone and message in NO_NUMBER_TO_CALL:
        message = NO_NUMBER_TO_CALL[message]  # withheld, and none keyed: no promise of a call nobody can make
    task = service.first_task(case)
    return Finished(message, case, task.due_at if task else None, texting=may_text_now(session, case))


NO_NUMBER_TO_CALL = {
    "report_taken": "report_taken_no_number",
    SILENT_CALLER: "silent_caller_no_number",
    KEYS_NOT_UNDERSTOOD: "keys_not_understood_no_number",
}


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
    if case is not None and verified and may_reopen(case, now()):
        # The closure letter: "ring us within 28 days and quote your reference: we will reopen your case".
        task = service.request_callback_about(session, case, call.from_phone, f"call:{call.call_sid}", REOPEN_ASKED)
        session.commit()
        return Finished("reopen_requested", case, deadline=task.due_at)
    if case is not None and verified:
        session.commit()
        return Finished("update_verified", case, details=service.progress(case))
    if case is not None:
        service.request_callback_about(session, case, call.from_phone, f"call:{call.call_sid}")
        session.commit()
        return Finished("update_requested")
    if _unknown_references_today(session, call.from_phone) >= UNKNOWN_REFERENCES_PER_DAY:
        session.commit()
        log.info("call %s: update asked for an unknown reference; daily limit reached, nothing opened", call.call_sid)
        return Finished("update_requested")
    enquiry = _open_from_call(session, call, kind="enquiry", complete=True)
    log.info("call %s: update asked for an unknown reference; enquiry %s opened", call.call_sid, enquiry.reference)
    return Finished("update_requested")


def _record_new_call(session: Session, call_sid: str, from_number: str | None) -> None:
    """One round trip for the commonest webhook: insert the call, or nothing when Twilio retries it."""
    started = now()
    values = {
        "call_sid": call_sid,
        "from_phone": sender_number(from_number),
        "started_at": started,
        "last_step_at": started,
    }
    session.execute(_new_call_insert(session.get_bind().dialect.name), values)


@lru_cache(maxsize=2)
def _new_call_insert(dialect: str) -> Insert:
    """Built once per dialect: a Core insert (the ORM's insert layer was a third of this webhook's time)."""
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    return insert(CALLS).on_conflict_do_nothing(index_elements=[CALLS.c.call_sid])


@dataclass(frozen=True)
class _Progress:
    id: int
    answers: dict[str, Any]
    flow: str | None


def _keep_answer(session: Session, call_sid: str, from_number: str | None, added: Mapping[str, Any]) -> _Progress:
    """Merge one input's answer into the call's answers in the database, and read where the call is, in one
    UPDATE ... RETURNING: the round trip a read before the write would cost is the busiest webhook's largest."""
    statement = _merge_answer(session.get_bind().dialect.name, bool(added))
    values: dict[str, Any] = {"sid": call_sid, "at": now()}
    if added:
        [(step_id, value)] = added.items()  # one input answers one step
        values.update(step_id=step_id, value=json.dumps(value))
    row = session.execute(statement, values).first()
    if row is None:  # the call's first webhook never reached us: start its row now
        _call(session, call_sid, from_number)
        row = session.execute(statement, values).one()
    return _Progress(row.id, dict(row.answers or {}), row.flow)


@lru_cache(maxsize=4)
def _merge_answer(dialect: str, adds_an_answer: bool) -> Update:
    """Built once per dialect: the call's answers with one key set (SQLite's json_set; PostgreSQL's jsonb ||,
    so its answers' keys come back in jsonb's order, not the order asked: `answered_steps` orders them)."""
    statement = update(CALLS).where(CALLS.c.call_sid == bindparam("sid")).values(last_step_at=bindparam("at"))
    if adds_an_answer:
        step_id, value = bindparam("step_id", type_=Text), bindparam("value", type_=Text)
        if dialect == "postgresql":
            added = func.jsonb_build_object(step_id, sql_cast(value, JSONB))
            statement = statement.values(answers=sql_cast(sql_cast(CALLS.c.answers, JSONB).op("||")(added), JSON))
        else:  # the step's id is a plain name (ivr_flows checks it), so it makes a JSON path as it is
            path = literal('$."', Text).concat(step_id).concat('"')
            statement = statement.values(answers=func.json_set(CALLS.c.answers, path, func.json(value)))
    return statement.returning(CALLS.c.id, CALLS.c.answers, CALLS.c.flow)


_SET_FLOW = update(CALLS).where(CALLS.c.id == bindparam("call_id")).values(flow=bindparam("flow_now"))


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
