"""The console as a person uses it: a browser-like client, accounts of each role, signing in through the form."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import g
from sqlalchemy import select

from app.casework.models import Case
from app.casework.report import Report
from app.casework.service import open_case
from app.clock import now
from app.extensions import db
from app.staff.accounts import create_staff
from app.staff.models import StaffMember
from app.staff.passwords import hash_password
from tests.conftest import ClosingClient

PASSWORD = "correct horse battery staple"
ROLES = ("contact_centre", "officer", "manager", "admin")


@pytest.fixture(scope="session")
def password_hash() -> str:
    """One argon2 hash for every test account (hashing takes a fifth of a second)."""
    return hash_password(PASSWORD)


class Browser(ClosingClient):
    """Each request starts with an empty `flask.g`, as in production (the tests' app context outlives requests)."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        for name in list(vars(g)):
            delattr(g, name)
        return super().open(*args, **kwargs)


@pytest.fixture
def browser(app) -> Browser:
    app.test_client_class = Browser
    return app.test_client()


@pytest.fixture
def account(app, password_hash):
    """`account("officer")`: a staff account of that role with the password PASSWORD."""
    made = iter(range(1000))

    def make(role: str, email: str | None = None, name: str | None = None) -> StaffMember:
        number = next(made)
        email = email or f"{role.replace('_', '.')}.{number}@birmingham.gov.uk"
        member = create_staff(db.session(), email, name or f"{role.replace('_', ' ').title()} {number}", role)
        member.password_hash = password_hash
        db.session.commit()
        return member

    return make


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def csrf_token(response) -> str:
    field = page(response).find("input", attrs={"name": "csrf_token"})
    assert field is not None, "the page has no form with a CSRF token"
    return str(field["value"])


def text_of(element) -> str:
    return " ".join(element.get_text(" ").split()) if element is not None else ""


def heading(response) -> str:
    headings = page(response).find_all("h1")
    assert len(headings) == 1, "one <h1> per page"
    return text_of(headings[0])


def error_summary(response) -> list[str]:
    summary = page(response).find(class_="govuk-error-summary")
    return [text_of(item) for item in summary.find_all("li")] if summary else []


def table_rows(response, caption: str | None = None) -> list[list[str]]:
    """The body rows of the page's table (the one with that caption, if given), as the cells' text."""
    tables = page(response).find_all("table")
    table = next((t for t in tables if caption is None or caption in text_of(t.find("caption"))), None)
    assert table is not None, f"no table captioned {caption!r}"
    return [[text_of(cell) for cell in row.find_all(["th", "td"])] for row in table.find("tbody").find_all("tr")]


def sign_in(client, email: str, password: str = PASSWORD, next_page: str | None = None, address: str = "192.0.2.1"):
    """Fill in and send the sign-in form, as a person would; returns the response to the POST."""
    path = "/console/sign-in" + (f"?next={next_page}" if next_page else "")
    form = client.get(path)
    data = {"csrf_token": csrf_token(form), "email": email, "password": password}
    return client.post(path, data=data, environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def signed_in(browser, account) -> Iterator[Any]:
    """`signed_in("officer")`: the browser signed in as a new account of that role; returns the account."""

    def sign_in_as(role: str, **details: Any) -> StaffMember:
        member = account(role, **details)
        response = sign_in(browser, member.email)
        assert response.status_code == 302, error_summary(response)
        return member

    yield sign_in_as


def report(kind: str = "hate_crime", officer: StaffMember | None = None, **details: Any) -> Case:
    """A case opened as every channel opens one; its tasks and the case itself given to `officer` (or nobody)."""
    fields: dict[str, Any] = {
        "caller_phone": "+447911123456",
        "strands": ["religion"],
        "risk_answers": {"danger_now": False, "happened_before": True, "unsafe_at_home": False, "support_needs": False},
        "safe_to_text": False,
        "description": "Shouting in the street and a leaflet through the door.",
        "location": "Coventry Road, B10 0AA",
        "occurred": "Friday night",
        **details,
    }
    case = open_case(db.session(), Report(kind=kind, channel="web", **fields), received_at=now())
    for task in case.tasks:
        task.assignee_id = officer.id if officer else None
    case.officer_id = officer.id if officer else None
    db.session.commit()
    return db.session.scalars(select(Case).where(Case.id == case.id)).one()
