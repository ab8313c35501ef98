"""Signing in with the council's account in Chromium, against the local OpenID Connect provider over real HTTP.

The provider sends the browser back to the console's public address, so here the live server listens on
a port chosen first and named in PUBLIC_BASE_URL. Each page reached is checked with axe-core (`look`).
"""

from __future__ import annotations

import re
import socket

import pytest
from playwright.sync_api import Page, expect

from tests.console.browser.conftest import HOMES
from tests.console.test_single_sign_on import (  # noqa: F401 (the provider's fixtures, shared)
    CLIENT_ID,
    CLIENT_SECRET,
    provider,
    provider_key,
    provider_server,
)
from tests.fakes.oidc_provider import FakeOpenIdProvider, Login

pytestmark = pytest.mark.browser


@pytest.fixture
def live_port() -> int:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        return int(free.getsockname()[1])


@pytest.fixture
def settings(settings, provider, live_port):  # noqa: F811
    """Single sign-on with the local provider, which sends the browser back to the live server."""
    return {
        **settings,
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{live_port}",
        "OIDC_ISSUER": provider.issuer,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
    }


def test_an_officer_signs_in_with_their_council_account_and_lands_on_their_work(
    page: Page,
    look,
    staff,
    provider: FakeOpenIdProvider,  # noqa: F811
):
    provider.next_login = Login("Asha.Patel@birmingham.gov.uk")
    page.goto("/console/sign-in")
    look(page, "sign-in")
    page.get_by_role("button", name="Sign in with your council account").click()
    expect(page).to_have_url(re.compile(re.escape(HOMES["officer"]) + "$"))
    expect(page.get_by_role("navigation", name="Console")).to_contain_text("Asha Patel")
    look(page, "officer-home")
    [asked] = provider.authorize_requests
    assert asked["code_challenge_method"] == "S256" and asked["state"] and asked["nonce"]


def test_someone_the_console_does_not_know_is_refused_with_a_page_that_says_what_to_do(
    page: Page,
    look,
    staff,
    provider: FakeOpenIdProvider,  # noqa: F811
):
    provider.next_login = Login("stranger@birmingham.gov.uk")
    page.goto("/console/sign-in")
    look(page, "sign-in")
    page.get_by_role("button", name="Sign in with your council account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have a console account")
    expect(page.get_by_role("main")).to_contain_text("Ask a console admin to create one.")
    look(page, "refused")
    page.goto("/console/work")
    expect(page).to_have_url(re.compile("/console/sign-in"))
    look(page, "still-signed-out")


def test_cancelling_at_the_council_sign_in_comes_back_to_a_page_that_says_so(
    page: Page,
    look,
    staff,
    provider: FakeOpenIdProvider,  # noqa: F811
):
    provider.next_login = None  # the person cancels at the provider: access_denied
    page.goto("/console/sign-in")
    page.get_by_role("button", name="Sign in with your council account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Signing in with your council account did not work")
    look(page, "cancelled")
    page.get_by_role("link", name="Go to the sign-in page").click()
    expect(page).to_have_url(re.compile("/console/sign-in"))
    look(page, "sign-in-again")
