"""Managers' fortnightly reviews over the API: the queue (managers and admins) and recording one (managers)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.audit.records import CASE_REVIEWED
from app.casework.models import Case, CaseReview
from app.extensions import db
from app.staff.accounts import find_staff, issue_token
from tests.casework.test_case_reviews import opened


def token_of(email: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(db.session, email)}"}


@pytest.fixture
def due(app, officers, at):
    """A case whose review was due at 5pm on Monday 30 November; the test runs at 9am on Tuesday 1 December."""
    with at("2026-11-16 09:00"):
        case = opened()
    with at("2026-12-01 09:00"):
        yield case


def test_a_manager_reads_the_queue_with_each_reviews_facts(client, due):
    reply = client.get("/api/v1/reviews", headers=token_of("manager@example.org"))
    assert reply.status_code == 200
    assert reply.get_json() == {
        "reviews": [
            {
                "reference": due.reference,
                "review_due": "2026-11-30T17:00:00+00:00",
                "overdue": True,
                "risk_level": "standard",
                "days_open": 15,
                "last_contact_at": "2026-11-16T09:00:00+00:00",
                "action_plan": {"done": 0, "items": 0},
                "overdue_tasks": 1,
                "officer": "Asha Patel",
            }
        ],
        "page": 1,
        "has_next": False,
    }


@pytest.mark.parametrize(("email", "status"), [("a@example.org", 403), ("admin@example.org", 200)])
def test_officers_may_not_read_the_queue_and_admins_may(client, due, email, status):
    from app.staff.accounts import create_staff

    if email.startswith("admin"):
        create_staff(db.session, email, "Ada Admin", "admin")
    assert client.get("/api/v1/reviews", headers=token_of(email)).status_code == status


def test_a_manager_records_a_review_and_reassigns_the_case(client, due):
    reply = client.post(
        f"/api/v1/cases/{due.reference}/reviews",
        json={
            "notes": "Stalled",
            "decisions": "Ben takes over",
            "next_review_on": "2026-12-08",
            "officer_email": "b@example.org",
        },
        headers=token_of("manager@example.org"),
    )
    assert reply.status_code == 201, reply.get_json()
    assert reply.get_json() == {
        "reference": due.reference,
        "reviewed_at": "2026-12-01T09:00:00+00:00",
        "next_review_due": "2026-12-08T17:00:00+00:00",
        "officer": "Ben Jones",
    }
    review = db.session.scalars(select(CaseReview)).one()
    assert (review.notes, review.decisions) == ("Stalled", "Ben takes over")
    assert review.reassigned_to_id == find_staff(db.session, "b@example.org").id
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == CASE_REVIEWED)).one().case_id == due.id
    assert client.get("/api/v1/reviews", headers=token_of("manager@example.org")).get_json()["reviews"] == []


def test_without_a_date_the_next_review_is_the_rules(client, due):
    reply = client.post(
        f"/api/v1/cases/{due.reference}/reviews", json={"notes": "Fine"}, headers=token_of("manager@example.org")
    )
    assert reply.status_code == 201 and reply.get_json()["next_review_due"] == "2026-12-15T17:00:00+00:00"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"notes": "x", "next_review_on": "2026-12-25"}, "error"),
        ({"notes": "x", "next_review_on": "tomorrow"}, "next_review_on"),
        ({"notes": "x", "officer_email": "manager@example.org"}, "officer_email"),
        ({"decisions": None}, "notes"),
        ({"notes": 42}, "notes"),
        ([], "_payload"),
    ],
)
def test_a_review_the_rules_refuse_is_422_and_changes_nothing(client, due, body, field):
    case_id = due.id
    reply = client.post(f"/api/v1/cases/{due.reference}/reviews", json=body, headers=token_of("manager@example.org"))
    assert reply.status_code == 422
    assert field in reply.get_json() or field in reply.get_json().get("errors", {})
    assert db.session.scalars(select(CaseReview)).all() == []
    assert db.session.get(Case, case_id).next_review_due.isoformat() == "2026-11-30T17:00:00+00:00"


def test_only_managers_record_reviews_and_unknown_cases_are_404(client, due):
    url = f"/api/v1/cases/{due.reference}/reviews"
    assert client.post(url, json={"notes": "x"}, headers=token_of("a@example.org")).status_code == 403
    manager = token_of("manager@example.org")
    assert client.post("/api/v1/cases/HC-000000/reviews", json={"notes": "x"}, headers=manager).status_code == 404
