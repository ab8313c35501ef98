"""A new report from a resident within 28 days of their case closing reopens that case, on every channel."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.casework.models import Case, Incident
from app.casework.report import Report
from app.casework.service import first_task, open_case
from app.extensions import db
from app.messaging.models import OutboundMessage
from app.staff.accounts import create_staff
from tests.casework.closed_cases import RISK_ANSWERS, closed_case
from tests.conftest import RESIDENT, london

OPENED, CLOSED = london("2026-10-05 11:00"), london("2026-11-02 16:00")  # closed on a Monday afternoon
OTHER = "+447700900123"
NEW_MOBILE = "+447912345678"


@pytest.fixture
def closed(app) -> Case:
    return closed_case(OPENED, CLOSED)


def new_report(**details: Any) -> Report:
    fields: dict[str, Any] = {
        "caller_phone": RESIDENT,
        "risk_answers": dict(RISK_ANSWERS),
        "safe_to_text": True,
        "description": "They came back and shouted through the letterbox.",
        "location": "Ladypool Road, B12 8JY",
        "occurred": "last night",
        "confirm_by_text": False,
        **details,
    }
    return Report(kind=fields.pop("kind", "hate_crime"), channel=fields.pop("channel", "phone"), **fields)


def case_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Case)) or 0


def test_a_report_within_28_days_reopens_the_case_with_the_report_as_an_incident(closed, at):
    received = london("2026-11-30 08:05")  # 28 days later, to the day
    with at("2026-11-30 08:05"):
        case = open_case(db.session(), new_report(channel="sms"), received_at=received)
    assert case.id == closed.id and case.reference == closed.reference, "the resident is given the same reference"
    assert case_count() == 1
    assert (case.status, case.reopened_at) == ("reopened", received)
    [incident] = case.incidents
    assert (incident.received_at, incident.channel, incident.phone) == (received, "sms", RESIDENT)
    assert incident.description == "They came back and shouted through the letterbox."
    assert (incident.location, incident.occurred) == ("Ladypool Road, B12 8JY", "last night")
    assert incident.risk_answers == RISK_ANSWERS
    callback = first_task(case)
    assert callback is not None and callback.status == "open" and callback.kind == "risk_assessment_callback"
    assert callback.due_at == london("2026-12-01 17:00"), "within one working day of the new report"
    assert case.next_update_due == london("2026-12-14 08:05"), "the fortnightly clock runs from the new report"


def test_the_28th_day_counts_whole_as_the_closure_letter_promises(closed, at):
    """Closed at 4pm on 2 November: the letter says "by 30 November", so a report at 11pm that day reopens it."""
    with at("2026-11-30 23:00"):
        case = open_case(db.session(), new_report(), received_at=london("2026-11-30 23:00"))
    assert case.id == closed.id and case.status == "reopened"


def test_at_29_days_a_report_opens_a_new_case(closed, at):
    with at("2026-12-01 00:00"):
        case = open_case(db.session(), new_report(), received_at=london("2026-12-01 00:00"))
    assert case.id != closed.id and case.status == "open" and case_count() == 2
    assert db.session.get(Case, closed.id).status == "closed"
    assert db.session.scalar(select(func.count()).select_from(Incident)) == 0


@pytest.mark.parametrize("role", ["contact_centre", "manager"])
def test_staff_who_read_every_case_match_the_resident_on_the_callback_number_they_give(closed, at, role):
    taker = create_staff(db.session(), f"{role}@birmingham.gov.uk", "Taker", role)
    report = new_report(channel="staff", caller_phone=None, callback_phone=RESIDENT, taken_by_id=taker.id)
    with at("2026-11-10 10:00"):
        case = open_case(db.session(), report, london("2026-11-10 10:00"))
    assert case.id == closed.id


def test_an_officer_taking_a_report_opens_a_case_of_its_own_not_one_they_cannot_read(closed, at):
    """Reopening would tell them the reference of a case they cannot open, and hide the report they took."""
    officer = create_staff(db.session(), "asha.patel@birmingham.gov.uk", "Asha Patel", "officer")
    report = new_report(channel="staff", caller_phone=None, callback_phone=RESIDENT, taken_by_id=officer.id)
    with at("2026-11-10 10:00"):
        case = open_case(db.session(), report, london("2026-11-10 10:00"))
    assert case.id != closed.id and case.taken_by_id == officer.id
    assert db.session.get(Case, closed.id).status == "closed"


@pytest.mark.parametrize(
    "report",
    [
        {"channel": "phone", "caller_phone": None, "callback_phone": RESIDENT},  # withheld, a number keyed in
        {"channel": "phone", "caller_phone": OTHER, "callback_phone": RESIDENT},
        {"channel": "web", "caller_phone": RESIDENT},  # typed into the website by whoever fills the form
    ],
    ids=["withheld-keyed-in", "another-phone-keyed-in", "website"],
)
def test_a_number_anybody_could_type_never_reopens_a_case_nor_reveals_its_reference(closed, at, report):
    with at("2026-11-10 10:00"):
        case = open_case(db.session(), new_report(**report), received_at=london("2026-11-10 10:00"))
    assert case.id != closed.id and case.reference != closed.reference
    assert db.session.get(Case, closed.id).status == "closed" and not db.session.get(Case, closed.id).incidents


def test_a_number_typed_on_the_website_that_never_reached_the_resident_does_not_reopen_their_case(app, at):
    """A slip on the form gave the case a stranger's number: the stranger's own report is a case of its own."""
    mistyped = closed_case(OPENED, CLOSED)
    for task in mistyped.tasks:
        task.outcome = "no_answer"  # nobody reached the resident on it
    db.session.commit()
    with at("2026-11-10 10:00"):
        case = open_case(db.session(), new_report(), received_at=london("2026-11-10 10:00"))
    assert case.id != mistyped.id and case.reference != mistyped.reference
    assert db.session.get(Case, mistyped.id).status == "closed"


def test_a_reopening_call_texts_and_calls_the_number_the_resident_gives_now(closed, at):
    with at("2026-11-10 10:00"):
        report = new_report(channel="phone", callback_phone=NEW_MOBILE, confirm_by_text=True)
        case = open_case(db.session(), report, london("2026-11-10 10:00"))
    assert case.id == closed.id and case.callback_phone == NEW_MOBILE and first_task(case).phone == NEW_MOBILE
    text = db.session.scalars(select(OutboundMessage).where(OutboundMessage.purpose == "reopened_confirmation")).one()
    assert text.to_phone == NEW_MOBILE
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case_reopened")).one()
    assert event.changes["callback_phone"] == [RESIDENT, NEW_MOBILE]


@pytest.mark.parametrize(
    "report",
    [
        {"caller_phone": OTHER},  # someone else
        {"kind": "graffiti"},  # another kind of report: its own case
        {"kind": "enquiry"},
        {"caller_phone": None},  # withheld, no callback number
    ],
    ids=["another-number", "graffiti", "enquiry", "no-number"],
)
def test_other_reports_open_a_case_of_their_own(closed, at, report):
    with at("2026-11-10 10:00"):
        case = open_case(db.session(), new_report(**report), received_at=london("2026-11-10 10:00"))
    assert case.id != closed.id and db.session.get(Case, closed.id).status == "closed"


def test_an_open_case_is_not_reopened_and_a_report_before_closure_does_not_count(app, at):
    still_open = open_case(db.session(), new_report(), received_at=OPENED)
    with at("2026-11-10 10:00"):
        case = open_case(db.session(), new_report(), received_at=london("2026-11-10 10:00"))
    assert case.id != still_open.id and not case.incidents


def test_higher_risk_answers_raise_the_risk_and_the_callback_is_a_priority(closed, at):
    danger = {**RISK_ANSWERS, "danger_now": True}
    with at("2026-11-10 10:00"):
        case = open_case(db.session(), new_report(risk_answers=danger), received_at=london("2026-11-10 10:00"))
    assert (case.risk_level, case.priority, case.duty_officer_flag) == ("high", True, True)
    assert first_task(case).priority


def test_lower_risk_answers_never_lower_the_risk(app, at):
    closed = closed_case(OPENED, CLOSED, risk_answers={**RISK_ANSWERS, "unsafe_at_home": True})
    assert closed.risk_level == "medium"
    with at("2026-11-10 10:00"):
        case = open_case(db.session(), new_report(), received_at=london("2026-11-10 10:00"))
    assert case.id == closed.id and case.risk_level == "medium"


def test_reopening_is_audited(closed, at):
    with at("2026-11-10 10:00"):
        case = open_case(db.session(), new_report(channel="sms"), received_at=london("2026-11-10 10:00"))
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case_reopened")).one()
    assert event.case_id == case.id and event.staff_id is None
    assert event.changes["status"] == ["closed", "reopened"]
    assert event.changes["incident"] == [None, case.incidents[0].id]
    assert event.changes["channel"] == [None, "sms"]


def test_a_reopening_phone_report_texts_the_existing_reference(closed, at):
    with at("2026-11-10 10:00"):
        open_case(db.session(), new_report(channel="phone", confirm_by_text=True), london("2026-11-10 10:00"))
    text = db.session.scalars(select(OutboundMessage).where(OutboundMessage.purpose == "reopened_confirmation")).one()
    assert closed.reference in text.body and text.to_phone == RESIDENT
    assert "by 5pm on Wednesday 11 November" in text.body


# -- every channel ------------------------------------------------------------------------------------------------


def test_a_call_within_28_days_reopens_the_case_once_and_texts_its_reference(closed, phone, at):
    from tests.telephony.test_report_call import report_everything

    with at("2026-11-10 10:00"):
        report_everything(phone)
    assert case_count() == 1
    reopened = db.session.get(Case, closed.id)
    assert reopened.status == "reopened" and len(reopened.incidents) == 1
    assert reopened.incidents[0].channel == "phone"
    assert "by 5pm on Wednesday 11 November" in " ".join(phone.heard)
    text = db.session.scalars(select(OutboundMessage).where(OutboundMessage.purpose == "reopened_confirmation")).one()
    assert closed.reference in text.body, "the text the caller is told about gives the existing reference"
    assert [r.case_id for r in reopened.recordings] == [closed.id], "the account recorded on this call"
    url, form = phone.last_request
    with at("2026-11-10 10:01"):
        assert phone.post(url, form).status_code == 200  # Twilio retries the last step
        phone.hang_up()
    db.session.expire_all()
    assert len(db.session.get(Case, closed.id).incidents) == 1, "a retried webhook adds nothing"


def test_a_text_report_within_28_days_reopens_the_case_and_replies_with_its_reference(
    closed, app, texter, redis, twilio_api, at
):
    from tests.telephony.test_text_reports import report_by_text

    with at("2026-11-10 10:00"):
        replies = report_by_text(app, texter, redis, twilio_api)
    assert case_count() == 1
    assert closed.reference in replies[-1] and "by 5pm on Wednesday 11 November" in replies[-1]
    [incident] = db.session.get(Case, closed.id).incidents
    assert incident.channel == "sms" and incident.location == "Outside the shop on Coventry Road"


def test_a_website_report_within_28_days_gets_a_reference_of_its_own(closed, client, at):
    from app.staff.accounts import create_staff, issue_token
    from tests.api.test_reports_api import full_report, post

    create_staff(db.session, "website@example.org", "Council website", "integration")
    token = issue_token(db.session, "website@example.org")
    with at("2026-11-10 10:00"):
        created = post(client, full_report(caller_phone="07911 123456"), token)
    assert created.status_code == 201 and created.get_json()["reference"] != closed.reference
    assert created.get_json()["callback"]["due_at"] == "2026-11-11T17:00:00+00:00"
    assert db.session.get(Case, closed.id).status == "closed", "the number was typed: it vouches for nobody"


def test_a_call_whose_status_callback_races_its_last_step_reopens_once(closed, phone, at):
    from tests.telephony.test_report_call import FULL_REPORT

    with at("2026-11-10 10:00"):
        phone.dial().press("1")
        for key in ["1", *FULL_REPORT[1:]]:  # in danger now: yes
            phone.press(key)
        for key in ("1", "record", "1", "1", "2"):  # strand, the account, this number, texts safe, no visit
            phone.record(seconds=35) if key == "record" else phone.press(key)
        phone.hang_up()  # Twilio's status callback overtakes the last answer
        phone.press("1")
    assert "call you back by 5pm on Wednesday 11 November" in " ".join(phone.heard)
    db.session.expire_all()
    reopened = db.session.get(Case, closed.id)
    assert case_count() == 1 and len(reopened.incidents) == 1
    assert len([task for task in reopened.tasks if task.status == "open"]) == 1
    assert reopened.incidents[0].risk_answers["danger_now"] is True and reopened.risk_level == "high"


def test_a_recording_that_arrives_after_a_hang_up_joins_the_case_the_call_reopened(closed, phone, at):
    from app.casework.models import Recording

    with at("2026-11-10 10:00"):
        phone.dial().press("1")
        for key in "22222":
            phone.press(key)
        record = phone.press("1").verb("Record")
        phone.hang_up()  # the status callback reopens the case before Twilio reports the recording
        details = {"RecordingSid": "RE" + "b" * 32, "RecordingUrl": "https://api.twilio.com/rec/2"}
        phone.recording_status(record, {**details, "RecordingDuration": "30"})
    assert db.session.get(Case, closed.id).status == "reopened" and case_count() == 1
    assert db.session.scalars(select(Recording)).one().case_id == closed.id
