"""Staff journeys through the console in Chromium: signing in and out, finding a case and reading it.

Each page reached is checked with axe-core and photographed (`look`); see conftest.py for the harness.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.console.browser.conftest import HOMES, fill_sign_in
from tests.console.conftest import PASSWORD

pytestmark = pytest.mark.browser

HEADINGS = {"officer": "My work", "manager": "Dashboard", "contact_centre": "Find a case"}


@pytest.mark.parametrize("role", ["officer", "manager", "contact_centre"])
def test_each_role_signs_in_through_the_form_and_lands_on_their_home(page: Page, signed_in, look, cases, role):
    member = signed_in(page, role)
    expect(page).to_have_url(re.compile(re.escape(HOMES[role]) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADINGS[role])
    expect(page.get_by_role("navigation", name="Console")).to_contain_text(member.name)


def test_an_officers_work_lists_their_cases_and_opens_one(page: Page, signed_in, look, cases):
    signed_in(page, "officer")
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(3)  # their three cases, not the one with nobody yet
    expect(rows.first).to_contain_text(cases[2].reference)
    expect(rows.first.locator(".govuk-tag--red")).to_have_text("Overdue")  # overdue first, in red and in words
    page.get_by_role("link", name=cases[1].reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {cases[1].reference}")
    look(page, "case-from-work")


def test_a_case_is_found_by_a_uk_phone_number_and_opened(page: Page, signed_in, look, cases):
    signed_in(page, "contact_centre")
    page.get_by_label("Case reference, phone number or postcode").fill("07911 123456")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("table")).to_contain_text("1 case found")
    look(page, "search-results")
    page.get_by_role("link", name=cases[0].reference).click()
    expect(page).to_have_url(re.compile(f"/console/cases/{cases[0].reference}$"))
    look(page, "case-for-contact-centre")


def test_the_case_page_shows_an_officer_the_facts_risk_tasks_and_timeline(page: Page, signed_in, look, cases):
    signed_in(page, "officer")
    page.goto(f"/console/cases/{cases[0].reference}")
    main = page.get_by_role("main")
    for section in ("Facts", "Risk answers", "Contact preferences", "Tasks", "Timeline"):
        expect(main.get_by_role("heading", name=section, exact=True)).to_be_visible()
    expect(main).to_contain_text("Outside 12 Coventry Road, B10 0AA")
    expect(main).to_contain_text("They were back again last night. Please call after 6pm.")
    look(page, "case")


def test_signing_out_ends_the_session(page: Page, signed_in, look):
    signed_in(page, "manager")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile("/console/sign-in$"))
    expect(page.get_by_role("region", name="Important")).to_contain_text("You have been signed out.")
    look(page, "signed-out")
    page.goto("/console/dashboard")
    expect(page).to_have_url(re.compile("/console/sign-in"))
    look(page, "sign-in-again")


def test_a_wrong_password_shows_the_error_summary_and_moves_focus_to_it(page: Page, staff, look):
    page.goto("/console/sign-in")
    look(page, "sign-in")
    fill_sign_in(page, staff["officer"].email, PASSWORD + " but wrong")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter a correct email address and password")
    # GOV.UK Frontend's script ran under the page's Content-Security-Policy and moved focus to the summary.
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page).to_have_title(re.compile("^Error: Sign in"))
    look(page, "wrong-password")


def test_a_signed_out_visit_to_a_case_lands_on_sign_in_and_returns_to_the_case(page: Page, staff, look, cases):
    page.goto(f"/console/cases/{cases[0].reference}")
    expect(page).to_have_url(re.compile("/console/sign-in"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    look(page, "sign-in-first")
    fill_sign_in(page, staff["manager"].email, PASSWORD)
    expect(page).to_have_url(re.compile(f"/console/cases/{cases[0].reference}$"))
    look(page, "case-after-sign-in")
