"""The read API the council's systems use: bearer tokens, one case, a resident's cases (read here by a manager)."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.extensions import db
from app.staff.accounts import create_staff, issue_token
from tests.conftest import RESIDENT
from tests.telephony.test_report_call import report_everything, the_case


@pytest.fixture
def token(app) -> str:
    """A manager's token: managers read every case in full."""
    create_staff(db.session, "manager@example.org", "Mo Manager", "manager")
    return issue_token(db.session, "manager@example.org")


def get(client, url, token):
    return client.get(url, headers={"Authorization": f"Bearer {token}"})


def test_case_json_has_the_fields_the_council_relies_on(client, phone, token, at):
    with at("2026-11-27 18:30"):
        report_everything(phone)
    case = the_case()
    with at("2026-11-28 09:00"):
        reply = get(client, f"/api/v1/cases/{case.reference}", token)
    assert reply.status_code == 200
    body = reply.get_json()
    assert body["reference"] == case.reference and body["status"] == "open" and body["channel"] == "phone"
    assert body["caller_phone"] == RESIDENT and body["strands"] == ["race"] and body["risk_level"] == "medium"
    assert body["safe_to_text"] is True and body["visit_requested"] is False and body["incomplete_call"] is False
    assert body["callback"] == {"due_at": "2026-11-30T17:00:00+00:00", "status": "open"}
    assert datetime.fromisoformat(body["created_at"]).utcoffset() is not None
    [message] = body["messages"]
    assert message["direction"] == "outbound" and message["to"] == RESIDENT and case.reference in message["body"]
    assert message["status"] == "pending" and message["created_at"]


def test_cases_by_phone_number_in_any_format(client, phone, call_from, token):
    report_everything(phone)
    report_everything(call_from("+447912345678"))
    for number in ("+447911123456", "07911 123456", "447911123456"):
        reply = get(client, f"/api/v1/cases?phone={number}", token)
        assert [c["caller_phone"] for c in reply.get_json()["cases"]] == [RESIDENT]
    assert get(client, "/api/v1/cases?phone=not-a-number", token).status_code == 400


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer wrong-token", "Basic dXNlcjpwYXNz"])
def test_no_token_or_a_bad_one_gets_401(client, header, token):
    headers = {"Authorization": header} if header else {}
    reply = client.get("/api/v1/cases?phone=07911123456", headers=headers)
    assert reply.status_code == 401 and reply.get_json()["error"]


def test_unknown_reference_is_404_json(client, token):
    reply = get(client, "/api/v1/cases/HC-000000", token)
    assert reply.status_code == 404 and reply.is_json


def test_only_a_hash_of_the_token_is_stored(app, token):
    from sqlalchemy import select

    from app.staff.models import ApiToken

    stored = db.session.scalars(select(ApiToken)).one()
    assert token not in stored.token_hash and len(stored.token_hash) == 64
