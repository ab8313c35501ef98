"""Signing in and out of the console: what staff see when it works, when it does not, and when a session ends."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from app.extensions import db
from app.staff.models import StaffMember
from tests.console.conftest import PASSWORD, Browser, error_summary, heading, page, sign_in, text_of

REFUSED = "Enter a correct email address and password"


def deactivate(member: StaffMember) -> None:
    db.session.execute(update(StaffMember).where(StaffMember.id == member.id).values(active=False))
    db.session.commit()


def test_the_sign_in_page_asks_for_an_email_address_and_a_password(browser):
    shown = browser.get("/console/sign-in")
    form = page(shown).find("form")
    assert shown.status_code == 200 and heading(shown) == "Sign in"
    assert [text_of(label) for label in form.find_all("label")] == ["Email address", "Password"]
    assert text_of(form.find("button", attrs={"type": "submit"})) == "Sign in"
    assert form.find("input", attrs={"name": "password"})["type"] == "password"


def test_an_officer_signs_in_and_lands_on_their_work(browser, account):
    officer = account("officer", name="Asha Patel")
    signed_in = sign_in(browser, officer.email.upper())
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/console/"
    work = browser.get("/console/", follow_redirects=True)
    assert heading(work) == "My work" and "Asha Patel" in text_of(page(work).find("header"))


@pytest.mark.parametrize(
    ("email", "password"),
    [("officer.0@birmingham.gov.uk", "not the password"), ("nobody@birmingham.gov.uk", PASSWORD)],
    ids=["wrong password", "unknown email"],
)
def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(browser, account, email, password):
    account("officer")
    refused = sign_in(browser, email, password)
    assert refused.status_code == 200 and error_summary(refused) == [REFUSED]
    assert page(refused).title.string.startswith("Error: Sign in")
    assert page(refused).find("input", attrs={"name": "password"}).get("value") in (None, ""), "never shown again"
    assert browser.get("/console/work").status_code == 302, "still signed out"


def test_empty_and_overlong_fields_are_named_in_the_error_summary(browser):
    empty = sign_in(browser, "", "")
    assert error_summary(empty) == ["Enter your email address", "Enter your password"]
    summary_links = [a["href"] for a in page(empty).find(class_="govuk-error-summary").find_all("a")]
    assert summary_links == ["#email", "#password"]
    overlong = sign_in(browser, "x" * 201 + "@birmingham.gov.uk", "y" * 257)
    assert error_summary(overlong) == [
        "Email address must be 200 characters or fewer",
        "Password must be 256 characters or fewer",
    ]


@pytest.mark.parametrize("role", ["integration"])
def test_an_integration_account_cannot_sign_in_even_with_a_password(browser, account, role):
    website = account(role)
    assert error_summary(sign_in(browser, website.email)) == [REFUSED]


def test_a_deactivated_account_cannot_sign_in(browser, account):
    leaver = account("officer")
    deactivate(leaver)
    assert error_summary(sign_in(browser, leaver.email)) == [REFUSED]


def test_deactivating_an_account_ends_the_session_it_has(browser, signed_in):
    leaver = signed_in("officer")
    assert browser.get("/console/work").status_code == 200
    deactivate(leaver)
    assert browser.get("/console/work").headers["Location"] == "/console/sign-in?next=/console/work"


def test_the_sixth_refused_sign_in_to_one_account_locks_it_even_with_the_right_password(browser, account):
    officer = account("officer")
    refusals = [sign_in(browser, officer.email, f"guess number {n}").status_code for n in range(5)]
    locked = sign_in(browser, officer.email, PASSWORD)
    assert refusals == [200] * 5 and locked.status_code == 429
    assert error_summary(locked) == ["There have been too many attempts to sign in. Wait 15 minutes, then try again."]
    assert int(locked.headers["Retry-After"]) > 0
    assert browser.get("/console/work").status_code == 302, "not signed in"
    colleague = account("officer")
    assert sign_in(browser, colleague.email).status_code == 302, "another account is not locked"


def test_an_address_locked_out_of_the_api_for_guessing_tokens_can_still_sign_in(browser, account):
    """The API, the sign-in form and the survey share one limiter; each part's limits stay its own."""
    address = {"REMOTE_ADDR": "192.0.2.1"}  # the address sign_in() uses
    guesses = [
        browser.get("/api/v1/cases/HC-123456", headers={"Authorization": f"Bearer guess-{n}"}, environ_base=address)
        for n in range(11)
    ]
    assert [guess.status_code for guess in guesses] == [401] * 10 + [429]
    assert sign_in(browser, account("officer").email).status_code == 302


