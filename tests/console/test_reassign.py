"""Managers give a task, or a whole case, to another officer: chosen from the active officers, told at once, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.casework.models import Case, Task
from app.extensions import db
from tests.console.conftest import csrf_token, error_summary, heading, page, report, text_of
from tests.workers.test_confirmation_text import run_worker

ASHA, BEN = "+447900000001", "+447900000002"


@pytest.fixture
def officers(account):
    """Two active officers with mobiles, and one who has left."""

    def officer(name: str, mobile: str | None, active: bool = True):
        member = account("officer", name=name)
        member.mobile, member.active = mobile, active
        db.session.commit()
        return member

    return officer("Asha Patel", ASHA), officer("Ben Jones", BEN), officer("Cal Gone", None, active=False)


def send(browser, path: str, **fields):
    return browser.post(path, data={"csrf_token": csrf_token(browser.get(path)), **fields})


def options(response) -> list[str]:
    return [text_of(option) for option in page(response).find("main").find("select").find_all("option")]


def texts_to(twilio_api, number: str) -> list[str]:
    return [m["Body"] for m in twilio_api.sent if m["To"] == number]


def reloaded(row):
    db.session.expire_all()
    return db.session.get(type(row), row.id)


def test_a_manager_gives_a_task_to_another_officer_who_is_told(app, browser, signed_in, officers, redis, twilio_api):
    signed_in("manager")
    asha, ben, _ = officers
    case = report(officer=asha)
    task = case.tasks[0]
    path = f"/console/tasks/{task.id}/reassign"
    shown = browser.get(path)
    assert heading(shown) == "Reassign a task"
    assert options(shown) == ["Choose an officer", "Ben Jones: 0 open tasks"], "active officers but the one it is with"
    sent = send(browser, path, officer=str(ben.id))
    assert sent.status_code == 302 and sent.headers["Location"] == f"/console/cases/{case.reference}"
    assert "Risk assessment callback on case" in text_of(page(browser.get(sent.headers["Location"])).find("main"))
    assert reloaded(task).assignee_id == ben.id and reloaded(case).officer_id == ben.id, "the case follows its callback"
    run_worker(app, redis)
    assert any(case.reference in body for body in texts_to(twilio_api, BEN)), "told through the usual notification"
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "task_reassigned")).all()
    assert event.case_id == case.id and event.changes[f"task {task.id} assignee_id"] == [asha.id, ben.id]
    assert event.changes["officer_id"] == [asha.id, ben.id]


def test_a_reassignment_goes_back_to_the_list_it_came_from_but_never_off_the_console(browser, signed_in, officers):
    signed_in("manager")
    _, ben, _ = officers
    task = report().tasks[0]
    back = send(browser, f"/console/tasks/{task.id}/reassign?next=/console/dashboard/unassigned", officer=str(ben.id))
    assert back.headers["Location"] == "/console/dashboard/unassigned"
    task = report().tasks[0]
    away = send(browser, f"/console/tasks/{task.id}/reassign?next=https://evil.example/", officer=str(ben.id))
    assert away.headers["Location"] == f"/console/cases/{task.case.reference}"


@pytest.mark.parametrize(
    ("choice", "error"),
    [
        ("", "Choose the officer to take over"),
        ("999999", "Choose an officer from the list"),
        ("not-a-number", "Choose an officer from the list"),
        ("left", "Choose an officer from the list"),
        ("manager", "Choose an officer from the list"),
        ("holder", "Choose an officer from the list"),
    ],
)
def test_an_officer_not_in_the_list_is_refused_and_nothing_changes(browser, signed_in, officers, choice, error):
    manager = signed_in("manager")
    asha, _, gone = officers
    task = report(officer=asha).tasks[0]
    picked = {"left": str(gone.id), "manager": str(manager.id), "holder": str(asha.id)}.get(choice, choice)
    refused = send(browser, f"/console/tasks/{task.id}/reassign", officer=picked)
    assert refused.status_code == 200 and error_summary(refused) == [error]
    assert page(refused).title.string.startswith("Error: Reassign a task")
    assert reloaded(task).assignee_id == asha.id
    assert db.session.scalars(select(AuditEvent)).all() == []


def test_a_graffiti_job_stays_with_the_cleansing_team(browser, signed_in, officers):
    signed_in("manager")
    _, ben, _ = officers
    task = report(kind="graffiti").tasks[0]
    shown = browser.get(f"/console/tasks/{task.id}/reassign")
    assert "cleansing team" in text_of(page(shown).find("main")) and page(shown).find("main").find("form") is None
    token = csrf_token(browser.get(f"/console/tasks/{task.id}/complete"))
    browser.post(f"/console/tasks/{task.id}/reassign", data={"csrf_token": token, "officer": str(ben.id)})
    assert reloaded(task).assignee_id is None


def test_a_completed_task_cannot_be_reassigned(browser, signed_in, officers):
    signed_in("manager")
    asha, ben, _ = officers
    task = report(officer=asha).tasks[0]
    task.status = "done"
    db.session.commit()
    assert heading(browser.get(f"/console/tasks/{task.id}/reassign")) == "This task is already complete"
    token = csrf_token(browser.get("/console/dashboard"))
    refused = browser.post(f"/console/tasks/{task.id}/reassign", data={"csrf_token": token, "officer": str(ben.id)})
    assert refused.status_code == 409 and reloaded(task).assignee_id == asha.id


def test_a_manager_gives_a_whole_case_to_another_officer(app, browser, signed_in, officers, redis, twilio_api):
    signed_in("manager")
    asha, ben, _ = officers
    case = report(officer=asha)
    callback = case.tasks[0]
    letter = Task(kind="letter_or_visit", origin="test", due_at=callback.due_at, assignee_id=asha.id)
    done = Task(kind="update_callback", origin="done", due_at=callback.due_at, assignee_id=asha.id, status="done")
    case.tasks += [letter, done]
    db.session.commit()
    path = f"/console/cases/{case.reference}/officer"
    shown = browser.get(path)
    assert heading(shown) == "Change the case's officer"
    assert options(shown) == ["Choose an officer", "Ben Jones: 0 open tasks"]
    sent = send(browser, path, officer=str(ben.id))
    assert sent.headers["Location"] == f"/console/cases/{case.reference}"
    after = text_of(page(browser.get(sent.headers["Location"])).find("main"))
    assert f"Ben Jones is now the officer for case {case.reference} and has been told about 2 open tasks." in after
    assert reloaded(case).officer_id == ben.id
    assert [reloaded(t).assignee_id for t in (callback, letter, done)] == [ben.id, ben.id, asha.id]
    run_worker(app, redis)
    assert len([body for body in texts_to(twilio_api, BEN) if case.reference in body]) == 2
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case_reassigned")).all()
    assert event.changes["officer_id"] == [asha.id, ben.id]
    assert event.changes[f"task {letter.id} assignee_id"] == [asha.id, ben.id]


def test_a_case_with_no_officer_yet_gets_one_and_its_graffiti_job_stays_with_cleansing(browser, signed_in, officers):
    signed_in("manager")
    _, ben, _ = officers
    case = report(kind="graffiti")
    sent = send(browser, f"/console/cases/{case.reference}/officer", officer=str(ben.id))
    assert sent.status_code == 302
    assert reloaded(case).officer_id == ben.id and reloaded(case.tasks[0]).assignee_id is None


def test_the_case_page_offers_managers_the_officer_change_and_reassigning(browser, signed_in, officers):
    signed_in("manager")
    asha, _, _ = officers
    case = report(officer=asha)
    links = [a["href"] for a in page(browser.get(f"/console/cases/{case.reference}")).find("main").find_all("a")]
    assert f"/console/cases/{case.reference}/officer" in links
    assert f"/console/tasks/{case.tasks[0].id}/reassign" in links
    assert f"/console/tasks/{case.tasks[0].id}/complete" in links


def test_an_unknown_officer_for_a_case_is_refused(browser, signed_in, officers):
    signed_in("manager")
    asha, _, gone = officers
    case: Case = report(officer=asha)
    refused = send(browser, f"/console/cases/{case.reference}/officer", officer=str(gone.id))
    assert error_summary(refused) == ["Choose an officer from the list"]
    assert reloaded(case).officer_id == asha.id


def test_with_no_other_active_officer_the_page_says_so(browser, signed_in, account):
    signed_in("manager")
    only = account("officer", name="Asha Patel")
    case = report(officer=only)
    for path in (f"/console/tasks/{case.tasks[0].id}/reassign", f"/console/cases/{case.reference}/officer"):
        shown = browser.get(path)
        assert "There is no other active officer to choose." in text_of(page(shown).find("main"))
        assert options(shown) == ["Choose an officer"]
