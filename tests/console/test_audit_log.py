"""The audit log page: managers and admins read who did what to which case, by case and/or staff, newest first."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.audit.models import AuditEvent
from app.clock import now
from app.extensions import db
from tests.console.conftest import csrf_token, error_summary, heading, page, report, table_rows, text_of


@pytest.fixture
def history(browser, signed_in, account, at):
    """A manager (signed in) who read a case and gave its callback to Ben; an officer who read another case."""
    asha, ben = account("officer", name="Asha Patel"), account("officer", name="Ben Jones")
    with at("2026-06-15 10:00"):
        first, second = report(officer=asha), report(officer=asha)
    db.session.add(
        AuditEvent(staff_id=asha.id, role="officer", action="console_read_case", case_id=second.id, address="192.0.2.1")
    )
    db.session.commit()
    manager = signed_in("manager", name="Mo Manager", email="mo@birmingham.gov.uk")
    browser.get(f"/console/cases/{first.reference}", environ_base={"REMOTE_ADDR": "192.0.2.9"})
    path = f"/console/tasks/{first.tasks[0].id}/reassign"
    token = csrf_token(browser.get(path))
    browser.post(path, data={"csrf_token": token, "officer": str(ben.id)}, environ_base={"REMOTE_ADDR": "192.0.2.9"})
    return {"first": first, "second": second, "asha": asha, "ben": ben, "manager": manager}


def test_the_log_lists_every_event_newest_first_with_who_what_case_changes_and_address(browser, history):
    shown = browser.get("/console/audit")
    assert heading(shown) == "Audit log"
    rows = table_rows(shown)
    first, second = history["first"].reference, history["second"].reference
    assert [row[1:4] for row in rows] == [
        ["Mo Manager (manager) mo@birmingham.gov.uk", "Task reassigned", first],
        ["Mo Manager (manager) mo@birmingham.gov.uk", "Console read case", first],
        [f"Asha Patel (officer) {history['asha'].email}", "Console read case", second],
    ]
    task_id = history["first"].tasks[0].id
    assert f"Task {task_id} assignee: Asha Patel → Ben Jones" in rows[0][4], "staff ids shown as names"
    assert "Officer: Asha Patel → Ben Jones" in rows[0][4]
    assert rows[0][5] == "192.0.2.9"


def test_the_log_is_read_only(browser, history):
    shown = browser.get("/console/audit")
    main = page(shown).find("main")
    assert [form["method"] for form in main.find_all("form")] == ["get"], "only the filter"
    assert main.find("button", attrs={"formmethod": "post"}) is None
    # No POST route: the console's catch-all answers a form sent to an address that takes none with its 404.
    assert browser.post("/console/audit", data={"csrf_token": csrf_token(shown)}).status_code == 404


def test_the_log_by_case(browser, history):
    rows = table_rows(browser.get(f"/console/audit?case={history['second'].reference.lower()}"))
    assert [(row[2], row[3]) for row in rows] == [("Console read case", history["second"].reference)]


def test_the_log_by_member_of_staff_and_by_both(browser, history):
    by_officer = table_rows(browser.get(f"/console/audit?staff={history['asha'].email.upper()}"))
    assert [row[3] for row in by_officer] == [history["second"].reference]
    both = browser.get(f"/console/audit?case={history['first'].reference}&staff=mo@birmingham.gov.uk")
    assert [row[2] for row in table_rows(both)] == ["Task reassigned", "Console read case"]
    assert f"Events on case {history['first'].reference} by mo@birmingham.gov.uk" in text_of(page(both).find("caption"))
    neither = browser.get(f"/console/audit?case={history['second'].reference}&staff=mo@birmingham.gov.uk")
    assert "No events." in text_of(page(neither).find("main"))


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("case=HC-000000", ["No case has the reference HC-000000"]),
        ("case=Coventry+Road", ["Enter a case reference like HC-123456"]),
        ("case=" + "H" * 21, ["Case reference must be 20 characters or fewer"]),
        ("staff=nobody@birmingham.gov.uk", ["No member of staff has that email address"]),
        ("staff=" + "a" * 201, ["Staff email address must be 200 characters or fewer"]),
        (
            "case=HC-000000&staff=nobody@birmingham.gov.uk",
            ["No case has the reference HC-000000", "No member of staff has that email address"],
        ),
    ],
)
def test_a_filter_that_finds_nothing_to_filter_by_is_explained(browser, history, query, errors):
    refused = browser.get(f"/console/audit?{query}")
    assert refused.status_code == 200 and error_summary(refused) == errors
    assert page(refused).title.string.startswith("Error: Audit log")
    assert page(refused).find("table") is None


def test_a_long_log_comes_fifty_events_a_page_keeping_the_filter(browser, history):
    case, asha = history["second"], history["asha"]
    start = now() - timedelta(days=1)
    db.session.add_all(
        AuditEvent(
            at=start + timedelta(minutes=n), staff_id=asha.id, role="officer", action="api_read_case", case_id=case.id
        )
        for n in range(119)
    )
    db.session.commit()
    first = browser.get(f"/console/audit?case={case.reference}")
    assert len(table_rows(first)) == 50
    link = page(first).find(class_="govuk-pagination").find("a")["href"]
    assert link == f"/console/audit?case={case.reference}&page=2"
    third = browser.get(f"/console/audit?case={case.reference}&page=3")
    assert len(table_rows(third)) == 20
    assert "No more events." in text_of(page(browser.get(f"/console/audit?case={case.reference}&page=4")).find("main"))


@pytest.mark.parametrize("number", ["0", "-1", "two", "1" * 9])
def test_a_page_that_cannot_exist_is_404(browser, history, number):
    assert browser.get(f"/console/audit?page={number}").status_code == 404


def test_times_are_london_time(browser, signed_in, account, at):
    signed_in("admin")
    with at("2026-06-15 10:00"):
        case = report()
    db.session.add(AuditEvent(at=case.created_at, staff_id=None, role=None, action="api_read_case", case_id=case.id))
    db.session.commit()
    [row] = table_rows(browser.get("/console/audit"))
    assert row[:2] == ["Mon 15 Jun 2026 at 10am", "Not recorded"]


def test_the_navigation_offers_the_log_to_managers_and_admins_only(browser, signed_in):
    signed_in("officer")
    links = [a["href"] for a in page(browser.get("/console/work")).find_all("a")]
    assert "/console/audit" not in links
