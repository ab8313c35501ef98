"""A case's life: open → closure proposed → closed → reopened, the contact log that closure needs, and what
closing stops (the fortnightly updates, the case's open tasks)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.casework import lifecycle
from app.casework.closure import SHORT_CODE_ALPHABET, close_case
from app.casework.contact_log import Contact, log_contact
from app.casework.models import Case
from app.casework.notes import NotAllowed
from app.casework.oversight import dashboard_counts
from app.casework.progress import due_case_ids
from app.casework.report import Report
from app.casework.service import open_case
from app.casework.tasks import complete
from app.extensions import db
from app.messaging.models import OutboundMessage, PhoneOptOut
from app.staff.accounts import create_staff
from app.staff.models import StaffMember
from tests.conftest import PUBLIC_BASE_URL, RESIDENT, london
from tests.console.conftest import report

ADDRESS = "192.0.2.7"


@pytest.fixture
def officer(app) -> StaffMember:
    return create_staff(db.session(), "asha.patel@birmingham.gov.uk", "Asha Patel", "officer")


@pytest.fixture
def manager(app) -> StaffMember:
    return create_staff(db.session(), "mo.manager@birmingham.gov.uk", "Mo Manager", "manager")


def discussed(case: Case, staff: StaffMember, outcome: str = "made_contact", times: int = 1) -> None:
    for _ in range(times):
        log_contact(db.session(), case, staff, Contact("call", "out", outcome, closure_discussion=True), ADDRESS)


def close(case: Case, staff: StaffMember, reason: str | None = "resolved", text: str | None = None) -> None:
    close_case(db.session(), case, staff, reason, text, PUBLIC_BASE_URL, ADDRESS)


def audit_actions(case: Case) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case.id)))


def test_a_case_is_proposed_for_closure_closed_and_reopened_each_step_audited(officer, at):
    with at("2026-11-30 10:00"):
        case = report(officer=officer)
        discussed(case, officer)
        lifecycle.propose_closure(db.session(), case, officer, ADDRESS)
        assert case.status == "closure_proposed" and lifecycle.is_open(case)
        close(case, officer, "resident_asked", "Moved away")
        assert (case.status, case.closed_reason, case.closed_reason_text) == ("closed", "resident_asked", "Moved away")
        assert case.closed_by_id == officer.id and case.closed_at == london("2026-11-30 10:00")
    with at("2026-12-07 11:00"):
        lifecycle.reopen_case(db.session(), case, officer, ADDRESS)
    assert case.status == "reopened" and lifecycle.is_open(case)
    assert case.next_update_due == london("2026-12-21 11:00"), "the fortnightly clock starts again"
    assert case.next_review_due == london("2026-12-21 17:00"), "and so does the manager's review"
    assert audit_actions(case)[-4:] == ["contact_logged", "case_closure_proposed", "case_closed", "case_reopened"]
    closed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case_closed")).one()
    assert closed.changes["status"] == ["closure_proposed", "closed"] and closed.address == ADDRESS


REFUSED = [
    ("open", "close", "Propose closure first"),
    ("reopened", "close", "Propose closure first"),
    ("open", "reopen", "Only a closed case can be reopened"),
    ("closure_proposed", "propose", "Closure is already proposed"),
    ("closure_proposed", "reopen", "Only a closed case can be reopened"),
    ("closed", "propose", "The case is closed: reopen it first."),
    ("closed", "close", "The case is already closed."),
    ("closed", "withdraw", "The case is closed: reopen it instead."),
    ("open", "withdraw", "There is no closure proposal to withdraw."),
    ("open", "agree", "Propose closure first"),
]


@pytest.mark.parametrize(("status", "action", "refusal"), REFUSED, ids=[f"{s}-{a}" for s, a, _ in REFUSED])
def test_refused_transitions_say_why(status, action, refusal, officer, manager):
    case = report(officer=officer)
    discussed(case, officer)
    case.status = status
    db.session.commit()
    with pytest.raises(NotAllowed, match=refusal):
        if action == "close":
            close(case, manager)
        else:
            {
                "propose": lifecycle.propose_closure,
                "withdraw": lifecycle.withdraw_proposal,
                "agree": lifecycle.agree_closure,
                "reopen": lifecycle.reopen_case,
            }[action](db.session(), case, manager, ADDRESS)
    assert db.session.get(Case, case.id).status == status
    assert not {"case_closed", "case_reopened", "case_closure_proposed"} & set(audit_actions(case))


def test_closure_without_a_discussion_is_refused(officer):
    case = report(officer=officer)
    log_contact(db.session(), case, officer, Contact("call", "out", "made_contact"), ADDRESS)  # not about closing
    discussed(case, officer, "no_answer", times=2)
    with pytest.raises(NotAllowed, match="3 attempts to discuss closure in the contact log first: 2 attempts"):
        lifecycle.propose_closure(db.session(), case, officer, ADDRESS)
    assert case.status == "open"


def test_three_attempts_at_a_closure_discussion_are_enough(officer):
    case = report(officer=officer)
    discussed(case, officer, "no_answer")
    discussed(case, officer, "left_message")
    log_contact(db.session(), case, officer, Contact("letter", "out", "sent", closure_discussion=True), ADDRESS)
    lifecycle.propose_closure(db.session(), case, officer, ADDRESS)
    close(case, officer, "not_contactable")
    assert case.status == "closed"


def test_a_reopened_case_needs_a_new_closure_discussion(officer):
    case = report(officer=officer)
    discussed(case, officer)
    lifecycle.propose_closure(db.session(), case, officer, ADDRESS)
    close(case, officer)
    lifecycle.reopen_case(db.session(), case, officer, ADDRESS)
    with pytest.raises(NotAllowed, match="closure discussion"):
        lifecycle.propose_closure(db.session(), case, officer, ADDRESS)


def test_a_high_risk_case_needs_a_managers_agreement(officer, manager):
    case = report(officer=officer, risk_answers={"danger_now": True})
    assert case.risk_level == "high"
    discussed(case, officer)
    lifecycle.propose_closure(db.session(), case, officer, ADDRESS)
    with pytest.raises(NotAllowed, match="high-risk case: a manager must agree"):
        close(case, officer)
    with pytest.raises(NotAllowed, match="Only a manager can agree"):
        lifecycle.agree_closure(db.session(), case, officer, ADDRESS)
    lifecycle.agree_closure(db.session(), case, manager, ADDRESS)
    assert case.closure_agreed_by_id == manager.id
    close(case, officer)
    assert case.status == "closed"
    assert "case_closure_agreed" in audit_actions(case)


def test_a_high_risk_case_reopened_by_a_further_report_needs_a_managers_agreement_again(officer, manager, at):
    with at("2026-11-30 10:00"):
        case = report(officer=officer, risk_answers={"danger_now": True})
        discussed(case, officer)
        lifecycle.propose_closure(db.session(), case, officer, ADDRESS)
        lifecycle.agree_closure(db.session(), case, manager, ADDRESS)
        close(case, officer)
    further = Report(
        kind="hate_crime", channel="sms", caller_phone=case.caller_phone, risk_answers={"danger_now": True}
    )
    with at("2026-12-01 10:00"):
        reopened = open_case(db.session(), further, received_at=london("2026-12-01 10:00"))
        assert reopened.id == case.id and reopened.status == "reopened"
        assert (reopened.closure_proposed_at, reopened.closure_agreed_by_id) == (None, None)
        discussed(reopened, officer)
        lifecycle.propose_closure(db.session(), reopened, officer, ADDRESS)
        with pytest.raises(NotAllowed, match="high-risk case: a manager must agree"):
            close(reopened, officer)


def test_a_manager_closes_a_high_risk_case_without_a_separate_agreement(officer, manager):
    case = report(officer=officer, risk_answers={"danger_now": True})
    discussed(case, officer)
    lifecycle.propose_closure(db.session(), case, manager, ADDRESS)
    close(case, manager)
    assert case.status == "closed" and case.closed_by_id == manager.id


@pytest.mark.parametrize("reason", [None, "", "bored"])
def test_a_reason_from_the_list_is_required(officer, reason):
    case = report(officer=officer)
    discussed(case, officer)
    lifecycle.propose_closure(db.session(), case, officer, ADDRESS)
    with pytest.raises(NotAllowed, match="Choose the reason for closing the case"):
        close(case, officer, reason)
    assert case.status == "closure_proposed"


def test_only_the_cases_officer_or_a_manager_decides_closure(officer, app):
    other = create_staff(db.session(), "other@birmingham.gov.uk", "Other Officer", "officer")
    case = report(officer=officer)
    discussed(case, officer)
    with pytest.raises(NotAllowed, match="Only the case's officer or a manager"):
        lifecycle.propose_closure(db.session(), case, other, ADDRESS)


def test_closing_cancels_open_tasks_and_stops_the_fortnightly_updates(officer, manager, at):
    with at("2026-11-02 10:00"):
        open_one, closing = report(officer=officer), report(officer=officer)
        for case in (open_one, closing):
            discussed(case, officer)
        lifecycle.propose_closure(db.session(), open_one, officer, ADDRESS)  # closure proposed is still open
        lifecycle.propose_closure(db.session(), closing, officer, ADDRESS)
        close(closing, officer)
    callback, letter = closing.tasks
    assert (callback.status, callback.outcome) == ("cancelled", "case_closed")
    assert (letter.kind, letter.status, letter.assignee_id) == ("closure_letter", "open", officer.id)
    assert letter.due_at == london("2026-11-03 17:00") and letter.notified_at is not None, "they closed it: no text"
    assert closing.next_update_due is None
    with at("2026-11-03 12:00"):
        complete(db.session, letter.id, "done", officer)  # the letter went
    with at("2026-11-17 10:00"):
        assert due_case_ids(db.session(), london("2026-11-17 10:00")) == [open_one.id]
        counts = dashboard_counts(db.session(), london("2026-11-17 10:00"))
    assert counts["no-contact"] == 1 and counts["overdue"] == 1, "the closed case's task is no longer overdue"


def test_every_closure_is_followed_by_a_letter_to_send_which_a_reopening_calls_off(officer, manager, at):
    with at("2026-11-06 15:00"):  # a Friday: the letter is due on Monday
        case = report(officer=officer)
        discussed(case, officer)
        lifecycle.propose_closure(db.session(), case, officer, ADDRESS)
        close(case, manager)
    letter = next(task for task in case.tasks if task.kind == "closure_letter")
    assert letter.assignee_id == officer.id and letter.due_at == london("2026-11-09 17:00")
    assert letter.notified_at is None, "the officer is told: a manager closed it"
    with at("2026-11-07 10:00"):
        lifecycle.reopen_case(db.session(), case, officer, ADDRESS)
    assert (letter.status, letter.outcome) == ("cancelled", "case_reopened")


def test_a_contact_that_reached_the_resident_restarts_the_fortnightly_clock(officer, at):
    with at("2026-11-02 10:00"):
        case = report(officer=officer)
    with at("2026-11-10 15:00"):
        log_contact(db.session(), case, officer, Contact("visit", "out", "no_answer"), ADDRESS)
        assert case.next_update_due == london("2026-11-16 10:00"), "nobody in: the clock runs on"
        log_contact(db.session(), case, officer, Contact("call", "in", "made_contact"), ADDRESS)
        assert case.next_update_due == london("2026-11-24 15:00")
        late = Contact("visit", "out", "made_contact", at=london("2026-11-09 12:00"))
        log_contact(db.session(), case, officer, late, ADDRESS)
        assert case.next_update_due == london("2026-11-24 15:00"), "a contact logged late never moves the clock back"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "contact_logged")).all()[1]
    assert event.changes["next_update_due"][1].startswith("2026-11-24T15:00")


@pytest.mark.parametrize(
    ("contact", "refusal"),
    [
        (Contact("pigeon", "out", "made_contact"), "Choose how you were in contact"),
        (Contact("call", "out", "lovely"), "Choose what happened"),
        (Contact("call", "sideways", "made_contact"), "Choose who contacted whom"),
        (Contact("call", "out", "made_contact", at=london("2027-01-01 09:00")), "now or in the past"),
    ],
)
def test_a_contact_that_makes_no_sense_is_refused(officer, contact, refusal, at):
    case = report(officer=officer)
    with at("2026-11-30 10:00"), pytest.raises(NotAllowed, match=refusal):
        log_contact(db.session(), case, officer, contact, ADDRESS)
    assert case.contact_log == []


def proposed(officer: StaffMember, **details) -> Case:
    case = report(officer=officer, **details)
    discussed(case, officer)
    lifecycle.propose_closure(db.session(), case, officer, ADDRESS)
    return case


def survey_texts() -> list[OutboundMessage]:
    return list(db.session.scalars(select(OutboundMessage).where(OutboundMessage.purpose == "closure_survey")))


def test_closing_makes_a_survey_with_an_unguessable_link_and_a_short_code(officer):
    first, second = proposed(officer), proposed(officer)
    close(first, officer)
    close(second, officer)
    codes = [first.survey.short_code, second.survey.short_code]
    assert all(len(code) == 8 and set(code) <= set(SHORT_CODE_ALPHABET) for code in codes)
    assert len(set(codes)) == 2 and first.survey.token != second.survey.token and len(first.survey.token) >= 22
    survey = first.survey
    lifecycle.reopen_case(db.session(), first, officer, ADDRESS)
    discussed(first, officer)
    lifecycle.propose_closure(db.session(), first, officer, ADDRESS)
    close(first, officer)
    assert first.survey.id == survey.id, "one survey per case, however often it closes"


def test_closing_texts_the_survey_link_where_texts_are_safe(officer):
    case = proposed(officer, safe_to_text=True)
    close(case, officer)
    [text] = survey_texts()
    assert text.to_phone == RESIDENT and text.case_id == case.id
    assert f"{PUBLIC_BASE_URL}/survey/{case.survey.token}" in text.body and "1" in text.body and "5" in text.body


@pytest.mark.parametrize("why", ["not safe", "opted out"])
def test_no_survey_text_when_texts_are_not_safe(officer, why):
    case = proposed(officer, safe_to_text=why != "not safe")
    if why == "opted out":
        db.session.add(PhoneOptOut(phone=RESIDENT, source="stop"))
        db.session.commit()
    close(case, officer)
    assert case.status == "closed" and case.survey is not None and survey_texts() == []
