"""Signing in with the council's account (OpenID Connect), against a local provider over real HTTP."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import requests
from joserfc.jwk import RSAKey

from app.extensions import db
from app.staff.models import StaffMember
from tests.conftest import PUBLIC_BASE_URL
from tests.console.conftest import heading, page, sign_in, text_of
from tests.fakes.oidc_provider import FakeOpenIdProvider, FakeOpenIdServer, Login

CLIENT_ID = "hate-crime-console"
CLIENT_SECRET = "a client secret for the tests"


@pytest.fixture(scope="session")
def provider_key() -> RSAKey:
    """The provider's signing key, made for this test run."""
    return RSAKey.generate_key(2048, {"kid": "test-signing-key"})


@pytest.fixture(scope="session")
def provider_server(provider_key) -> Iterator[FakeOpenIdServer]:
    with FakeOpenIdServer(FakeOpenIdProvider(CLIENT_ID, CLIENT_SECRET, provider_key)) as server:
        yield server


@pytest.fixture
def provider(provider_server) -> Iterator[FakeOpenIdProvider]:
    provider_server.provider.reset()
    yield provider_server.provider
    provider_server.provider.reset()


@pytest.fixture
def settings(settings, provider):
    """The app is set up for single sign-on with the local provider."""
    return {
        **settings,
        "OIDC_ISSUER": provider.issuer,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
    }


def sign_in_with_council_account(browser, provider, email: str | None, next_page: str | None = None, **login):
    """Press the button, "sign in" at the provider as `email`, and come back; returns the console's answer."""
    provider.next_login = Login(email, **login) if email is not None else None
    started = browser.get("/console/sign-in/oidc" + (f"?next={next_page}" if next_page else ""))
    assert started.status_code == 302 and started.headers["Location"].startswith(f"{provider.issuer}/authorize?")
    with requests.get(started.headers["Location"], allow_redirects=False, timeout=10) as at_provider:
        back = urlsplit(at_provider.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == f"{PUBLIC_BASE_URL}/console/sign-in/oidc/callback"
    return browser.get(f"{back.path}?{back.query}")


def test_the_sign_in_page_offers_the_council_account_first(browser):
    shown = page(browser.get("/console/sign-in?next=/console/work"))
    button = shown.find("a", class_="govuk-button")
    assert text_of(button) == "Sign in with your council account"
    assert button["href"] == "/console/sign-in/oidc?next=/console/work"
    assert shown.find("input", attrs={"name": "password"}) is not None, "passwords still work"


def test_an_officer_signs_in_with_their_council_account_whatever_the_emails_case(browser, account, provider):
    officer = account("officer", email="asha.patel@birmingham.gov.uk", name="Asha Patel")
    signed_in = sign_in_with_council_account(browser, provider, "Asha.Patel@Birmingham.gov.uk")
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/console/"
    work = browser.get("/console/", follow_redirects=True)
    assert heading(work) == "My work" and "Asha Patel" in text_of(page(work).find("header"))
    assert db.session.get(StaffMember, officer.id).password_hash is not None, "their password is untouched"


def test_the_provider_is_asked_with_state_nonce_and_a_pkce_challenge(browser, account, provider):
    account("officer", email="asha.patel@birmingham.gov.uk")
    sign_in_with_council_account(browser, provider, "asha.patel@birmingham.gov.uk")
    [asked] = provider.authorize_requests
    assert asked["client_id"] == CLIENT_ID and asked["scope"] == "openid email profile"
    assert asked["code_challenge_method"] == "S256" and len(asked["code_challenge"]) >= 43
    assert len(asked["state"]) >= 20 and len(asked["nonce"]) >= 20
    assert asked["redirect_uri"] == f"{PUBLIC_BASE_URL}/console/sign-in/oidc/callback"


def test_next_is_followed_after_the_council_sign_in_only_to_a_console_page(browser, account, provider):
    account("manager", email="mo@birmingham.gov.uk")
    signed_in = sign_in_with_council_account(browser, provider, "mo@birmingham.gov.uk", next_page="/console/staff")
    assert signed_in.headers["Location"] == "/console/staff"
    browser.post("/console/sign-out", data={"csrf_token": _token(browser)})
    elsewhere = sign_in_with_council_account(
        browser, provider, "mo@birmingham.gov.uk", next_page="https://evil.example"
    )
    assert elsewhere.headers["Location"] == "/console/"


def _token(browser) -> str:
    field = page(browser.get("/console/search")).find("input", attrs={"name": "csrf_token"})
    return str(field["value"])


def test_a_council_session_expires_like_a_password_session(browser, account, provider):
    from datetime import timedelta

    from app.clock import frozen_at, now

    account("officer", email="asha.patel@birmingham.gov.uk")
    start = now()
    with frozen_at(start):
        sign_in_with_council_account(browser, provider, "asha.patel@birmingham.gov.uk")
        assert browser.get("/console/work").status_code == 200
    with frozen_at(start + timedelta(minutes=31)):
        assert browser.get("/console/work").headers["Location"] == "/console/sign-in?next=/console/work"


@pytest.mark.parametrize(
    ("tamper", "why"),
    [
        ({"nonce": "a nonce the console never sent"}, "InvalidClaimError nonce"),
        ({"iss": "https://login.example.com/someone-else"}, "InvalidClaimError iss"),
        ({"aud": "another-application"}, "InvalidClaimError aud"),
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200, "nbf": None}, "ExpiredTokenError exp"),
    ],
    ids=["wrong nonce", "wrong issuer", "wrong audience", "expired"],
)
def test_a_wrong_id_token_is_refused(browser, account, provider, caplog, tamper, why):
    account("officer", email="asha.patel@birmingham.gov.uk")
    provider.tamper.update(tamper)
    with caplog.at_level(logging.INFO, logger="app.console.single_sign_on"):
        refused = sign_in_with_council_account(browser, provider, "asha.patel@birmingham.gov.uk")
    assert refused.status_code == 400 and heading(refused) == "Signing in with your council account did not work"
    assert browser.get("/console/work").status_code == 302, "still signed out"
    assert why in caplog.text and "asha.patel" not in caplog.text


