"""The contact log on the case page, and the closure page: propose, agree, close, reopen, and the letter."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.casework.models import Case
from app.extensions import db
from tests.console.conftest import csrf_token, error_summary, heading, report, sign_in
from tests.console.test_case_notes import act, banner, timeline

CLOSURE_TALK = {"method": "call", "direction": "out", "outcome": "made_contact", "closure_discussion": "yes"}


def closure_page(case: Case) -> str:
    return f"/console/cases/{case.reference}/closure"


def press(browser, case: Case, button: str, **data: str):
    """The closure page's form sent with one of its buttons, as the page gives it."""
    shown = browser.get(closure_page(case))
    assert shown.status_code == 200
    return browser.post(closure_page(case), data={"csrf_token": csrf_token(shown), button: "pressed", **data})


def test_an_officer_logs_a_contact_that_shows_on_the_timeline_and_restarts_the_clock(browser, signed_in, at):
    officer = signed_in("officer", name="Asha Patel")
    with at("2026-11-02 10:00"):
        case = report(officer=officer)
    with at("2026-11-10 15:00"):
        logged = act(browser, case, "contacts", **CLOSURE_TALK, contact_note="Agreed to close: things are quiet now.")
        assert logged.status_code == 302 and "Contact logged" in banner(browser.get(logged.headers["Location"]))
        shown = timeline(browser, case)
    assert (
        "Phone call to the resident by Asha Patel: reached the resident (about closing the case): "
        "Agreed to close: things are quiet now." in shown
    )
    assert db.session.get(Case, case.id).next_update_due.isoformat().startswith("2026-11-24T15:00")
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "contact_logged"))
    assert event.staff_id == officer.id and event.case_id == case.id


def test_a_contact_without_an_outcome_comes_back_with_the_error_summary(browser, signed_in):
    case = report(officer=signed_in("officer"))
    refused = act(browser, case, "contacts", method="call", direction="out", closure_discussion="no", when="25:99")
    assert refused.status_code == 200 and heading(refused) == "Log a contact with the resident"
    assert error_summary(refused) == [
        "Select what happened",
        "Enter the time like 14:30, or the date and time like 27/11/2026 14:30",
    ]


def test_the_contact_centre_may_not_log_contacts(browser, signed_in):
    signed_in("contact_centre")
    case = report()
    assert act(browser, case, "contacts", **CLOSURE_TALK).status_code == 403


def test_closing_needs_a_closure_discussion_first(browser, signed_in):
    case = report(officer=signed_in("officer"))
    refused = press(browser, case, "propose")
    assert refused.status_code == 200
    assert error_summary(refused) == [
        "Record a closure discussion with the resident (a contact that reached them) or 3 attempts to discuss "
        "closure in the contact log first: 0 attempts recorded so far."
    ]
    assert db.session.get(Case, case.id).status == "open"


def test_an_officer_proposes_closes_and_downloads_the_letter(browser, signed_in):
    officer = signed_in("officer", name="Asha Patel")
    case = report(officer=officer)
    act(browser, case, "contacts", **CLOSURE_TALK)
    proposed = press(browser, case, "propose")
    assert proposed.status_code == 302
    assert "Closure proposed" in banner(browser.get(closure_page(case)))
    refused = press(browser, case, "close")
    assert error_summary(refused) == ["Choose the reason for closing the case."]
    closed = press(browser, case, "close", reason="resolved", reason_text="Quiet for six weeks.")
    assert closed.status_code == 302 and db.session.get(Case, case.id).status == "closed"
    letter = browser.get(f"{closure_page(case)}/letter.pdf")
    assert letter.status_code == 200 and letter.mimetype == "application/pdf"
    assert f"closure-letter-{case.reference}.pdf" in letter.headers["Content-Disposition"]
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(letter.data)).pages)
    assert "Asha Patel" in text and "Quiet for six weeks." in text
    assert "Case closed" in timeline(browser, case)
    read = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "closure_letter_read")).one()
    assert (read.staff_id, read.case_id) == (officer.id, case.id), "the letter (a name and address) is a read"


def test_a_high_risk_case_waits_for_a_managers_agreement(app, browser, signed_in, account):
    officer = signed_in("officer")
    case = report(officer=officer, risk_answers={"danger_now": True})
    act(browser, case, "contacts", **CLOSURE_TALK)
    press(browser, case, "propose")
    refused = press(browser, case, "close", reason="resolved")
    assert error_summary(refused) == [
        "This is a high-risk case: a manager must agree to closing it. Ask a manager to record their agreement."
    ]
    manager, managers_browser = account("manager"), app.test_client()
    sign_in(managers_browser, manager.email)
    assert press(managers_browser, case, "agree").status_code == 302
    assert db.session.get(Case, case.id).closure_agreed_by_id == manager.id
    assert press(browser, case, "close", reason="resolved").status_code == 302


def test_staff_reopen_a_closed_case_by_hand(browser, signed_in):
    case = report(officer=signed_in("officer"))
    act(browser, case, "contacts", **CLOSURE_TALK)
    press(browser, case, "propose")
    press(browser, case, "close", reason="resident_asked")
    reopened = press(browser, case, "reopen")
    assert reopened.status_code == 302 and db.session.get(Case, case.id).status == "reopened"
    assert browser.get(f"{closure_page(case)}/letter.pdf").status_code == 404, "no letter while the case is open"


@pytest.mark.parametrize("role", ["contact_centre", "admin"])
def test_only_officers_and_managers_use_the_closure_page(browser, signed_in, role):
    signed_in(role)
    assert browser.get(closure_page(report())).status_code == 403


def test_an_officer_who_only_holds_a_task_may_not_close_the_case(browser, signed_in, account):
    holder = signed_in("officer")
    case = report(officer=account("officer"))
    case.tasks[0].assignee_id = holder.id
    db.session.commit()
    assert browser.get(f"/console/cases/{case.reference}").status_code == 200
    assert browser.get(closure_page(case)).status_code == 403


def test_a_case_the_officer_may_not_see_is_404(browser, signed_in, account):
    signed_in("officer")
    case = report(officer=account("officer"))
    assert browser.get(closure_page(case)).status_code == 404
    assert browser.get(f"{closure_page(case)}/letter.pdf").status_code == 404
