"""The console in a real browser: Debian's Chromium, driven by Playwright, against the app on a real WSGI server.

A journey takes `page` (pytest-playwright's, pointed at the live app), signs in with
`signed_in(page, "officer")` and calls `look(page, "name")` on every page it reaches: an axe-core check
(no serious or critical violation) and a screenshot under tests/artifacts/. A passing journey that
loaded a page without looking at it fails, so no page goes unchecked.
"""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from werkzeug.serving import make_server

from app.casework.models import Case
from app.clock import now
from app.extensions import db
from app.messaging.models import InboundMessage, OutboundMessage
from app.staff.models import StaffMember
from tests.console.browser.harness import CHROMIUM, LAUNCH_ARGS, check_accessibility, screenshot_path
from tests.console.conftest import PASSWORD, report

if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium", allow_module_level=True)

STAFF = {  # role: (email, name)
    "officer": ("asha.patel@birmingham.gov.uk", "Asha Patel"),
    "manager": ("mo.khan@birmingham.gov.uk", "Mo Khan"),
    "contact_centre": ("cat.jones@birmingham.gov.uk", "Cat Jones"),
    "admin": ("ada.admin@birmingham.gov.uk", "Ada Admin"),
}
HOMES = {"officer": "/console/work", "manager": "/console/dashboard", "contact_centre": "/console/search"}
VISITS = pytest.StashKey[dict[str, Any]]()
PASSED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
    """Remember whether the test itself passed, for the `page` fixture's check afterwards."""
    outcome = yield
    if outcome.when == "call":
        item.stash[PASSED] = outcome.passed
    return outcome


@pytest.fixture
def settings(settings: dict[str, Any]) -> dict[str, Any]:
    """The test settings, with the session cookie allowed over the live server's plain http."""
    return {**settings, "SESSION_COOKIE_SECURE": False}


@pytest.fixture
def live_port() -> int:
    """The live server's port: any free one (a module whose settings must name it picks one first)."""
    return 0


@pytest.fixture
def live_server(app: Flask, live_port: int) -> Iterator[str]:
    """The app served by werkzeug in a thread on a local port (each request in its own thread); its URL."""
    server = make_server("127.0.0.1", live_port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="console-live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, **LAUNCH_ARGS}


@pytest.fixture(scope="session")
def browser(launch_browser: Callable[[], Browser]) -> Iterator[Browser]:
    """pytest-playwright's Chromium again: in tests/console, `browser` is the Flask test client."""
    chromium = launch_browser()
    yield chromium
    chromium.close()


@pytest.fixture
def browser_context_args(browser_context_args: dict[str, Any], live_server: str) -> dict[str, Any]:
    """A laptop-sized window in London, its relative URLs on the live app."""
    london = {"locale": "en-GB", "timezone_id": "Europe/London"}
    return {**browser_context_args, **london, "base_url": live_server, "viewport": {"width": 1024, "height": 768}}


@pytest.fixture
def page(page: Page, request: pytest.FixtureRequest) -> Iterator[Page]:
    """pytest-playwright's page, failing fast (5 s), with every page it loads remembered for the check below."""
    visits: dict[str, Any] = {"loaded": [], "looked": set(), "count": 0}
    request.node.stash[VISITS] = visits
    shutil.rmtree(screenshot_path(request.node.name, 0, "").parent, ignore_errors=True)
    page.set_default_timeout(5_000)
    page.on("load", lambda loaded: visits["loaded"].append(loaded.url))
    yield page
    unchecked = sorted({url for url in visits["loaded"] if url.startswith("http") and url not in visits["looked"]})
    if request.node.stash.get(PASSED, False) and unchecked:
        pytest.fail(f"pages loaded without look(page, name): {', '.join(unchecked)}")


@pytest.fixture
def look(page: Page, request: pytest.FixtureRequest) -> Callable[[Page, str], None]:
    """`look(page, "case")`: axe-core on the page as it is (no serious or critical violation), then a screenshot."""
    visits = request.node.stash[VISITS]  # made by `page`, set up first

    def look_at(page: Page, name: str) -> None:
        page.wait_for_load_state()
        check_accessibility(page)
        visits["count"] += 1
        page.screenshot(path=screenshot_path(request.node.name, visits["count"], name), full_page=True)
        visits["looked"].add(page.url)

    return look_at


@pytest.fixture
def staff(account: Any) -> dict[str, StaffMember]:
    """One account of each console role, each with the password PASSWORD."""
    return {role: account(role, email=email, name=name) for role, (email, name) in STAFF.items()}


def fill_sign_in(page: Page, email: str, password: str) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def signed_in(staff: dict[str, StaffMember], look: Callable[[Page, str], None]) -> Callable[[Page, str], StaffMember]:
    """`signed_in(page, "officer")`: signs in through the form and lands on the role's home, looking at both."""

    def sign_in_as(page: Page, role: str) -> StaffMember:
        member = staff[role]
        page.goto("/console/sign-in")
        look(page, "sign-in")
        fill_sign_in(page, member.email, PASSWORD)
        expect(page).not_to_have_url(re.compile("/console/sign-in"))
        look(page, f"{role.replace('_', '-')}-home")
        return member

    return sign_in_as


@pytest.fixture
def cases(staff: dict[str, StaffMember]) -> list[Case]:
    """Three of the officer's cases (one high risk, one overdue) and one with nobody yet; the first has texts."""
    officer = staff["officer"]
    high = {"danger_now": True, "happened_before": True, "unsafe_at_home": False, "support_needs": False}
    made = [
        report(officer=officer, caller_phone="+447911123456", location="Outside 12 Coventry Road, B10 0AA"),
        report(officer=officer, caller_phone="+447700900123", risk_answers=high, location="Soho Road, B21 9RY"),
        report(officer=officer, caller_phone="+441214960000", strands=["race", "religion"], location="B11"),
        report(caller_phone="+447700900456", strands=["disability"], location="Alum Rock Road, B8 1JB"),
    ]
    made[2].tasks[0].due_at = now() - timedelta(days=1)
    first = made[0]
    db.session.add_all(
        [
            OutboundMessage(
                case_id=first.id,
                purpose="report_received",
                to_phone=first.caller_phone,
                status="sent",
                body=f"Thank you for your report. Your reference is {first.reference}.",
            ),
            InboundMessage(
                case_id=first.id,
                message_sid="SM" + "2" * 32,
                from_raw=first.caller_phone,
                from_phone=first.caller_phone,
                to_phone="+441214647269",
                body="They were back again last night. Please call after 6pm.",
            ),
        ]
    )
    db.session.commit()
    return made