def test_an_id_token_not_signed_by_the_providers_published_key_is_refused(browser, account, provider, caplog):
    account("officer", email="asha.patel@birmingham.gov.uk")
    provider.sign_with = RSAKey.generate_key(2048, {"kid": "test-signing-key"})
    with caplog.at_level(logging.INFO, logger="app.console.single_sign_on"):
        refused = sign_in_with_council_account(browser, provider, "asha.patel@birmingham.gov.uk")
    assert refused.status_code == 400 and "BadSignatureError" in caplog.text
    assert browser.get("/console/work").status_code == 302


@pytest.mark.parametrize(
    ("email", "login", "heading_shown", "reason"),
    [
        ("nobody@birmingham.gov.uk", {}, "You do not have a console account", "no_account"),
        ("leaver@birmingham.gov.uk", {}, "Your console account has been deactivated", "deactivated"),
        ("website@birmingham.gov.uk", {}, "This account cannot use the console", "not_a_console_role"),
        (
            "asha.patel@birmingham.gov.uk",
            {"email_verified": False},
            "Your council account did not confirm",
            "no_verified",
        ),
        (
            "asha.patel@birmingham.gov.uk",
            {"email_verified": None},
            "Your council account did not confirm",
            "no_verified",
        ),
    ],
    ids=["unknown email", "inactive account", "integration account", "unverified email", "no email_verified claim"],
)
def test_a_person_the_console_does_not_know_is_refused_and_logged_without_their_email(
    browser, account, provider, caplog, email, login, heading_shown, reason
):
    account("officer", email="asha.patel@birmingham.gov.uk")
    leaver = account("officer", email="leaver@birmingham.gov.uk")
    leaver.active = False
    account("integration", email="website@birmingham.gov.uk")
    db.session.commit()
    with caplog.at_level(logging.INFO, logger="app.console.single_sign_on"):
        refused = sign_in_with_council_account(browser, provider, email, **login)
    assert refused.status_code == 403 and heading(refused).startswith(heading_shown)
    assert browser.get("/console/work").status_code == 302, "still signed out"
    assert reason in caplog.text and email.split("@")[0] not in caplog.text


def test_an_entra_id_email_whose_domain_is_verified_counts_as_verified(browser, account, provider):
    account("officer", email="asha.patel@birmingham.gov.uk")
    provider.tamper["xms_edov"] = True
    signed_in = sign_in_with_council_account(browser, provider, "asha.patel@birmingham.gov.uk", email_verified=None)
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/console/"


def test_cancelling_at_the_provider_or_coming_back_twice_is_refused(browser, account, provider):
    account("officer", email="asha.patel@birmingham.gov.uk")
    cancelled = sign_in_with_council_account(browser, provider, None)
    assert cancelled.status_code == 400
    provider.next_login = Login("asha.patel@birmingham.gov.uk")
    started = browser.get("/console/sign-in/oidc")
    with requests.get(started.headers["Location"], allow_redirects=False, timeout=10) as at_provider:
        back = urlsplit(at_provider.headers["Location"])
    assert browser.get(f"{back.path}?{back.query}").status_code == 302
    browser.post("/console/sign-out", data={"csrf_token": _token(browser)})
    replayed = browser.get(f"{back.path}?{back.query}")
    assert replayed.status_code == 400, "the state was used up"


def test_a_callback_with_a_made_up_state_is_refused(browser, provider):
    refused = browser.get("/console/sign-in/oidc/callback?code=made-up&state=made-up")
    assert refused.status_code == 400 and heading(refused) == "Signing in with your council account did not work"


def test_a_provider_that_cannot_be_reached_is_said_so(browser, make_app):
    unreachable = make_app(OIDC_ISSUER="http://127.0.0.1:9", OIDC_CLIENT_ID=CLIENT_ID, OIDC_CLIENT_SECRET="x")
    with unreachable.test_client() as client:
        answer = client.get("/console/sign-in/oidc")
        assert answer.status_code == 502 and heading(answer) == "The council's sign-in service cannot be reached"


def test_passwords_keep_working_beside_single_sign_on(browser, account):
    officer = account("officer")
    assert sign_in(browser, officer.email).status_code == 302


def test_without_an_issuer_there_is_no_single_sign_on(make_app):
    plain = make_app(OIDC_ISSUER="")
    with plain.test_client() as client:
        assert client.get("/console/sign-in/oidc").status_code == 404
        assert client.get("/console/sign-in/oidc/callback?code=x&state=y").status_code == 404
        assert "council account" not in client.get("/console/sign-in").get_data(as_text=True)


def test_an_issuer_without_a_client_id_and_secret_stops_the_app(make_app):
    with pytest.raises(RuntimeError, match="OIDC_CLIENT_ID and OIDC_CLIENT_SECRET"):
        make_app(OIDC_ISSUER="https://login.microsoftonline.com/tenant/v2.0", OIDC_CLIENT_ID="", OIDC_CLIENT_SECRET="")
