"""Who reads what: each role sees only the cases and the fields its work needs; anything else is 404."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.casework.models import Case, Task
from app.casework.report import Report
from app.casework.service import open_case
from app.clock import now
from app.extensions import db
from app.staff.accounts import create_staff, find_staff, issue_token
from tests.conftest import RESIDENT
from tests.telephony.test_report_call import report_everything

ACCOUNT_FIELDS = ("description", "location", "occurred", "risk", "strands", "tasks", "recordings", "messages")
PHONE_FIELDS = ("caller_phone", "callback_phone")


@pytest.fixture
def token_for(app):
    """`token_for("officer")`: a new account with that role, and its token."""
    made = iter(range(1000))

    def make(role: str, email: str | None = None) -> str:
        email = email or f"{role}-{next(made)}@example.org"
        create_staff(db.session, email, f"A {role}", role)
        return issue_token(db.session, email)

    return make


@pytest.fixture
def phone_case(phone, at) -> Case:
    """A case reported by phone: a recording of the account, the resident's number and a confirmation text."""
    with at("2026-11-25 10:00"):
        report_everything(phone)
    return db.session.scalars(select(Case)).one()


def read(client, token: str, reference: str):
    return client.get(f"/api/v1/cases/{reference}", headers={"Authorization": f"Bearer {token}"})


def by_phone(client, token: str, number: str = RESIDENT) -> list[dict]:
    return client.get(f"/api/v1/cases?phone={number}", headers={"Authorization": f"Bearer {token}"}).get_json()["cases"]


def post_report(client, token: str) -> str:
    payload = {"caller_phone": RESIDENT, "description": "Abuse shouted in the street", "safe_to_text": False}
    reply = client.post("/api/v1/reports", json=payload, headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code == 201
    return reply.get_json()["reference"]


def test_the_website_cannot_read_a_case_reported_by_phone(client, token_for, phone_case):
    website = token_for("integration")
    reply = read(client, website, phone_case.reference)
    assert reply.status_code == 404 and reply.get_json() == {"error": "no such case"}
    assert by_phone(client, website) == []


def test_the_website_reads_back_what_it_posted_and_not_what_another_integration_posted(client, token_for, at):
    website, brum_account = token_for("integration"), token_for("integration")
    with at("2026-11-25 10:00"):
        ours, theirs = post_report(client, website), post_report(client, brum_account)
        assert read(client, website, ours).get_json() == {
            "reference": ours,
            "status": "open",
            "callback": {"due_at": "2026-11-26T17:00:00+00:00", "status": "open"},
            "removal": None,
        }
    assert read(client, website, theirs).status_code == 404
    assert [case["reference"] for case in by_phone(client, website)] == [ours]


def test_the_contact_centre_sees_status_officer_deadlines_and_contact_preferences_only(
    client, token_for, phone_case, at
):
    with at("2026-11-25 11:00"):
        body = read(client, token_for("contact_centre"), phone_case.reference).get_json()
    assert body["reference"] == phone_case.reference and body["status"] == "open"
    assert body["callback"] == {"due_at": "2026-11-26T17:00:00+00:00", "status": "open"}
    assert body["officer"] is None and "next_update_due" in body
    assert body["safe_to_text"] is True and body["visit_requested"] is False and body["opted_out"] is False
    assert not set(body) & {*ACCOUNT_FIELDS, *PHONE_FIELDS}, "no account, numbers, recordings or messages"


def test_managers_and_admins_read_every_case_in_full(client, token_for, phone_case):
    for role in ("manager", "admin"):
        body = read(client, token_for(role), phone_case.reference).get_json()
        assert body["caller_phone"] == RESIDENT and body["recordings"] and body["messages"], role


def test_an_officer_reads_the_cases_they_hold_a_task_on_or_are_the_officer_of(client, token_for, phone_case):
    holder, officer_of_case, other = token_for("officer"), token_for("officer"), token_for("officer")
    phone_case.tasks[0].assignee_id = find_staff(db.session, "officer-0@example.org").id
    second = open_case(db.session, Report(kind="hate_crime", channel="web", caller_phone=RESIDENT), now())
    second.officer_id = find_staff(db.session, "officer-1@example.org").id
    db.session.commit()
    assert read(client, holder, phone_case.reference).get_json()["recordings"], "their own case, in full"
    assert read(client, holder, second.reference).status_code == 404
    assert read(client, officer_of_case, second.reference).get_json()["caller_phone"] == RESIDENT
    assert read(client, officer_of_case, phone_case.reference).status_code == 404
    assert read(client, other, phone_case.reference).status_code == 404
    assert [c["reference"] for c in by_phone(client, holder)] == [phone_case.reference]
    assert by_phone(client, other) == []


def test_an_officer_cannot_complete_a_task_or_text_an_update_on_a_case_not_theirs(client, token_for, phone_case):
    stranger = token_for("officer")
    [task] = phone_case.tasks
    headers = {"Authorization": f"Bearer {stranger}"}
    done = client.post(f"/api/v1/tasks/{task.id}/complete", json={"outcome": "no_answer"}, headers=headers)
    assert done.status_code == 404 and done.is_json
    assert client.post(f"/api/v1/cases/{phone_case.reference}/updates", headers=headers).status_code == 404
    assert db.session.get(Task, task.id).status == "open"


def test_an_officer_who_may_read_a_case_still_completes_only_their_own_tasks(client, token_for, phone_case):
    """As in the console: seeing the case (a case they named themselves on, say) is not owning its callback."""
    reader = token_for("officer", "reader@example.org")
    phone_case.officer_id = find_staff(db.session, "reader@example.org").id  # the case's officer, not the task's
    db.session.commit()
    [task] = phone_case.tasks
    headers = {"Authorization": f"Bearer {reader}"}
    assert client.get(f"/api/v1/cases/{phone_case.reference}", headers=headers).status_code == 200
    done = client.post(f"/api/v1/tasks/{task.id}/complete", json={"outcome": "spoke_to_resident"}, headers=headers)
    assert done.status_code == 404 and db.session.get(Task, task.id).status == "open"
    manager = {"Authorization": f"Bearer {token_for('manager')}"}
    assert client.post(f"/api/v1/tasks/{task.id}/complete", json={"outcome": "no_answer"}, headers=manager).is_json
    assert db.session.get(Task, task.id).status == "done"
