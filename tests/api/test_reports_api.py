"""Reports from the council's website form and the BRUM Account: `POST /api/v1/reports`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import func, select

from app.casework.models import Case, Task
from app.extensions import db
from app.messaging.models import OutboundMessage
from app.staff.accounts import create_staff, find_staff, issue_token
from app.staff.changes import AccountDetails, change_staff
from app.staff.models import ApiToken

MOBILE = "+447911123456"
OTHER_MOBILE = "+447912345678"
LANDLINE = "+441214960000"


@pytest.fixture
def token(app) -> str:
    """A bearer token for the council website's integration account."""
    create_staff(db.session, "website@example.org", "Council website", "integration")
    return issue_token(db.session, "website@example.org")


@pytest.fixture
def officer_token(app) -> str:
    create_staff(db.session, "officer@example.org", "An Officer", "officer")
    return issue_token(db.session, "officer@example.org")


def post(client, payload: Any, token: str | None, **body: Any):
    """POST a report as JSON (or `data=` and `content_type=` as given), and read the whole response.

    Buffered, so the response is closed as a real server closes it: that is when queued jobs reach Redis.
    """
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = body or {"json": payload}
    return client.post("/api/v1/reports", headers=headers, buffered=True, **body)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def full_report(**fields: Any) -> dict[str, Any]:
    """What the website form sends when a resident answers every question."""
    return {
        "kind": "hate_crime",
        "caller_phone": "07911 123456",
        "callback_phone": "07912 345678",
        "strands": ["religion", "disability"],
        "danger_now": False,
        "happened_before": True,
        "unsafe_at_home": False,
        "support_needs": False,
        "needs_adjustment": True,
        "description": "  Neighbour shouted abuse and threw eggs at our door.  ",
        "location": "Stratford Road, Sparkhill",
        "occurred": "Last night around 9pm",
        "safe_to_text": True,
        "visit_requested": True,
        "referral_consent": False,
        **fields,
    }


def test_report_on_friday_evening_is_due_monday_5pm(client, token, at):
    with at("2026-11-27 18:30"):
        reply = post(client, full_report(), token)
    assert reply.status_code == 201
    body = reply.get_json()
    assert body["reference"].startswith("HC-") and len(body["reference"]) == 9 and body["reference"][3:].isdigit()
    assert body == {
        "reference": body["reference"],
        "kind": "hate_crime",
        "channel": "web",
        "callback": {"due_at": "2026-11-30T17:00:00+00:00", "status": "open"},
    }
    assert reply.headers["Location"] == f"/api/v1/cases/{body['reference']}"


@pytest.fixture
def manager_token(app) -> str:
    create_staff(db.session, "manager@example.org", "Mo Manager", "manager")
    return issue_token(db.session, "manager@example.org")


def test_the_website_reads_back_only_the_reference_status_and_deadline(client, token, at):
    with at("2026-11-27 18:30"):
        location = post(client, full_report(), token).headers["Location"]
    with at("2026-11-28 09:00"):
        case = client.get(location, headers={"Authorization": f"Bearer {token}"}).get_json()
    assert case == {
        "reference": location.rsplit("/", 1)[1],
        "status": "open",
        "callback": {"due_at": "2026-11-30T17:00:00+00:00", "status": "open"},
        "removal": None,
    }


def test_the_case_reads_back_through_the_read_api_as_a_web_report(client, token, manager_token, at):
    with at("2026-11-27 18:30"):
        location = post(client, full_report(), token).headers["Location"]
    with at("2026-11-28 09:00"):
        case = client.get(location, headers={"Authorization": f"Bearer {manager_token}"}).get_json()
    assert case["channel"] == "web" and case["kind"] == "hate_crime" and case["status"] == "open"
    assert case["caller_phone"] == MOBILE and case["callback_phone"] == OTHER_MOBILE
    assert case["strands"] == ["religion", "disability"] and case["risk_level"] == "medium"
    assert case["needs_adjustment"] is True and case["safe_to_text"] is True
    assert case["visit_requested"] is True and case["referral_consent"] is False
    assert case["incomplete_call"] is False and case["recordings"] == []
    assert case["created_at"] == "2026-11-27T18:30:00+00:00"
    assert case["callback"] == {"due_at": "2026-11-30T17:00:00+00:00", "status": "open"}


def test_what_the_resident_wrote_is_on_the_case_the_officer_sees(client, token):
    """The case row keeps what was written, stripped, and the callback goes to the callback number."""
    post(client, full_report(), token)
    case = db.session.scalars(select(Case)).one()
    assert case.description == "Neighbour shouted abuse and threw eggs at our door."
    assert (case.location, case.occurred) == ("Stratford Road, Sparkhill", "Last night around 9pm")
    assert case.risk_answers == {
        "danger_now": False,
        "happened_before": True,
        "unsafe_at_home": False,
        "support_needs": False,
    }
    [task] = case.tasks
    assert task.kind == "risk_assessment_callback" and task.phone == OTHER_MOBILE


def test_danger_now_is_high_risk_with_a_priority_callback_for_the_duty_officer(client, token):
    reference = post(client, full_report(danger_now=True), token).get_json()["reference"]
    case = db.session.scalars(select(Case).where(Case.reference == reference)).one()
    assert (case.risk_level, case.priority, case.duty_officer_flag) == ("high", True, True)
    assert case.tasks[0].priority is True


