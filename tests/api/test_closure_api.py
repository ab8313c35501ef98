"""The contact log and a case's closure over the API: the console's rules, the API's roles."""

from __future__ import annotations

import pytest

from app.casework.models import Case
from app.extensions import db
from app.staff.accounts import create_staff, issue_token
from tests.conftest import PUBLIC_BASE_URL
from tests.console.conftest import report

TALK = {"method": "call", "outcome": "made_contact", "closure_discussion": True}


@pytest.fixture
def officer(app):
    return create_staff(db.session(), "asha.patel@birmingham.gov.uk", "Asha Patel", "officer")


def token_of(member) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(db.session(), member.email)}"}


def closure(client, case: Case, headers, **body):
    return client.post(f"/api/v1/cases/{case.reference}/closure", json=body, headers=headers)


def test_an_officer_logs_a_discussion_proposes_closes_and_gets_the_letter(client, officer, at):
    headers = token_of(officer)
    with at("2026-11-30 10:00"):
        case = report(officer=officer)
        logged = client.post(f"/api/v1/cases/{case.reference}/contacts", json=TALK, headers=headers)
    assert logged.status_code == 201 and logged.get_json()["next_update_due"] == "2026-12-14T10:00:00+00:00"
    assert closure(client, case, headers, action="propose").get_json()["status"] == "closure_proposed"
    closed = closure(client, case, headers, action="close", reason="resolved", reason_text="All quiet")
    body = closed.get_json()
    assert closed.status_code == 200 and body["status"] == "closed" and body["closed_reason"] == "resolved"
    survey = db.session.get(Case, case.id).survey
    assert body["survey"] == {"short_code": survey.short_code, "link": f"{PUBLIC_BASE_URL}/survey/{survey.token}"}
    letter = client.get(f"/api/v1/cases/{case.reference}/closure/letter.pdf", headers=headers)
    assert letter.status_code == 200 and letter.data.startswith(b"%PDF")
    assert closure(client, case, headers, action="reopen").get_json()["status"] == "reopened"


def test_refusals_are_409_with_the_reason(client, officer):
    case = report(officer=officer)
    refused = closure(client, case, token_of(officer), action="close", reason="resolved")
    assert refused.status_code == 409 and refused.get_json()["error"].startswith("Propose closure first")
    refused = closure(client, case, token_of(officer), action="propose")
    assert refused.status_code == 409 and "closure discussion" in refused.get_json()["error"]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"action": "tidy"}, {"action": "must be propose, withdraw, agree, close or reopen"}),
        ({"action": "close", "reason": 7}, {"reason": "reason and reason_text must be text"}),
    ],
)
def test_a_closure_body_that_makes_no_sense_is_422(client, officer, body, errors):
    reply = closure(client, report(officer=officer), token_of(officer), **body)
    assert reply.status_code == 422 and reply.get_json() == {"errors": errors}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"method": "pigeon", "outcome": "made_contact"}, "method"),
        ({"method": "call", "outcome": "made_contact", "at": "yesterday"}, "at"),
        ({"method": "call", "outcome": "made_contact", "closure_discussion": "yes"}, "closure_discussion"),
    ],
)
def test_a_contact_that_makes_no_sense_is_422(client, officer, body, field):
    case = report(officer=officer)
    reply = client.post(f"/api/v1/cases/{case.reference}/contacts", json=body, headers=token_of(officer))
    assert reply.status_code == 422 and field in reply.get_json()["errors"]


def test_roles(client, officer, app):
    case = report(officer=officer)
    other = create_staff(db.session(), "other@birmingham.gov.uk", "Other Officer", "officer")
    centre = create_staff(db.session(), "centre@birmingham.gov.uk", "Cee Centre", "contact_centre")
    admin = create_staff(db.session(), "admin@birmingham.gov.uk", "Ada Admin", "admin")
    assert closure(client, case, token_of(other), action="propose").status_code == 404, "not their case"
    assert closure(client, case, token_of(centre), action="propose").status_code == 403
    assert closure(client, case, token_of(admin), action="propose").status_code == 403, "officer or manager only"
    contact = client.post(f"/api/v1/cases/{case.reference}/contacts", json=TALK, headers=token_of(centre))
    assert contact.status_code == 403
    letter = client.get(f"/api/v1/cases/{case.reference}/closure/letter.pdf", headers=token_of(officer))
    assert letter.status_code == 404 and "not closed" in letter.get_json()["error"]
