"""Casework over the API: the action plan and its copy, witnesses (the case's officer and managers only) and
interventions, with the console's rules and role checks."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.casework.models import Case, Incident
from app.extensions import db
from app.messaging.models import OutboundMessage
from app.staff.accounts import create_staff, issue_token
from app.staff.models import StaffMember
from tests.conftest import RESIDENT, london
from tests.console.conftest import report

NOW = "2026-12-01 11:00"
ITEM = {"what": "Visit the neighbour", "who": "Asha Patel", "due_on": "2026-12-08", "agreed_with_resident": True}
WITNESS = {"name": "Zofia Nowak", "contact": "07700 900777", "statement_taken": False, "consent_to_contact": True}


class Caller:
    """A member of staff calling the API with their own token."""

    def __init__(self, client: Any, staff: StaffMember, token: str) -> None:
        self.client, self.staff, self.token = client, staff, token

    def get(self, url: str) -> Any:
        return self.client.get(url, headers={"Authorization": f"Bearer {self.token}"})

    def post(self, url: str, body: Any = None) -> Any:
        return self.client.post(url, json=body, headers={"Authorization": f"Bearer {self.token}"})


@pytest.fixture
def caller(client, at) -> Iterator[Any]:
    """`caller("officer")`: a new account of that role calling the API; the whole test runs at NOW."""
    made = iter(range(1000))

    def make(role: str) -> Caller:
        email = f"{role}-{next(made)}@example.org"
        staff = create_staff(db.session, email, f"A {role}", role)
        return Caller(client, staff, issue_token(db.session, email))

    with at(NOW):
        yield make


def plan(case: Case) -> str:
    return f"/api/v1/cases/{case.reference}/action-plan"


def test_the_officer_adds_items_marks_one_done_moves_another_and_every_version_is_kept(caller):
    officer = caller("officer")
    case = report(officer=officer.staff)
    first = officer.post(plan(case), ITEM)
    assert first.status_code == 201 and first.json["version"] == 1
    officer.post(plan(case), {**ITEM, "what": "Fit a letterbox guard", "agreed_with_resident": False})
    items = officer.get(plan(case)).json["items"]
    assert officer.post(f"{plan(case)}/items/{items[0]['id']}/done").json["version"] == 3
    moved = officer.post(f"{plan(case)}/items/{items[1]['id']}/due-date", {"due_on": "2026-12-22"})
    assert moved.status_code == 200 and moved.json["items"][1]["due_on"] == "2026-12-22"
    again = officer.post(f"{plan(case)}/items/{items[0]['id']}/done")
    assert again.status_code == 409 and again.json["error"] == "That item is already done"
    read = officer.get(plan(case)).json
    assert [v["version"] for v in read["versions"]] == [1, 2, 3, 4]
    assert [v["agreed_with_resident"] for v in read["versions"]] == [True, False, False, False]
    assert read["items"][0]["done_at"] == london(NOW).isoformat()


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({**ITEM, "what": ""}, {"what": "Enter what will be done"}),
        ({**ITEM, "due_on": "2026-02-30"}, {"due_on": "Enter the date it is due by"}),
        ({**ITEM, "agreed_with_resident": "yes"}, {"agreed_with_resident": "must be true or false or null"}),
        ([1, 2], {"_payload": "must be a JSON object"}),
    ],
)
def test_an_item_that_cannot_be_kept_is_422(caller, body, errors):
    officer = caller("officer")
    case = report(officer=officer.staff)
    refused = officer.post(plan(case), body)
    assert refused.status_code == 422 and refused.json["errors"] == errors


def test_sending_a_copy_when_texts_are_not_safe_records_the_letter_and_refuses_the_text(caller):
    officer = caller("officer")
    case = report(officer=officer.staff)
    assert officer.post(f"{plan(case)}/send").status_code == 409, "nothing to send yet"
    officer.post(plan(case), ITEM)
    sent = officer.post(f"{plan(case)}/send")
    assert sent.status_code == 201
    assert (sent.json["sent_how"], sent.json["text_sent"]) == ("letter", False)
    assert sent.json["text_refused"] == "The resident has not said texts are safe. Phone them instead."
    assert db.session.scalars(select(OutboundMessage).where(OutboundMessage.purpose == "action_plan_copy")).all() == []
    letter = officer.get(sent.json["letter"])
    assert letter.status_code == 200 and letter.mimetype == "application/pdf"
    assert "Visit the neighbour" in PdfReader(BytesIO(letter.get_data())).pages[0].extract_text()


def test_where_texts_are_safe_sending_a_copy_texts_the_resident(caller):
    officer = caller("officer")
    case = report(officer=officer.staff, safe_to_text=True)
    officer.post(plan(case), ITEM)
    sent = officer.post(f"{plan(case)}/send")
    assert (sent.json["sent_how"], sent.json["text_sent"]) == ("letter_and_text", True)
    [text] = db.session.scalars(select(OutboundMessage).where(OutboundMessage.purpose == "action_plan_copy"))
    assert text.to_phone == RESIDENT and case.reference in text.body


@pytest.mark.parametrize(
    ("role", "read", "change"), [("contact_centre", 403, 403), ("admin", 200, 403), ("integration", 403, 404)]
)
def test_roles_that_read_or_change_a_plan(caller, role, read, change):
    someone = caller(role)
    case = report()
    assert someone.get(plan(case)).status_code == read
    assert someone.post(plan(case), ITEM).status_code == change


def test_an_officer_holding_a_task_reads_the_plan_but_does_not_change_it(caller):
    owner, helper = caller("officer"), caller("officer")
    case = report(officer=owner.staff)
    case.tasks[0].assignee_id = helper.staff.id
    db.session.commit()
    assert helper.get(plan(case)).status_code == 200
    assert helper.post(plan(case), ITEM).status_code == 403
    assert caller("officer").get(plan(case)).status_code == 404, "an officer with nothing on the case"


# -- witnesses -----------------------------------------------------------------------------------------------


def test_the_cases_officer_and_managers_record_and_read_witnesses(caller):
    officer, manager = caller("officer"), caller("manager")
    case = report(officer=officer.staff)
    added = officer.post(f"/api/v1/cases/{case.reference}/witnesses", WITNESS)
    assert added.status_code == 201 and added.json["name"] == "Zofia Nowak"
    [shown] = manager.get(f"/api/v1/cases/{case.reference}/witnesses").json["witnesses"]
    assert (shown["name"], shown["contact"], shown["consent_to_contact"]) == ("Zofia Nowak", "07700 900777", True)
    refused = officer.post(f"/api/v1/cases/{case.reference}/witnesses", {**WITNESS, "name": " "})
    assert refused.status_code == 422 and refused.json["errors"] == {"name": "Enter the witness's name"}


@pytest.mark.parametrize("role", ["contact_centre", "admin", "integration", "task_holder"])
def test_anyone_else_finds_no_witnesses_and_the_case_shows_none(caller, role):
    owner = caller("officer")
    case = report(officer=owner.staff)
    owner.post(f"/api/v1/cases/{case.reference}/witnesses", WITNESS)
    someone = caller("officer" if role == "task_holder" else role)
    if role == "task_holder":
        case.tasks[0].assignee_id = someone.staff.id
        db.session.commit()
    assert someone.get(f"/api/v1/cases/{case.reference}/witnesses").status_code == 404
    assert someone.post(f"/api/v1/cases/{case.reference}/witnesses", WITNESS).status_code == 404
    whole_case = someone.get(f"/api/v1/cases/{case.reference}")
    assert "Zofia" not in whole_case.get_data(as_text=True)
    recorded = [e.changes for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == "witness_added"))]
    assert len(recorded) == 1 and "Zofia" not in str(recorded) and "07700" not in str(recorded)


# -- interventions -------------------------------------------------------------------------------------------


def test_interventions_are_recorded_from_the_lists_and_read_with_the_case_review_flag(caller):
    officer = caller("officer")
    case = report(officer=officer.staff)
    url = f"/api/v1/cases/{case.reference}/interventions"
    used = officer.post(url, {"kind": "civil_injunction", "status": "used", "on": "2026-11-30", "note": "Granted"})
    assert used.status_code == 201 and used.json["category"] == "legal"
    meeting = officer.post(url, {"kind": "multi_agency_meeting", "on": "2026-11-28"})
    assert meeting.json["status"] == "attended"
    refused = officer.post(url, {"kind": "asbo", "status": "used", "on": "2026-11-30"})
    assert refused.status_code == 422 and refused.json["errors"] == {
        "kind": "Choose what was considered or used from the list"
    }
    read = officer.get(url).json
    assert [i["kind"] for i in read["interventions"]] == ["multi_agency_meeting", "civil_injunction"]
    assert read["case_review"] == {"reports_in_six_months": 1, "due": False, "requested_on": None}
    report(caller_phone=RESIDENT)
    db.session.add(Incident(case_id=case.id, received_at=london("2026-11-01 09:00"), channel="phone", phone=RESIDENT))
    db.session.commit()
    assert officer.get(url).json["case_review"] == {"reports_in_six_months": 3, "due": True, "requested_on": None}
    assert caller("contact_centre").get(url).status_code == 403
