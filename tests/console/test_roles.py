"""Who may use which page, and which cases: every role against every page; a case not yours is 404."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from tests.console.conftest import heading, report, sign_in, table_rows

PAGES = ("/console/work", "/console/dashboard", "/console/search?q=B10", "/console/cases/{reference}")
# What each role gets from each page above: 200 shown, 403 not their page.
ALLOWED = {
    "officer": (200, 403, 200, 200),
    "manager": (200, 200, 200, 200),
    "contact_centre": (403, 403, 200, 200),
    "admin": (403, 403, 200, 200),
}
HOMES = {
    "officer": "/console/work",
    "manager": "/console/dashboard",
    "contact_centre": "/console/search",
    "admin": "/console/search",
}


@pytest.mark.parametrize("role", list(ALLOWED))
def test_each_role_gets_its_pages_and_only_its_pages(browser, signed_in, role):
    member = signed_in(role)
    case = report(officer=member if role == "officer" else None)
    statuses = tuple(browser.get(path.format(reference=case.reference)).status_code for path in PAGES)
    assert statuses == ALLOWED[role]
    refused = browser.get("/console/dashboard")
    if refused.status_code == 403:
        assert heading(refused) == "You cannot use this page"


@pytest.mark.parametrize("role", list(HOMES))
def test_the_console_home_sends_each_role_to_its_first_page(browser, signed_in, role):
    signed_in(role)
    assert browser.get("/console/").headers["Location"] == HOMES[role]
    assert browser.get("/console").headers["Location"].endswith("/console/"), "with or without the slash"


def test_an_officer_sees_their_own_cases_and_a_case_they_hold_a_task_on_but_no_other(browser, signed_in, account):
    officer = signed_in("officer")
    colleague = account("officer")
    theirs, shared, not_theirs = report(officer=officer), report(officer=colleague), report(officer=colleague)
    shared.tasks[0].assignee_id = officer.id
    db.session.commit()
    assert browser.get(f"/console/cases/{theirs.reference}").status_code == 200
    assert browser.get(f"/console/cases/{shared.reference}").status_code == 200
    hidden = browser.get(f"/console/cases/{not_theirs.reference}")
    missing = browser.get("/console/cases/HC-000000")
    assert hidden.status_code == missing.status_code == 404, "a case not theirs is like one that does not exist"
    assert heading(hidden) == heading(missing) == "Page not found"


@pytest.mark.parametrize(
    "reference",
    ["HC-12345", "HC-1234567", "HC-12345x", "..%2Fwork", "HC-123456%00", "HC-" + "9" * 500, "%3Cscript%3E", " "],
)
def test_tampered_references_are_404_and_read_nothing(browser, signed_in, reference):
    signed_in("manager")
    report()
    shown = browser.get(f"/console/cases/{reference}")
    assert shown.status_code == 404 and heading(shown) == "Page not found"
    assert db.session.scalars(select(AuditEvent)).all() == [], "nothing was read, so nothing is recorded"


def test_an_officer_searching_a_number_sees_only_the_cases_they_may_see(browser, signed_in, account):
    officer = signed_in("officer")
    colleague = account("officer")
    theirs = report(officer=officer, caller_phone="+447700900123")
    report(officer=colleague, caller_phone="+447700900123")
    found = browser.get("/console/search?q=07700 900123")
    assert [row[0] for row in table_rows(found)] == [theirs.reference]


def test_a_manager_searching_the_same_number_sees_every_case(browser, signed_in, account):
    signed_in("manager")
    officer = account("officer")
    first, second = report(officer=officer, caller_phone="+447700900123"), report(caller_phone="+447700900123")
    found = browser.get("/console/search?q=%2B447700900123")
    assert sorted(row[0] for row in table_rows(found)) == sorted([first.reference, second.reference])


def test_an_integration_account_is_never_signed_in_to_the_console(browser, account):
    website = account("integration")
    sign_in(browser, website.email)
    assert browser.get("/console/").status_code == 302