def test_guessing_across_many_accounts_from_one_address_is_stopped_too(make_app, account):
    """SIGN_IN_LIMIT_PER_ADDRESS (20 per 15 minutes by default) set to 3 here, to keep the test quick."""
    strict = make_app(SIGN_IN_LIMIT_PER_ADDRESS="3 per 15 minutes")
    strict.test_client_class = Browser
    browser = strict.test_client()
    officer = account("officer")
    refusals = [sign_in(browser, f"guess{n}@birmingham.gov.uk", "a guessed password").status_code for n in range(3)]
    assert refusals == [200] * 3
    assert sign_in(browser, officer.email).status_code == 429
    assert sign_in(browser, officer.email, address="198.51.100.7").status_code == 302, "another address is not locked"


def test_signing_in_successfully_is_not_counted_against_the_account(browser, account):
    officer = account("officer")
    for _ in range(7):
        assert sign_in(browser, officer.email).status_code == 302
        browser.post("/console/sign-out", data={"csrf_token": _token_on(browser, "/console/work")})


def _token_on(browser, path: str) -> str:
    return page(browser.get(path)).find("input", attrs={"name": "csrf_token"})["value"]


@pytest.mark.parametrize(
    "path", ["/console/", "/console/work", "/console/search?q=HC-123456", "/console/cases/HC-123456"]
)
def test_a_signed_out_request_for_any_console_page_is_sent_to_sign_in(browser, path):
    sent = browser.get(path)
    assert sent.status_code == 302 and sent.headers["Location"].startswith("/console/sign-in?next=")


def test_after_signing_in_the_page_asked_for_is_shown(browser, account):
    officer = account("officer")
    asked = browser.get("/console/search?q=B10")
    signed_in = sign_in(browser, officer.email, next_page=asked.headers["Location"].split("next=", 1)[1])
    assert signed_in.headers["Location"] == "/console/search?q=B10"


@pytest.mark.parametrize(
    "next_page",
    [
        "https://evil.example/console/work",
        "//evil.example/console/work",
        "/\\evil.example",
        "\\\\evil.example/console/",
        "/dev/texts",
        "/api/v1/cases",
        "javascript:alert(1)",
        "/console/sign-in?next=https://evil.example",
        "%2F%2Fevil.example",
        "/console/../dev/texts",
        "/console/../../api/v1/cases",
        "/console/%2e%2e/dev/texts",
        "/console/./../x",
    ],
)
def test_next_never_leaves_the_console(browser, account, next_page):
    officer = account("officer")
    assert sign_in(browser, officer.email, next_page=next_page).headers["Location"] == "/console/"


def test_signing_out_ends_the_session_everywhere_even_for_a_copied_cookie(app, browser, account):
    officer = account("officer")
    sign_in(browser, officer.email)
    copied = app.test_client()
    copied.set_cookie("session", browser.get_cookie("session").value)
    assert copied.get("/console/work").status_code == 200
    signed_out = browser.post("/console/sign-out", data={"csrf_token": _token_on(browser, "/console/work")})
    assert signed_out.headers["Location"] == "/console/sign-in"
    assert "You have been signed out." in text_of(page(browser.get("/console/sign-in")).find("main"))
    assert browser.get("/console/work").status_code == 302
    assert copied.get("/console/work").status_code == 302, "the copy of the old cookie no longer works"


def test_thirty_minutes_without_a_request_signs_you_out(browser, account, at):
    officer = account("officer")
    with at("2026-11-30 09:00"):
        sign_in(browser, officer.email)
    with at("2026-11-30 09:29"):
        assert browser.get("/console/work").status_code == 200
    with at("2026-11-30 09:58"):
        assert browser.get("/console/work").status_code == 200, "29 minutes since the last page"
    with at("2026-11-30 10:29"):
        expired = browser.get("/console/work")
        assert expired.headers["Location"] == "/console/sign-in?next=/console/work"
        again = browser.get(expired.headers["Location"])
    assert "had not used the console for 30 minutes" in text_of(page(again).find("main"))


def test_ten_hours_after_signing_in_you_sign_in_again_however_busy(browser, account, at):
    officer = account("officer")
    with at("2026-11-30 08:00"):
        sign_in(browser, officer.email)
    for hour in range(8, 18):
        for minute in (0, 20, 40):
            with at(f"2026-11-30 {hour:02d}:{minute:02d}"):
                assert browser.get("/console/work").status_code == 200
    with at("2026-11-30 18:01"):
        expired = browser.get("/console/work")
        assert expired.status_code == 302
        again = browser.get(expired.headers["Location"])
    assert "signed in more than 10 hours ago" in text_of(page(again).find("main"))


def test_sign_ins_are_logged_by_staff_id_never_by_what_was_typed(browser, account, caplog):
    officer = account("officer")
    with caplog.at_level("INFO"):
        sign_in(browser, PASSWORD, PASSWORD)  # a password typed into the email box
        sign_in(browser, officer.email)
        browser.get("/console/search?q=07911 123456")
    assert f"staff id {officer.id} (officer) signed in" in caplog.text and "refused" in caplog.text
    for private in (PASSWORD, officer.email, "07911", "7911123456"):
        assert private not in caplog.text
