"""A report that reopened a case, on the case page; staff who decide otherwise split it into a case of its own."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.casework.incident_split import split_incident
from app.casework.models import Case, Incident, Task
from app.casework.report import Report
from app.casework.service import first_task, open_case
from app.casework.tasks import add_task
from app.extensions import db
from app.staff.accounts import create_staff
from tests.casework.closed_cases import RISK_ANSWERS, closed_case
from tests.conftest import RESIDENT, london
from tests.console.conftest import csrf_token, heading, page, text_of

OPENED, CLOSED, REPORTED = london("2026-10-05 11:00"), london("2026-11-02 16:00"), london("2026-11-10 10:00")


@pytest.fixture
def reopened(app, at) -> Case:
    """A resident's case closed on 2 November, reopened by their report by text on 10 November."""
    closed = closed_case(OPENED, CLOSED)
    report = Report(
        kind="hate_crime",
        channel="sms",
        caller_phone=RESIDENT,
        risk_answers=dict(RISK_ANSWERS),
        safe_to_text=True,
        description="A brick through the car windscreen.",
        location="Stratford Road, B11 1AA",
        occurred="Sunday morning",
        confirm_by_text=False,
    )
    with at("2026-11-10 10:00"):
        case = open_case(db.session(), report, received_at=REPORTED)
    assert case.id == closed.id and case.status == "reopened"
    return case


def split_form(response):
    return page(response).find("form", action=lambda action: action and action.endswith("/split"))


def test_the_case_page_shows_the_further_report_and_the_split_button(browser, signed_in, reopened, at):
    signed_in("manager")
    with at("2026-11-10 11:00"):
        shown = browser.get(f"/console/cases/{reopened.reference}")
    text = text_of(page(shown))
    assert "Further reports" in text and "A brick through the car windscreen." in text
    assert "Stratford Road, B11 1AA" in text and "Status Reopened" in text
    assert (
        split_form(shown)["action"] == f"/console/cases/{reopened.reference}/incidents/{reopened.incidents[0].id}/split"
    )


def test_contact_centre_staff_see_no_split_button_and_may_not_split(browser, signed_in, reopened, at):
    signed_in("contact_centre")
    shown = browser.get(f"/console/cases/{reopened.reference}")
    assert split_form(shown) is None
    address = f"/console/cases/{reopened.reference}/incidents/{reopened.incidents[0].id}/split"
    assert browser.post(address, data={"csrf_token": csrf_token(shown)}).status_code == 403


def test_a_manager_splits_the_report_into_a_new_case(browser, signed_in, reopened, at):
    manager = signed_in("manager")
    incident = reopened.incidents[0]
    reopen_callback = first_task(reopened)
    with at("2026-11-10 11:00"):
        shown = browser.get(f"/console/cases/{reopened.reference}")
        done = browser.post(split_form(shown)["action"], data={"csrf_token": csrf_token(shown)})
    assert done.status_code == 302
    db.session.expire_all()
    new_case = db.session.scalars(select(Case).where(Case.id != reopened.id)).one()
    assert done.headers["Location"] == f"/console/cases/{new_case.reference}"
    assert (new_case.status, new_case.created_at, new_case.channel) == ("open", REPORTED, "sms")
    assert new_case.description == "A brick through the car windscreen." and new_case.caller_phone == RESIDENT
    assert new_case.location == "Stratford Road, B11 1AA" and new_case.occurred == "Sunday morning"
    callback = first_task(new_case)
    assert callback is not None and callback.due_at == london("2026-11-11 17:00"), "due from the report, not the split"
    old = db.session.get(Case, reopened.id)
    assert old.status == "closed" and old.incidents == [], "reopened by this report alone, so closed again"
    assert db.session.get(Task, reopen_callback.id).status == "cancelled"
    assert db.session.get(Task, reopen_callback.id).outcome == "split_off"
    assert db.session.scalar(select(func.count()).select_from(Incident)) == 0
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "incident_split")).all()
    assert {event.case_id for event in events} == {old.id, new_case.id}
    assert all(event.staff_id == manager.id for event in events)
    on_old = next(event for event in events if event.case_id == old.id)
    assert on_old.changes["split_to"] == [None, new_case.reference]
    assert on_old.changes["incident"] == [incident.id, None] and on_old.changes["status"] == ["reopened", "closed"]
    with at("2026-11-10 11:01"):
        landed = browser.get(done.headers["Location"])
    assert heading(landed) == f"Case {new_case.reference}"
    assert f"split from case {old.reference}" in text_of(page(landed))


