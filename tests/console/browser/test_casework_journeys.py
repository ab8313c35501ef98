"""Staff doing the work in Chromium: taking a report, completing and reassigning tasks, notes and texts,
the dashboard's lists, the audit log and staff accounts.

Each page reached is checked with axe-core and photographed (`look`); see conftest.py for the harness.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from app.casework.models import Case
from app.casework.reviews import review_day_after
from app.clock import now
from app.extensions import db
from tests.console.conftest import report

pytestmark = pytest.mark.browser

LISTS = {
    "due-today": "Tasks due later today",
    "overdue": "Overdue tasks",
    "no-contact": "Cases with no contact for 14 days",
    "graffiti-overdue": "Overdue graffiti removal jobs",
    "high-risk": "Open high-risk cases",
    "unassigned": "Tasks with no officer",
}


def choose(page: Page, question: str, answer: str) -> None:
    """Tick `answer` among the radios (or checkboxes) under the fieldset asking `question`."""
    group: Locator = page.get_by_role("group", name=question, exact=True)
    group.get_by_label(answer, exact=True).check()


def fill_in_the_report(page: Page, number: str, danger: str = "No") -> None:
    choose(page, "How did the report reach you?", "By phone")
    choose(page, "Is anyone in danger right now?", danger)
    for question in (
        "Has this happened to them or their household before?",
        "Do they feel unsafe in their home?",
        "Does anyone in their household have a disability, an illness or a support need?",
        "Do they need an interpreter, or any other help to talk to us?",
    ):
        choose(page, question, "No")
    choose(page, "Was it because of", "Religion or belief")
    page.get_by_label("What happened").fill("Eggs thrown at the door and shouting about the mosque.")
    page.get_by_label("Postcode (optional)").fill("B10 0AA")
    page.get_by_label("Phone number for the officer to call back").fill(number)
    for question in (
        "Is it safe to send them text messages about their case?",
        "Would they like an officer to visit them, at home or at a place they choose?",
        "May we pass their details to agencies who support people affected by hate crime?",
    ):
        choose(page, question, "Yes")


def test_a_contact_centre_member_takes_a_report_and_lands_on_its_case(page: Page, signed_in, look, staff):
    signed_in(page, "contact_centre")
    page.goto("/console/reports/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("Take a report")
    look(page, "take-report")
    fill_in_the_report(page, "not a number")
    page.get_by_role("button", name="Take the report").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter a UK phone number")
    expect(page).to_have_title(re.compile("^Error: "))
    look(page, "take-report-error")

    page.get_by_label("Phone number for the officer to call back").fill("07911 123456")
    page.get_by_role("button", name="Take the report").click()
    expect(page).to_have_url(re.compile(r"/console/cases/HC-\d+$"))
    reference = page.url.rsplit("/", 1)[1]
    banner = page.get_by_role("alert").or_(page.get_by_role("region", name="Success"))
    expect(banner.first).to_contain_text(f"Report taken. The reference is {reference}.")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {reference}")
    look(page, "report-taken")


def test_someone_in_danger_is_the_first_thing_a_screen_reader_hears_after_the_report(
    page: Page, signed_in, look, staff
):
    signed_in(page, "contact_centre")
    page.goto("/console/reports/new")
    look(page, "take-report-danger")
    fill_in_the_report(page, "07911 123456", danger="Yes")
    page.get_by_role("button", name="Take the report").click()
    expect(page).to_have_url(re.compile(r"/console/cases/HC-\d+$"))
    danger = page.get_by_role("alert").filter(has_text="Call 999 now")
    expect(danger).to_be_focused()
    expect(page.get_by_role("alert")).to_have_count(1)
    look(page, "report-taken-danger")


def test_an_officer_completes_a_callback_with_an_outcome_and_risk_level(page: Page, signed_in, look, cases):
    signed_in(page, "officer")
    row = page.get_by_role("table").locator("tbody tr").filter(has_text=cases[0].reference)
    row.get_by_role("link", name=re.compile("^Complete")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Complete a task")
    look(page, "complete-task")
    choose(page, "What happened?", "Spoke to the resident")
    choose(page, "Risk level you assessed", "Medium")
    page.get_by_label("Why this risk level").fill("They were targeted twice this month and feel watched.")
    page.get_by_label("Notes (optional)").fill("Agreed a visit on Thursday.")
    page.get_by_role("button", name="Complete task").click()
    expect(page).to_have_url(re.compile(f"/console/cases/{cases[0].reference}$"))
    expect(page.get_by_role("main")).to_contain_text("Medium")
    look(page, "task-completed")


def test_a_manager_reads_each_list_reassigns_a_task_and_reads_the_audit_log(
    page: Page, signed_in, look, cases, account
):
    other = account("officer", name="Bilal Hussain")
    signed_in(page, "manager")
    for name, title in LISTS.items():
        page.goto("/console/dashboard")
        page.locator(f'main a[href="/console/dashboard/{name}"]').click()
        expect(page).to_have_url(re.compile(f"/console/dashboard/{name}$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        look(page, f"list-{name}")

    page.goto("/console/dashboard/overdue")
    row = page.get_by_role("table").locator("tbody tr").filter(has_text=cases[2].reference)
    row.get_by_role("link", name=re.compile("^Reassign")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reassign a task")
    look(page, "reassign-task")
    page.get_by_label("Officer").select_option(value=str(other.id))
    page.get_by_role("button", name="Reassign").click()
    expect(page).to_have_url(re.compile("/console/dashboard/overdue$"))
    expect(page.get_by_role("main")).to_contain_text(f"on case {cases[2].reference} given to {other.name}")
    look(page, "task-reassigned")

    page.goto("/console/audit")
    look(page, "audit")
    page.get_by_label("Case reference").fill(cases[2].reference)
    page.get_by_role("button", name="Show events").click()
    events = page.get_by_role("table")
    expect(events).to_contain_text(f"Events on case {cases[2].reference}")
    expect(events).to_contain_text("Mo Khan")
    look(page, "audit-for-case")


def test_a_manager_opens_last_months_service_standard_from_the_dashboard_and_picks_another(
    page: Page, signed_in, look, cases
):
    signed_in(page, "manager")
    page.goto("/console/dashboard")
    page.get_by_role("link", name="How well we kept the service standard last month").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Service standard: ")
    expect(page.get_by_role("table").first).to_contain_text("Respond to a hate crime report within one working day")
    look(page, "service-standard")
    page.get_by_label("Month").fill("not a month")
    page.get_by_role("button", name="Show the month").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a month as the year and month")
    look(page, "service-standard-error")
    page.get_by_label("Month").fill(f"{now():%Y-%m}")
    page.get_by_role("button", name="Show the month").click()
    expect(page.get_by_role("main")).to_contain_text("This month is not over")
    look(page, "service-standard-so-far")


def test_an_officer_adds_a_note_and_checks_a_text_before_sending_it(page: Page, signed_in, look, staff):
    case: Case = report(officer=staff["officer"], caller_phone="+447911123456", safe_to_text=True)
    signed_in(page, "officer")
    page.goto(f"/console/cases/{case.reference}")
    look(page, "case")
    page.get_by_label("Note", exact=True).fill("Rang twice, no answer; will try after 6pm.")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_role("main")).to_contain_text("Note added to the timeline")
    expect(page.get_by_role("main")).to_contain_text("Rang twice, no answer; will try after 6pm.")
    look(page, "note-added")

    choose(page, "Which text?", "Tell them we tried to phone")
    page.get_by_role("button", name="Check the text").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the text before you send it")
    expect(page.locator("#text-wording")).to_contain_text(case.reference)
    expect(page.get_by_role("button", name="Send text")).to_be_visible()
    look(page, "check-text")


def test_an_admin_creates_a_staff_account_and_changes_it(page: Page, signed_in, look, staff):
    signed_in(page, "admin")
    page.goto("/console/staff")
    look(page, "staff")
    page.get_by_label("Full name").fill("Priya Sharma")
    page.get_by_label("Email address").fill("priya.sharma@birmingham.gov.uk")
    choose(page, "Role", "Officer")
    page.get_by_label("Mobile number (optional)").fill("07911 123456")
    page.get_by_label("Patch (optional)").fill("B10, B11")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Priya Sharma")
    expect(page.get_by_role("main")).to_contain_text("Account created for Priya Sharma.")
    look(page, "staff-created")

    page.get_by_label("Patch (optional)").fill("B10, B11, B12")
    choose(page, "Working days", "Saturday")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("main")).to_contain_text("Changes saved for Priya Sharma.")
    expect(page.get_by_role("main")).to_contain_text("B10, B11, B12")
    look(page, "staff-changed")


def test_a_manager_works_the_review_queue_and_records_a_review(page: Page, signed_in, look, staff, cases):
    overdue, high = cases[0], cases[1]
    overdue.next_review_due, high.next_review_due = now() - timedelta(days=3), now() - timedelta(days=1)
    db.session.commit()
    signed_in(page, "manager")
    page.get_by_role("link", name="Reviews", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Case reviews due")
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows.nth(1)).to_contain_text(overdue.reference)
    expect(rows.nth(1)).to_contain_text("Overdue")
    expect(rows.nth(2)).to_contain_text(high.reference)
    look(page, "review-queue")
    page.get_by_role("link", name=f"Review case {overdue.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fortnightly review")
    look(page, "review")
    page.get_by_label("What you found").fill("Two calls made; the resident feels safer.")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_role("alert")).to_contain_text("The next review date must be a real date, like 27 3 2027")
    look(page, "review-refused")
    next_review = review_day_after(now())  # the date the form suggested
    page.get_by_label("Day").fill(str(next_review.day))
    page.get_by_label("Month").fill(str(next_review.month))
    page.get_by_label("Year").fill(str(next_review.year))
    page.get_by_label("What you decided").fill("Warning letter this week.")
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Case reviews due")
    expect(page.get_by_text(f"Review of case {overdue.reference} recorded")).to_be_visible()
    expect(page.get_by_role("table")).not_to_contain_text(overdue.reference)
    look(page, "review-recorded")
