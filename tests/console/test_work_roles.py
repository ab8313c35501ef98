"""Who may use the task, reassignment, dashboard, recording and audit pages: every role against every page and
action, tasks and cases not theirs (404), tampered ids (404), forms without the session's CSRF token (400)."""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.casework.models import Recording, Task
from app.extensions import db
from tests.console.conftest import ROLES, csrf_token, heading, report

PAGES = (
    "/console/tasks/{task}/complete",
    "/console/tasks/{task}/reassign",
    "/console/cases/{reference}/officer",
    "/console/dashboard/overdue",
    "/console/cases/{reference}/recordings/{recording}",
    "/console/audit",
)
# What each role gets from each page above (on a case and task that are the officer's own): 200 shown, 403 not theirs.
ALLOWED = {
    "officer": (200, 403, 403, 403, 200, 403),
    "manager": (200, 200, 200, 200, 200, 200),
    "contact_centre": (403, 403, 403, 403, 403, 403),
    "admin": (403, 403, 403, 403, 200, 200),
}
ACTIONS = ("/console/tasks/{task}/complete", "/console/tasks/{task}/reassign", "/console/cases/{reference}/officer")


@pytest.fixture
def work(account, twilio_api):
    """An officer's case with an open callback and a recording Twilio holds; another officer to give work to."""

    def make(owner=None):
        other = account("officer", name="Ben Jones")
        case = report(officer=owner)
        sid = "RE" + secrets.token_hex(16)
        recording = Recording(recording_sid=sid, call_sid="CA" + "e" * 32, purpose="account", case_id=case.id)
        db.session.add(recording)
        db.session.commit()
        twilio_api.hold_recording(sid, b"ID3 audio")
        values = {"task": case.tasks[0].id, "reference": case.reference, "recording": recording.id}
        return values, other

    return make


def fields_for(path: str, other_id: int) -> dict[str, str]:
    return {"outcome": "wrong_number"} if path.endswith("complete") else {"officer": str(other_id)}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_these_pages_and_only_these(browser, signed_in, work, role):
    member = signed_in(role)
    values, _ = work(owner=member if role == "officer" else None)
    statuses = tuple(browser.get(path.format(**values)).status_code for path in PAGES)
    assert statuses == ALLOWED[role]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_do_only_its_actions_and_a_refused_one_changes_nothing(browser, signed_in, work, role):
    member = signed_in(role)
    values, other = work(owner=member if role == "officer" else None)
    token = csrf_token(browser.get("/console/search"))
    statuses = []
    for number, path in enumerate(ACTIONS):
        if number:  # each action on a fresh case, so the first one's change does not hide the next
            values, other = work(owner=member if role == "officer" else None)
        statuses.append(
            browser.post(path.format(**values), data={"csrf_token": token, **fields_for(path, other.id)}).status_code
        )
    expected = tuple(302 if allowed == 200 else allowed for allowed in ALLOWED[role][: len(ACTIONS)])
    assert tuple(statuses) == expected
    changes = db.session.scalars(select(AuditEvent).where(AuditEvent.action.not_like("console_%"))).all()
    assert len(changes) == expected.count(302), "an event for each change made, none for a refusal"


def test_an_officer_may_not_complete_a_colleagues_task_even_on_a_case_they_share(browser, signed_in, account):
    officer = signed_in("officer")
    colleague = account("officer")
    theirs = report(officer=colleague)
    shared = report(officer=colleague)
    shared.tasks.append(
        Task(kind="letter_or_visit", origin="test", due_at=shared.tasks[0].due_at, assignee_id=officer.id)
    )
    db.session.commit()
    token = csrf_token(browser.get("/console/search"))
    for task in (theirs.tasks[0], shared.tasks[0]):
        shown = browser.get(f"/console/tasks/{task.id}/complete")
        assert shown.status_code == 404 and heading(shown) == "Page not found"
        sent = browser.post(f"/console/tasks/{task.id}/complete", data={"csrf_token": token, "outcome": "no_answer"})
        assert sent.status_code == 404
    assert browser.get(f"/console/tasks/{shared.tasks[1].id}/complete").status_code == 200, "but their own task there"
    db.session.expire_all()
    assert db.session.get(Task, theirs.tasks[0].id).status == "open"


@pytest.mark.parametrize(
    "path",
    [
        "/console/tasks/999999/complete",
        "/console/tasks/abc/complete",
        "/console/tasks/-1/complete",
        "/console/tasks/2147483648/complete",
        "/console/tasks/99999999999999999999999/reassign",
        "/console/tasks/1.5/reassign",
        "/console/tasks//reassign",
        "/console/cases/HC-000000/officer",
        "/console/cases/HC-12345/officer",
        "/console/cases/..%2Fwork/officer",
        "/console/cases/%3Cscript%3E/officer",
    ],
)
def test_tampered_ids_are_404(browser, signed_in, path):
    signed_in("manager")
    report()
    shown = browser.get(path)
    assert shown.status_code == 404 and heading(shown) == "Page not found"
    token = csrf_token(browser.get("/console/search"))
    assert browser.post(path, data={"csrf_token": token, "outcome": "done", "officer": "1"}).status_code in (404, 405)


@pytest.mark.parametrize("path", ACTIONS)
@pytest.mark.parametrize("token", [None, "forged"])
def test_a_form_without_this_sessions_csrf_token_is_refused_and_changes_nothing(
    app, browser, signed_in, work, path, token
):
    signed_in("manager")
    values, other = work()
    elsewhere = app.test_client()
    stolen = csrf_token(elsewhere.get("/console/sign-in"))
    for sent_token in (token, stolen):
        data = fields_for(path, other.id) | ({"csrf_token": sent_token} if sent_token else {})
        refused = browser.post(path.format(**values), data=data)
        assert refused.status_code == 400 and heading(refused) == "Sorry, there is a problem with that form"
    db.session.expire_all()
    task = db.session.get(Task, values["task"])
    assert (task.status, task.assignee_id) == ("open", None)
    assert db.session.scalars(select(AuditEvent)).all() == []


@pytest.mark.parametrize("path", [*PAGES, "/console/dashboard"])
def test_signed_out_every_page_is_a_way_to_sign_in(browser, work, path):
    values, _ = work()
    shown = browser.get(path.format(**values))
    assert shown.status_code == 302 and shown.headers["Location"].startswith("/console/sign-in?next=")