def test_a_case_closed_again_by_a_split_keeps_no_open_work(browser, signed_in, reopened, at):
    """A task added while it was reopened is cancelled and no fortnightly update falls due, as closing leaves it."""
    signed_in("manager")
    case = db.session.get(Case, reopened.id)
    later = add_task(db.session(), case, "follow_up_call", "officer", london("2026-11-12 17:00"))
    db.session.commit()
    with at("2026-11-10 11:00"):
        shown = browser.get(f"/console/cases/{reopened.reference}")
        browser.post(split_form(shown)["action"], data={"csrf_token": csrf_token(shown)})
    db.session.expire_all()
    old = db.session.get(Case, reopened.id)
    assert old.status == "closed" and old.next_update_due is None
    assert (db.session.get(Task, later.id).status, db.session.get(Task, later.id).outcome) == (
        "cancelled",
        "case_closed",
    )


def test_an_officer_splits_on_their_own_case_and_sees_the_new_one(browser, signed_in, reopened, at):
    officer = signed_in("officer")
    db.session.get(Case, reopened.id).officer_id = officer.id
    db.session.commit()
    with at("2026-11-10 11:00"):
        shown = browser.get(f"/console/cases/{reopened.reference}")
        done = browser.post(split_form(shown)["action"], data={"csrf_token": csrf_token(shown)})
        landed = browser.get(done.headers["Location"])
    assert landed.status_code == 200


def test_an_officer_with_only_a_task_on_the_case_sees_it_but_may_not_split_it(browser, signed_in, reopened, at):
    """Splitting can close the case again: a closure decision, for its named officer and managers only."""
    officer = signed_in("officer")
    first_task(db.session.get(Case, reopened.id)).assignee_id = officer.id
    db.session.commit()
    with at("2026-11-10 11:00"):
        shown = browser.get(f"/console/cases/{reopened.reference}")
        assert shown.status_code == 200 and split_form(shown) is None
        address = f"/console/cases/{reopened.reference}/incidents/{reopened.incidents[0].id}/split"
        assert browser.post(address, data={"csrf_token": csrf_token(shown)}).status_code == 403
    assert db.session.get(Case, reopened.id).incidents != []


def test_a_split_needs_the_forms_csrf_token(browser, signed_in, reopened):
    signed_in("manager")
    address = f"/console/cases/{reopened.reference}/incidents/{reopened.incidents[0].id}/split"
    assert browser.post(address, data={}).status_code == 400
    assert db.session.get(Case, reopened.id).incidents != []


def test_an_incident_of_another_case_or_a_case_out_of_reach_is_not_found(browser, signed_in, reopened, at):
    signed_in("officer")  # not the case's officer
    shown = browser.get("/console/work")
    token = csrf_token(shown)
    address = f"/console/cases/{reopened.reference}/incidents/{reopened.incidents[0].id}/split"
    assert browser.post(address, data={"csrf_token": token}).status_code == 404
    other = closed_case(OPENED, CLOSED, phone="+447700900123")
    wrong = f"/console/cases/{other.reference}/incidents/{reopened.incidents[0].id}/split"
    assert browser.post(wrong, data={"csrf_token": token}).status_code == 404


def test_a_report_taken_by_staff_within_28_days_reopens_the_case(app, browser, signed_in, at):
    from tests.console.test_take_report import take

    closed = closed_case(OPENED, CLOSED)
    with at("2026-11-10 10:00"):
        member = signed_in("contact_centre")
        taken = take(browser, callback_phone="07911 123456")
    assert taken.headers["Location"] == f"/console/cases/{closed.reference}"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case_reopened")).one()
    assert (event.staff_id, event.role) == (member.id, "contact_centre")
    assert db.session.scalar(select(func.count()).select_from(Task).where(Task.status == "open")) == 1


def test_a_report_by_phone_split_off_takes_its_recording_with_it(app, phone, at):
    """The new case says its account is 'in the recording': the recording must be on it."""
    from tests.telephony.test_report_call import report_everything

    closed = closed_case(OPENED, CLOSED)
    manager = create_staff(db.session(), "mo.manager@birmingham.gov.uk", "Mo Manager", "manager")
    with at("2026-11-10 10:00"):
        report_everything(phone)
    case = db.session.get(Case, closed.id)
    assert case.recordings, "the call's recording went on the case it reopened"
    with at("2026-11-10 11:00"):
        new_case = split_incident(db.session(), case, case.incidents[0], manager, None)
    db.session.expire_all()
    assert [recording.case_id for recording in db.session.get(Case, new_case.id).recordings] == [new_case.id]
    assert db.session.get(Case, closed.id).recordings == []
