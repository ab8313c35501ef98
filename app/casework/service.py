"""Opening cases and the work they create, whatever channel the report came from."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.calendar import next_working_day_deadline, spoken_day_and_time
from app.casework.assignment import postcode_district
from app.casework.contact import may_text, record_contact
from app.casework.lifecycle import is_open
from app.casework.models import Case, PhoneCall, Recording, Task
from app.casework.references import format_reference, random_digits
from app.casework.reopening import reopen_for_report
from app.casework.report import Report
from app.casework.reviews import review_due
from app.casework.risk import assess_risk
from app.casework.tasks import GRAFFITI_REMOVAL, RISK_ASSESSMENT_CALLBACK, add_task, is_report_task
from app.clock import now
from app.messaging import templates
from app.messaging.models import OutboundMessage
from app.messaging.outbox import queue_text

log = logging.getLogger(__name__)

UPDATE_CALLBACK = "update_callback"


_CASE_WITH_DIGITS = select(Case.id).where(Case.reference_digits == bindparam("digits"))


def _unused_digits(session: Session) -> str:
    while True:
        digits = random_digits()
        if session.scalar(_CASE_WITH_DIGITS, {"digits": digits}) is None:
            return digits


def find_case_by_call(session: Session, call_sid: str) -> Case | None:
    return session.scalars(select(Case).where(Case.call_sid == call_sid)).first()


def open_case(session: Session, report: Report, received_at: datetime, *, may_reopen: bool = True) -> Case:
    """Create the case, its first task and (where safe) the confirmation text; commits.

    `received_at` is when the resident first reached us (the call's start, the
    conversation's first text): the callback deadline and the fortnightly
    clock run from it, however late the case itself is opened.
    A report from a call is opened once per CallSid: a retried webhook or a
    status callback racing the last step gets the case that already exists.
    A report within 28 days of the resident's case closing reopens that case instead (app.casework.reopening).
    """
    if report.call_sid and (existing := find_case_by_call(session, report.call_sid)):
        return existing
    if may_reopen and (reopened := reopen_for_report(session, report, received_at)) is not None:
        session.commit()
        return reopened
    digits = _unused_digits(session)
    case = Case(
        reference=format_reference(report.kind, digits),
        reference_digits=digits,
        kind=report.kind,
        channel=report.channel,
        created_at=received_at,
        caller_phone=report.caller_phone,
        call_sid=report.call_sid,
        taken_by_id=report.taken_by_id,
        taken_how=report.taken_how,
        adjustments=report.adjustments,
        tasks=[],  # a new case has none: no query to find that out when its first task is added
        # The manager's first fortnightly review; an enquiry (a question, a call back) is no case to review.
        next_review_due=None if report.kind == "enquiry" else review_due(received_at),
    )
    _take_answers(case, report)
    if case.kind != "enquiry":
        record_contact(case, received_at)  # the report itself starts the two-week clock
    session.add(case)
    if report.call_sid and (existing := _opened_meanwhile(session, report.call_sid)):
        return existing
    kind = GRAFFITI_REMOVAL if case.kind == "graffiti" else RISK_ASSESSMENT_CALLBACK
    task = add_task(
        session,
        case,
        kind,
        "report",
        next_working_day_deadline(received_at),
        priority=case.priority or bool(case.graffiti_offensive),
        note=what_to_arrange(case),
    )
    _attach_recordings(session, case)
    if report.confirm_by_text:
        _confirm_by_text(session, case, task)
    session.commit()
    log.info("case %s opened (%s, %s, risk %s)", case.reference, case.kind, case.channel, case.risk_level)
    return case


def _opened_meanwhile(session: Session, call_sid: str) -> Case | None:
    """The case a racing request (a status callback, a retried webhook) opened for this call first, if any.

    Only a call's case is flushed on its own to find this out: the insert would break the call's unique
    CallSid. Any other case is written by the first task's flush, saving a round of the unit of work.
    """
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        if existing := find_case_by_call(session, call_sid):
            return existing
        raise
    return None


def _take_answers(case: Case, report: Report) -> None:
    """Everything the resident told us, and the risk level it gives."""
    risk = assess_risk(report.risk_answers)
    hate_crime = report.kind == "hate_crime"
    case.callback_phone = report.callback_phone or report.caller_phone
    case.strands = list(report.strands)
    case.risk_answers = dict(report.risk_answers)
    case.risk_level = risk.level if hate_crime else "standard"
    case.priority = risk.priority and hate_crime
    case.duty_officer_flag = risk.duty_officer_flag and hate_crime
    case.needs_adjustment = report.needs_adjustment
    case.safe_to_text = report.safe_to_text
    case.visit_requested = report.visit_requested
    case.referral_consent = report.referral_consent
    case.graffiti_offensive = report.graffiti_offensive
    case.incomplete_call = report.incomplete_call
    case.description = report.description
    case.location = report.location
    case.occurred = report.occurred
    case.postcode_district = postcode_district(report.location)


_CONFIRMATION_OF_CASE = select(OutboundMessage.id).where(
    OutboundMessage.case_id == bindparam("case_id"), OutboundMessage.purpose == "report_confirmation"
)


def _confirm_by_text(session: Session, case: Case, task: Task) -> None:
    """Where texts are safe, once per case (an incomplete case may already have had it)."""
    if may_text(case) and session.scalar(_CONFIRMATION_OF_CASE, {"case_id": case.id}) is None:
        queue_text(
            session,
            to=str(case.callback_phone),
            body=templates.report_confirmation(case.reference, task.due_at, case.channel, case.kind),
            purpose="report_confirmation",
            case_id=case.id,
        )


def finish_call_report(session: Session, case: Case, report: Report) -> Case:
    """A call's last step came after its status callback had opened the case as incomplete: the final
    answers win (the risk level, the callback number, the confirmation text); commits."""
    if not case.incomplete_call or report.incomplete_call:
        return case
    _take_answers(case, report)
    task = first_task(case)
    if task is not None:
        task.priority = case.priority or bool(case.graffiti_offensive)
        task.phone, task.note = case.callback_phone, what_to_arrange(case)
        if report.confirm_by_text:
            _confirm_by_text(session, case, task)
    session.commit()
    log.info("case %s completed by the call's last step", case.reference)
    return case


def _attach_recordings(session: Session, case: Case) -> None:
    if case.call_sid:
        for recording in session.scalars(select(Recording).where(Recording.call_sid == case.call_sid)):
            recording.case_id = case.id


def what_to_arrange(case: Case) -> str | None:
    """The adjustments the resident asked for, so the officer plans the call around them."""
    needs = [
        (
            "the caller could not be sure nobody is in danger"
            if case.risk_answers.get("danger_now") is None and case.kind == "hate_crime"
            else ""
        ),
        "an interpreter or another adjustment is needed" if case.needs_adjustment else "",
        "a visit is requested (at home or a place they choose)" if case.visit_requested else "",
        "phone only: do not text" if case.safe_to_text is False else "",
        "no number to call back: the caller withheld theirs and keyed none" if not case.callback_phone else "",
        "the report was left part way: call back to complete it" if case.incomplete_call else "",
    ]
    wanted = [need for need in needs if need]
    return ("; ".join(wanted).capitalize() + ".") if wanted else None


def first_task(case: Case) -> Task | None:
    """The callback (or removal) of the case's latest report: a report that reopened it, or the first."""
    return next((t for t in reversed(case.tasks) if is_report_task(t)), None)


def progress(case: Case) -> dict[str, str]:
    """What a verified resident is told about their case, by phone or by text."""
    task = first_task(case)
    waiting = task is not None and task.status == "open"
    next_contact = ""
    if task is not None and waiting:
        next_contact = f"We will call you by {spoken_day_and_time(task.due_at)}."
    elif case.next_update_due is not None:
        next_contact = f"Your next update is due by {spoken_day_and_time(case.next_update_due)}."
    if case.officer:
        officer = f"Your investigating officer is {case.officer.name}."
    elif task is not None and waiting and task.assignee:
        officer = f"{task.assignee.name} has your case and will call you."
    else:
        officer = "Your investigating officer will be named when they first contact you."
    return {"status": "open" if is_open(case) else "closed", "officer": officer, "next_contact": next_contact}


REOPEN_ASKED = (
    "The resident rang within 28 days of their case closing, quoting its reference, to have it looked at again: "
    "call them, and reopen the case from its page if they want it reopened."
)


def request_callback_about(
    session: Session, case: Case, requested_by: str | None, origin: str, why: str | None = None
) -> Task:
    """The officer calls the number on `case`: somebody asked about it where we may not answer (a caller whose
    number is not on the case, a text to a phone the resident said is not safe to text), or, saying `why`,
    the resident asked for something only the officer can do. Once per `origin` (the call or text that
    asked); not committed."""
    existing = session.scalars(
        select(Task).where(Task.case_id == case.id, Task.kind == UPDATE_CALLBACK, Task.origin == origin)
    ).first()
    if existing:
        return existing
    matches = requested_by in {case.caller_phone, case.callback_phone}
    note = why or (
        None if matches else "Update requested by phone from a number not on the case; call the number on the case."
    )
    task = add_task(session, case, UPDATE_CALLBACK, origin, next_working_day_deadline(now()), note=note)
    log.info("case %s: update callback task %s created", case.reference, task.id)
    return task


def record_recording(session: Session, call_sid: str, purpose: str, details: dict[str, Any]) -> None:
    """Store or complete a recording (from the Record action, status or transcription callbacks)."""
    sid = details["recording_sid"]
    recording = session.scalars(select(Recording).where(Recording.recording_sid == sid)).first()
    if recording is None:
        recording = Recording(recording_sid=sid, call_sid=call_sid, purpose=purpose)
        session.add(recording)
        recording.case_id = _case_of_call(session, call_sid)
    for attribute in ("url", "duration_seconds", "transcription"):
        if details.get(attribute) is not None:
            setattr(recording, attribute, details[attribute])
    try:
        session.commit()
    except IntegrityError:
        # Twilio's action and status callbacks for one recording raced; merge into the winner.
        session.rollback()
        record_recording(session, call_sid, purpose, details)


def _case_of_call(session: Session, call_sid: str) -> int | None:
    """The case a call made: the call's own record (which also names a closed case the call reopened, whose
    CallSid is its first call's), else the case opened with this CallSid."""
    case_id = session.scalar(select(PhoneCall.case_id).where(PhoneCall.call_sid == call_sid))
    if case_id is None and (case := find_case_by_call(session, call_sid)):
        case_id = case.id
    return case_id


def find_case_by_reference(session: Session, reference: str) -> Case | None:
    return session.scalars(select(Case).where(Case.reference == reference.strip().upper())).first()


def cases_for_phone(session: Session, e164: str) -> list[Case]:
    """A resident's cases, newest first, whether the number called or is the callback number."""
    return list(
        session.scalars(
            select(Case)
            .where((Case.caller_phone == e164) | (Case.callback_phone == e164))
            .order_by(Case.created_at.desc(), Case.id.desc())
        )
    )
