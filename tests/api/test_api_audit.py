"""Every API read of a case is in the append-only audit log: who, as what, which case, when, from where."""

from __future__ import annotations

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.casework.models import Case, Task
from app.extensions import db
from app.staff.accounts import create_staff, find_staff, issue_token
from tests.conftest import RESIDENT, london
from tests.telephony.test_report_call import report_everything


def staff_token(email: str, role: str) -> str:
    create_staff(db.session, email, "Somebody", role)
    return issue_token(db.session, email)


def events() -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_a_read_of_a_case_records_who_which_case_when_and_from_where(app, client, phone, at):
    report_everything(phone)
    case = db.session.scalars(select(Case)).one()
    token = staff_token("manager@example.org", "manager")
    with at("2026-11-25 10:00"):
        client.get(
            f"/api/v1/cases/{case.reference}",
            headers={"Authorization": f"Bearer {token}"},
            environ_base={"REMOTE_ADDR": "192.0.2.7"},
        )
    [read] = events()
    assert (read.action, read.case_id, read.role, read.address) == ("api_read_case", case.id, "manager", "192.0.2.7")
    assert read.staff_id == find_staff(db.session, "manager@example.org").id
    assert read.at == london("2026-11-25 10:00") and read.changes == {}


def test_a_search_by_phone_records_each_case_it_shows_and_nothing_for_what_it_hides(app, client, phone, call_from):
    report_everything(phone)
    report_everything(call_from(RESIDENT))
    token = staff_token("cc@example.org", "contact_centre")
    client.get(f"/api/v1/cases?phone={RESIDENT}", headers={"Authorization": f"Bearer {token}"})
    shown = {case.id for case in db.session.scalars(select(Case))}
    assert {(e.action, e.case_id) for e in events()} == {("api_list_cases", case_id) for case_id in shown}
    website = staff_token("web@example.org", "integration")
    client.get(f"/api/v1/cases?phone={RESIDENT}", headers={"Authorization": f"Bearer {website}"})
    client.get("/api/v1/cases/HC-000000", headers={"Authorization": f"Bearer {website}"})
    assert len(events()) == 2, "a case not shown is not recorded as read"


def test_a_posted_report_records_which_integration_opened_it(app, client):
    token = staff_token("web@example.org", "integration")
    payload = {"caller_phone": RESIDENT, "description": "Shouted at", "safe_to_text": False}
    reference = client.post("/api/v1/reports", json=payload, headers={"Authorization": f"Bearer {token}"}).json[
        "reference"
    ]
    [opened] = events()
    case = db.session.scalars(select(Case).where(Case.reference == reference)).one()
    assert (opened.action, opened.case_id, opened.role) == ("api_report_created", case.id, "integration")


def test_a_task_completed_and_an_update_sent_by_token_are_audited_as_in_the_console(app, client, phone, at):
    with at("2026-11-25 10:00"):
        report_everything(phone)
    manager = create_staff(db.session, "boss@example.org", "Mo Manager", "manager")
    headers = {"Authorization": f"Bearer {issue_token(db.session, 'boss@example.org')}"}
    task = db.session.scalars(select(Task)).one()
    body = {"outcome": "spoke_to_resident", "risk_level": "high"}
    with at("2026-11-25 11:00"):
        assert client.post(f"/api/v1/tasks/{task.id}/complete", json=body, headers=headers).status_code == 200
        reference = task.case.reference
        assert client.post(f"/api/v1/cases/{reference}/updates", headers=headers).status_code == 201
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.staff_id == manager.id)).all()
    completed = next(e for e in events if e.action == "task_completed")
    assert completed.case_id == task.case_id and completed.changes["risk_level"] == ["medium", "high"]
    sent = next(e for e in events if e.action == "api_update_sent")
    assert sent.changes["next_update_due"][1] == "2026-12-09T11:00:00+00:00"
