"""A new report from a resident whose case closed in the last 28 days reopens that case (no Flask).

The report becomes an `Incident` on the case, the case is reopened, a callback task is due by the
next working day's deadline from the report, and the risk level only ever goes up. Every channel gets
this through `service.open_case`. Staff who decide the report is something else split it off into a
case of its own (app/casework/incident_split.py).
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from app.audit.changes import plain
from app.audit.models import AuditEvent
from app.audit.records import CASE_REOPENED
from app.calendar import next_working_day_deadline
from app.casework.closure import closed_since_to_reopen
from app.casework.contact import may_text_now, record_contact
from app.casework.lifecycle import CLOSED, REACHED, mark_reopened
from app.casework.models import Case, ContactLogEntry, Incident, Recording, Task
from app.casework.preferences import call_back_on
from app.casework.report import Report
from app.casework.risk import assess_risk
from app.casework.tasks import (
    CALL_KINDS,
    GRAFFITI_REMOVAL,
    REACHED_OUTCOMES,
    REPORT_ORIGIN,
    RISK_ASSESSMENT_CALLBACK,
    add_task,
)
from app.messaging import templates
from app.messaging.outbox import queue_text
from app.staff.access import EVERY_CASE
from app.staff.models import StaffMember

log = logging.getLogger(__name__)

RISK_ORDER = ("standard", "medium", "high")


def recently_closed_case(session: Session, report: Report, received_at: datetime) -> Case | None:
    """The resident's case of the same kind that closed within 28 days before this report, the latest first.

    The resident is matched on a number that vouches for them (`_vouched_numbers`) against a number that
    vouched for the resident on the closed case (`_vouched_for_the_case`). Enquiries never reopen a case.
    """
    phones = {phone for phone in _vouched_numbers(session, report) if phone}
    if report.kind == "enquiry" or not phones:
        return None
    query = (
        select(Case)
        .where(
            Case.status == CLOSED,
            Case.kind == report.kind,
            _vouched_for_the_case(phones),
            Case.closed_at >= closed_since_to_reopen(received_at),
            Case.closed_at <= received_at,
        )
        .order_by(Case.closed_at.desc(), Case.id.desc())
    )
    return session.scalars(query).first()


def _vouched_for_the_case(phones: set[str]) -> ColumnElement[bool]:
    """One of `phones` is a number the closed case knows is the resident's: one Twilio saw them call or text
    from (for the report or a later one), one staff took the report with, or one an officer reached them on
    (a call task's number, or the callback number when a call logged in the contact log reached them).
    A number typed into the website or keyed in on a call, and never answered by the resident, could be
    anybody's: a stranger ringing from it must not reopen the case and hear its reference."""
    from_twilio = exists(
        select(Incident.id).where(
            Incident.case_id == Case.id, Incident.phone.in_(phones), Incident.channel.in_(("phone", "sms"))
        )
    )
    reached_on = exists(
        select(Task.id).where(
            Task.case_id == Case.id,
            Task.kind.in_(CALL_KINDS),
            Task.phone.in_(phones),
            Task.outcome.in_(REACHED_OUTCOMES),
        )
    )
    reached_on_the_callback_number = exists(
        select(ContactLogEntry.id).where(
            ContactLogEntry.case_id == Case.id, ContactLogEntry.method == "call", ContactLogEntry.outcome == REACHED
        )
    )
    return (
        (Case.caller_phone.in_(phones) & Case.channel.in_(("phone", "sms", "staff")))
        | (Case.callback_phone.in_(phones) & ((Case.channel == "staff") | reached_on_the_callback_number))
        | from_twilio
        | reached_on
    )


def _vouched_numbers(session: Session, report: Report) -> tuple[str | None, ...]:
    """The numbers that show the report is the resident's own, since reopening tells the reporter the case's
    reference: the number Twilio saw them call or text from, or any number staff who may read every case
    took the report with (an officer reads only their own cases, so their report opens a case of its own).
    A number typed into the website or keyed in on a call could be anybody's, so such a report opens a case
    of its own too."""
    if report.channel == "staff":
        taker = session.get(StaffMember, report.taken_by_id) if report.taken_by_id else None
        return (report.caller_phone, report.callback_phone) if taker and taker.role in EVERY_CASE else ()
    if report.channel in ("phone", "sms"):
        return (report.caller_phone,)
    return ()


def reopen_for_report(session: Session, report: Report, received_at: datetime) -> Case | None:
    """Reopen the resident's recently closed case with this report (not committed); returns the case.

    None when there is no such case. A call's report reopens once: a retried webhook, or the call's last
    step after its status callback, updates the incident it already made.
    """
    if report.channel == "phone" and (incident := _incident_from_call(session, report, received_at)) is not None:
        case = session.get(Case, incident.case_id)
        assert case is not None
        _take_report(case, incident, report)
        return case
    case = recently_closed_case(session, report, received_at)
    if case is None:
        return None
    before = _audited(case)
    incident = Incident(case_id=case.id, received_at=received_at, channel=report.channel, phone=report.caller_phone)
    case.incidents.append(incident)
    session.flush()
    mark_reopened(case, received_at)
    _take_report(case, incident, report)
    call_back_on(session, case, report.callback_phone or report.caller_phone)  # the number they gave now
    record_contact(case, received_at)  # the fortnightly clock runs again from the new report
    task = add_task(
        session,
        case,
        GRAFFITI_REMOVAL if case.kind == "graffiti" else RISK_ASSESSMENT_CALLBACK,
        _origin(incident),
        next_working_day_deadline(received_at),
        priority=case.priority or bool(report.graffiti_offensive),
        note="A further report from the resident reopened this case: see its incidents.",
    )
    _record_reopening(session, case, before, incident, report)
    _attach_recordings(session, case, report.call_sid)
    if report.confirm_by_text and report.safe_to_text and may_text_now(session, case):
        body = templates.report_confirmation(case.reference, task.due_at, report.channel, case.kind)
        queue_text(session, to=str(case.callback_phone), body=body, purpose="reopened_confirmation", case_id=case.id)
    log.info("case %s reopened by a further report (incident %s, %s)", case.reference, incident.id, report.channel)
    return case


def _audited(case: Case) -> dict[str, object]:
    """What reopening may change on the case, as the audit log keeps it."""
    fields = (
        "status",
        "reopened_at",
        "closure_proposed_at",
        "closure_agreed_by_id",
        "risk_level",
        "priority",
        "duty_officer_flag",
        "safe_to_text",
        "callback_phone",
        "contact_by_phone_only",
    )
    return {name: plain(getattr(case, name)) for name in fields}


def _record_reopening(
    session: Session, case: Case, before: dict[str, object], incident: Incident, report: Report
) -> None:
    """The audit event, in the commit that reopens the case: by the member of staff who took the report, if any."""
    after = _audited(case)
    changes = {name: [old, after[name]] for name, old in before.items() if old != after[name]}
    staff = session.get(StaffMember, report.taken_by_id) if report.taken_by_id else None
    session.add(
        AuditEvent(
            staff_id=staff.id if staff else None,
            role=staff.role if staff else None,
            action=CASE_REOPENED,
            case_id=case.id,
            changes={**changes, "incident": [None, incident.id], "channel": [None, report.channel]},
        )
    )


def _attach_recordings(session: Session, case: Case, call_sid: str | None) -> None:
    """A reopening call's recordings (the resident's account) go on the case it reopened."""
    if call_sid:
        for recording in session.scalars(select(Recording).where(Recording.call_sid == call_sid)):
            recording.case_id = case.id


def _origin(incident: Incident) -> str:
    return f"{REPORT_ORIGIN}:incident-{incident.id}"


def incident_callback(case: Case, incident: Incident) -> Task | None:
    """The callback (or removal) task the incident added to its case."""
    return next((task for task in case.tasks if task.origin == _origin(incident)), None)


def _incident_from_call(session: Session, report: Report, received_at: datetime) -> Incident | None:
    """The incident this call already made: a call's every report is received at the call's start."""
    same_phone = Incident.phone == report.caller_phone if report.caller_phone else Incident.phone.is_(None)
    query = select(Incident).where(Incident.channel == "phone", Incident.received_at == received_at, same_phone)
    return session.scalars(query).first()


def _take_report(case: Case, incident: Incident, report: Report) -> None:
    """The report's details on the incident; the case's risk goes up if the new answers are higher."""
    incident.description, incident.location, incident.occurred = report.description, report.location, report.occurred
    incident.risk_answers = dict(report.risk_answers)
    if case.kind == "hate_crime":
        risk = assess_risk(report.risk_answers)
        if RISK_ORDER.index(risk.level) > RISK_ORDER.index(case.risk_level):
            case.risk_level = risk.level
        case.priority = case.priority or risk.priority
        case.duty_officer_flag = case.duty_officer_flag or risk.duty_officer_flag
    if report.safe_to_text is False:
        case.safe_to_text = False  # the resident's latest word on texts, when it is "not safe"
