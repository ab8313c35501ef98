"""The manager's review queue and recording a fortnightly review in the console, and who may use them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.audit.records import CASE_REVIEWED
from app.casework.models import Case, CaseReview
from app.extensions import db
from tests.conftest import london
from tests.console.conftest import csrf_token, error_summary, heading, page, report, table_rows, text_of

QUEUE = "/console/reviews"


def review_path(case: Case) -> str:
    return f"/console/reviews/{case.reference}"


def send(browser, path: str, **fields):
    return browser.post(path, data={"csrf_token": csrf_token(browser.get(path)), **fields})


def reloaded(case: Case) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case.id)


@pytest.fixture
def due_cases(account, at):
    """Two cases opened on Monday 16 November (review due Monday 30th), one a day later, one not yet due;
    the test runs at 9am on Tuesday 1 December."""
    officer = account("officer", name="Asha Patel")
    with at("2026-11-16 09:00"):
        first, second = report(officer=officer), report(officer=None, risk_answers={"danger_now": True})
    with at("2026-11-17 09:00"):
        third = report(officer=officer)
    with at("2026-11-20 09:00"):
        report(officer=officer)
    with at("2026-12-01 09:00"):
        yield first, second, third


def test_the_queue_lists_due_and_overdue_reviews_overdue_first(browser, signed_in, due_cases):
    signed_in("manager")
    first, second, third = due_cases
    shown = browser.get(QUEUE)
    assert heading(shown) == "Case reviews due"
    rows = table_rows(shown, "Overdue first")
    assert [row[0] for row in rows] == [second.reference, first.reference, third.reference], "high risk first in a day"
    assert rows[1][1:8] == [
        "Mon 30 Nov 2026 at 5pm Overdue",
        "Medium",
        "15",
        "Mon 16 Nov 2026 at 9am",
        "0 of 0",
        "1",
        "Asha Patel",
    ]
    assert rows[2][1] == "Tue 1 Dec 2026 at 5pm" and rows[0][7] == "Not yet named"


def test_recording_a_review_takes_it_off_the_queue_and_is_audited(browser, signed_in, due_cases):
    manager = signed_in("manager")
    first = due_cases[0]
    form = browser.get(review_path(first))
    assert heading(form) == "Fortnightly review"
    day = page(form).find("input", attrs={"id": "next_review-day"})
    assert day["value"] == "15", "suggested: 14 days on, a Tuesday"
    sent = send(
        browser,
        review_path(first),
        notes="Resident contacted weekly",
        decisions="Warning letter by Friday",
        next_review=["15", "12", "2026"],
        officer="",
    )
    assert sent.status_code == 302 and sent.headers["Location"] == QUEUE
    after = browser.get(QUEUE)
    assert "Review of case" in text_of(page(after).find("main")) and "5pm on Tuesday 15 December" in after.text
    assert first.reference not in [row[0] for row in table_rows(after, "Overdue first")]
    assert reloaded(first).next_review_due == london("2026-12-15 17:00")
    review = db.session.scalars(select(CaseReview)).one()
    assert (review.manager_id, review.notes, review.decisions) == (
        manager.id,
        "Resident contacted weekly",
        "Warning letter by Friday",
    )
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == CASE_REVIEWED)).one()
    assert event.case_id == first.id and event.staff_id == manager.id
    assert event.changes["next_review_due"] == ["2026-11-30T17:00:00+00:00", "2026-12-15T17:00:00+00:00"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"next_review": ["25", "12", "2026"], "notes": "x"}, "25 December 2026 is a bank holiday"),
        ({"next_review": ["30", "11", "2026"], "notes": "x"}, "must be in the future"),
        ({"next_review": ["31", "12", "2026"], "notes": "x"}, "must be within 28 days"),
        (
            {"next_review": ["31", "2", "2027"], "notes": "x"},
            "The next review date must be a real date, like 27 3 2027",
        ),
        ({"next_review": ["", "", ""], "notes": "x"}, "Enter the next review date"),
        ({"next_review": ["15", "12", "2026"]}, "Enter what you found or what you decided"),
        ({"next_review": ["15", "12", "2026"], "notes": "x", "officer": "999999"}, "Choose an officer from the list"),
    ],
)
def test_a_review_the_rules_refuse_is_shown_with_the_reason(browser, signed_in, due_cases, fields, message):
    signed_in("manager")
    first = due_cases[0]
    refused = send(browser, review_path(first), **{"officer": "", **fields})
    assert refused.status_code == 200 and any(message in error for error in error_summary(refused))
    assert db.session.scalars(select(CaseReview)).all() == []
    assert reloaded(first).next_review_due == london("2026-11-30 17:00")


def test_a_review_may_give_the_case_to_another_officer(browser, signed_in, account, due_cases):
    signed_in("manager")
    ben = account("officer", name="Ben Jones")
    first = due_cases[0]
    sent = send(browser, review_path(first), notes="Stalled", next_review=["8", "12", "2026"], officer=str(ben.id))
    assert sent.status_code == 302
    assert reloaded(first).officer_id == ben.id
    assert db.session.scalars(select(CaseReview)).one().reassigned_to_id == ben.id


def test_a_closed_case_has_no_review_form(browser, signed_in, due_cases):
    signed_in("manager")
    first = reloaded(due_cases[0])
    first.status = "closed"
    db.session.commit()
    shown = browser.get(review_path(first))
    posted = browser.post(
        review_path(first), data={"csrf_token": csrf_token(browser.get(QUEUE + "/" + due_cases[1].reference))}
    )
    assert (
        "closed cases are not reviewed" in shown.text
        and page(shown).find("form", attrs={"method": "post", "novalidate": True}) is None
    )
    assert posted.status_code == 200 and db.session.scalars(select(CaseReview)).all() == []


@pytest.mark.parametrize("role", ["officer", "contact_centre"])
def test_officers_and_the_contact_centre_may_not_use_the_queue(browser, signed_in, due_cases, role):
    signed_in(role)
    assert browser.get(QUEUE).status_code == 403
    assert browser.get(review_path(due_cases[0])).status_code == 403
    assert "Reviews" not in [
        text_of(a) for a in page(browser.get("/console/search")).select("a.govuk-service-navigation__link")
    ]


def test_an_admin_reads_the_queue_but_records_no_review(browser, signed_in, due_cases):
    signed_in("admin")
    shown = browser.get(QUEUE)
    assert shown.status_code == 200 and "Review case" not in shown.text
    assert browser.get(review_path(due_cases[0])).status_code == 403


def test_an_unknown_case_is_not_found(browser, signed_in):
    signed_in("manager")
    assert browser.get("/console/reviews/HC-000000").status_code == 404
    assert browser.get("/console/reviews/nonsense").status_code == 404


def test_managers_find_reviews_in_the_navigation_and_on_the_dashboard(browser, signed_in, due_cases):
    signed_in("manager")
    dashboard = browser.get("/console/dashboard")
    navigation = {text_of(a): a["href"] for a in page(dashboard).select("a.govuk-service-navigation__link")}
    assert navigation["Reviews"] == QUEUE
    link = page(dashboard).find("a", href=QUEUE, class_="govuk-link--no-visited-state")
    assert text_of(link) == "3 case reviews due or overdue"


def test_the_case_page_links_managers_to_the_review(browser, signed_in, due_cases):
    signed_in("manager")
    shown = browser.get(f"/console/cases/{due_cases[0].reference}")
    assert page(shown).find("a", href=review_path(due_cases[0])) is not None