def test_graffiti_gets_a_gr_reference_and_a_removal(client, token, at):
    payload = {
        "kind": "graffiti",
        "caller_phone": "0121 496 0000",
        "location": "Underpass by Five Ways",
        "graffiti_offensive": True,
    }
    with at("2026-12-24 17:30"):
        reply = post(client, payload, token)
    assert reply.status_code == 201
    body = reply.get_json()
    assert body["reference"].startswith("GR-") and body["kind"] == "graffiti" and "callback" not in body
    assert body["removal"] == {"due_at": "2026-12-29T17:00:00+00:00", "status": "open"}
    case = db.session.scalars(select(Case)).one()
    assert case.tasks[0].kind == "graffiti_removal" and case.tasks[0].priority is True
    assert case.strands == [] and case.risk_level == "standard"


def test_a_confirmation_text_is_queued_when_safe_and_the_number_is_a_mobile(client, token, redis: Redis):
    reference = post(client, full_report(safe_to_text=True), token).get_json()["reference"]
    message = db.session.scalars(select(OutboundMessage)).one()
    assert message.to_phone == OTHER_MOBILE and reference in message.body and message.status == "pending"
    assert message.purpose == "report_confirmation"
    queued = [job.args for job in Queue("default", connection=redis).get_jobs()]
    assert ("send-text", message.id) in queued, "a send job is waiting for it"


def test_no_text_when_the_resident_said_texts_are_not_safe(client, token):
    post(client, full_report(safe_to_text=False), token)
    post(client, full_report(safe_to_text=None), token)
    assert count(Case) == 2 and count(OutboundMessage) == 0


def test_no_text_to_a_landline_even_when_texts_are_safe(client, token):
    post(client, full_report(callback_phone=None, caller_phone=LANDLINE, safe_to_text=True), token)
    case = db.session.scalars(select(Case)).one()
    assert case.callback_phone == LANDLINE and count(OutboundMessage) == 0


def test_invalid_report_lists_every_bad_field_and_stores_nothing(client, token, redis: Redis):
    payload = full_report(
        caller_phone="07700 900123",
        strands=["race", "astrology"],
        danger_now="yes",
        description=" ",
        visit_reqested=True,
    )
    reply = post(client, payload, token)
    assert reply.status_code == 422
    assert reply.get_json() == {
        "errors": {
            "visit_reqested": "unknown field",
            "caller_phone": "must be a valid phone number",
            "strands": "must be a list of: race, religion, sexual_orientation, disability, transgender, other",
            "danger_now": "must be true, false or null",
            "description": "is required",
        }
    }
    assert count(Case) == 0 and count(Task) == 0 and count(OutboundMessage) == 0
    assert Queue("default", connection=redis).count == 0


@pytest.mark.parametrize(
    "body",
    [
        {"data": "caller_phone=07911123456&description=abuse", "content_type": "application/x-www-form-urlencoded"},
        {"data": "{not json", "content_type": "application/json"},
        {"data": '{"caller_phone": "07911123456", "description": "abuse"}', "content_type": "text/plain"},
        {"data": '["caller_phone"]', "content_type": "application/json"},
    ],
)
def test_a_body_that_is_not_a_json_object_gets_422(client, token, body):
    reply = post(client, None, token, **body)
    assert reply.status_code == 422
    assert reply.get_json() == {"errors": {"_payload": "must be a JSON object"}}
    assert count(Case) == 0


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer wrong-token", "Basic dXNlcjpwYXNz"])
def test_no_token_or_a_bad_one_gets_401_and_stores_nothing(client, token, header):
    headers = {"Authorization": header} if header else {}
    reply = client.post("/api/v1/reports", json=full_report(), headers=headers)
    assert reply.status_code == 401 and reply.get_json()["error"]
    assert count(Case) == 0


def test_an_officers_token_cannot_post_reports(client, officer_token):
    reply = post(client, full_report(), officer_token)
    assert reply.status_code == 403 and reply.get_json()["error"]
    assert count(Case) == 0


def test_the_role_is_checked_before_the_payload(client, officer_token):
    """An account that may not post learns nothing about what a valid report looks like."""
    assert post(client, {"nonsense": True}, officer_token).status_code == 403


def test_a_deactivated_integrations_token_is_refused_and_opens_no_case(client, token):
    website = find_staff(db.session, "website@example.org")
    admin = create_staff(db.session, "admin@example.org", "An Admin", "admin")
    change_staff(db.session, website, AccountDetails("integration", active=False), by=admin, address=None)
    refused = post(client, full_report(), token)
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"] == "Bearer"
    assert count(Case) == 0


def test_a_revoked_token_is_refused_while_the_accounts_other_token_still_works(client, token):
    other = issue_token(db.session, "website@example.org")
    revoked = db.session.scalars(select(ApiToken).order_by(ApiToken.id)).first()
    revoked.revoked_at = datetime.now(UTC)
    db.session.commit()
    assert post(client, full_report(), token).status_code == 401
    assert post(client, full_report(), other).status_code == 201
    assert count(Case) == 1
