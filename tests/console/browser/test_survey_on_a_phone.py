"""The resident's satisfaction survey on a phone-sized screen, checked with axe-core, and answered without JavaScript.

The survey is public (outside the console) but built from the console's GOV.UK templates, so it is
checked with the same harness. axe-core needs JavaScript, so the pages are checked with it on; a second
phone with JavaScript off then answers another survey end to end.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from app.casework.models import SurveyResponse
from app.extensions import db
from tests.casework.closed_cases import closed_case, with_survey
from tests.conftest import london

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 375, "height": 667}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A small phone held upright."""
    return {**browser_context_args, **PHONE}


def a_survey(phone: str = "+447911123456") -> SurveyResponse:
    return with_survey(closed_case(london("2026-10-05 11:00"), london("2026-11-20 15:00"), phone=phone))


def answer(page: Page) -> None:
    """Satisfied, kept partly informed, listened to, a street champion, and a comment; then send."""
    page.get_by_label("Satisfied", exact=True).check()
    page.get_by_role("group", name="Were you kept informed").get_by_label("Partly").check()
    page.get_by_role("group", name="Did you feel listened to").get_by_label("Yes").check()
    page.get_by_label("Becoming a street champion").check()
    page.get_by_label("Is there anything else you would like to tell us?").fill("Thank you for calling me back.")
    page.get_by_role("button", name="Send your answers").click()


def stored(survey: SurveyResponse) -> SurveyResponse:
    db.session.expire_all()
    found = db.session.get(SurveyResponse, survey.id)
    assert found is not None
    return found


def test_the_survey_pages_on_a_phone_pass_axe_and_fit_the_screen(page: Page, look, app):
    survey = a_survey()
    page.goto(f"/survey/{survey.token}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell us what you think")
    look(page, "survey")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"], "no sideways scroll"
    page.get_by_role("button", name="Send your answers").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select how satisfied you are")
    look(page, "survey-error")
    answer(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    look(page, "survey-thanks")
    page.goto(f"/survey/{survey.token}")
    expect(page.get_by_role("heading", level=1)).to_have_text("You have already answered")
    look(page, "survey-answered")
    page.goto("/survey/not-a-survey")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    look(page, "survey-not-found")
    page.goto("/survey")
    look(page, "survey-code")


def test_a_resident_answers_on_a_phone_without_javascript(browser: Browser, live_server: str, app):
    survey = a_survey()
    context = browser.new_context(base_url=live_server, java_script_enabled=False, locale="en-GB", **PHONE)
    try:
        phone = context.new_page()
        phone.set_default_timeout(5_000)
        phone.goto(f"/survey/{survey.token}")
        answer(phone)
        expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you")
    finally:
        context.close()
    answered = stored(survey)
    assert (answered.satisfaction, answered.kept_informed, answered.listened_to) == (4, "partly", "yes")
    assert answered.get_involved == ["street_champion"] and answered.comments == "Thank you for calling me back."
