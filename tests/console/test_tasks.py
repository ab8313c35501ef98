"""Completing a task in the console: the outcome and the risk assessment, by the same rules as the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.casework.models import Case, Task
from app.extensions import db
from tests.console.conftest import (
    csrf_token,
    error_summary,
    heading,
    page,
    report,
    sign_in,
    table_rows,
    text_of,
)

SPOKE_HIGH = {"outcome": "spoke_to_resident", "risk_level": "high", "reasons": "Threatened again last night."}


def complete_form(browser, task: Task, **fields):
    """Read the task's form, then send it with these fields (and the form's own CSRF token)."""
    path = f"/console/tasks/{task.id}/complete"
    token = csrf_token(browser.get(path))
    return browser.post(path, data={"csrf_token": token, **fields})


def banner(response) -> str:
    return text_of(page(response).find(class_="govuk-notification-banner"))


def reloaded(task: Task) -> Task:
    db.session.expire_all()
    return db.session.get(Task, task.id)


def open_tasks(case: Case) -> list[Task]:
    db.session.expire_all()
    return list(db.session.scalars(select(Task).where(Task.case_id == case.id, Task.status == "open")))


def test_an_officer_records_speaking_to_the_resident_with_the_risk_level_and_why(browser, signed_in, at):
    officer = signed_in("officer", name="Asha Patel")
    with at("2026-11-30 10:00"):
        case = report(officer=officer)
        case.officer_id = None  # not yet named: the first contact names them
        db.session.commit()
        task = case.tasks[0]
        shown = browser.get(f"/console/tasks/{task.id}/complete")
        assert heading(shown) == "Complete a task"
        assert "07911 123456" in text_of(page(shown).find("main")), "the number to call"
        sent = complete_form(browser, task, **SPOKE_HIGH)
    assert sent.status_code == 302 and sent.headers["Location"] == f"/console/cases/{case.reference}"
    with at("2026-11-30 10:01"):
        after = browser.get(sent.headers["Location"])
    assert banner(after).endswith("Task completed: spoke to the resident. The case's risk level is now high.")
    done = reloaded(task)
    assert (done.status, done.outcome, done.completed_by_id) == ("done", "spoke_to_resident", officer.id)
    assert "Risk assessed as high: Threatened again last night." in done.note
    assert done.case.risk_level == "high" and done.case.officer_id == officer.id, "the first contact names the officer"
    assert done.case.next_update_due == done.completed_at + timedelta(days=14), "the fortnightly clock starts again"


def test_the_completion_and_its_audit_event_are_one_commit_with_old_and_new_values(browser, signed_in, at):
    officer = signed_in("officer")
    with at("2026-11-30 10:00"):
        case = report(officer=officer)
        complete_form(browser, case.tasks[0], **SPOKE_HIGH, note="Spoke at length.")
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "task_completed")).all()
    task = reloaded(case.tasks[0])
    assert (event.staff_id, event.role, event.case_id) == (officer.id, "officer", case.id)
    assert event.at == task.completed_at, "written with the change, at the same instant"
    assert event.changes[f"task {task.id} status"] == ["open", "done"]
    assert event.changes[f"task {task.id} outcome"] == [None, "spoke_to_resident"]
    assert event.changes["risk_level"] == ["medium", "high"]


def test_no_answer_sets_the_next_attempt_and_after_the_third_a_letter_or_visit(browser, account, at):
    officer = account("officer")
    with at("2026-11-30 10:00"):  # a Monday
        sign_in(browser, officer.email)
        case = report(officer=officer)
        first = complete_form(browser, case.tasks[0], outcome="no_answer", risk_level="high", reasons="ignored")
        assert "Attempt 2 is due by Tue 1 Dec 2026 at 12pm." in banner(browser.get(first.headers["Location"]))
    assert reloaded(case.tasks[0]).case.risk_level == "medium", "no risk level without speaking to the resident"
    with at("2026-12-01 11:00"):
        browser.get("/console/")  # the next day: yesterday's session has ended
        sign_in(browser, officer.email)
        [second] = open_tasks(case)
        shown = browser.get(f"/console/tasks/{second.id}/complete")
        assert "Attempt 3 of 3 will be due by Tue 1 Dec 2026 at 5pm" in text_of(page(shown).find("main"))
        complete_form(browser, second, outcome="no_answer")
    with at("2026-12-01 16:00"):
        browser.get("/console/")
        sign_in(browser, officer.email)
        [third] = open_tasks(case)
        assert third.attempt == 3
        complete_form(browser, third, outcome="no_answer")
    [letter] = open_tasks(case)
    assert letter.kind == "letter_or_visit" and letter.assignee_id == officer.id


def test_a_wrong_number_sets_a_letter_or_visit_at_once(browser, signed_in, at):
    officer = signed_in("officer")
    with at("2026-11-30 10:00"):
        case = report(officer=officer)
        sent = complete_form(browser, case.tasks[0], outcome="wrong_number")
        assert "Letter or visit is due by Tue 1 Dec 2026 at 5pm." in banner(browser.get(sent.headers["Location"]))
    assert [task.kind for task in open_tasks(case)] == ["letter_or_visit"]


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({}, ["Select what happened"]),
        ({"outcome": ""}, ["Select what happened"]),
        ({"outcome": "removed"}, ["Select what happened from the list"]),
        ({"outcome": "arrested"}, ["Select what happened from the list"]),
        (
            {"outcome": "spoke_to_resident"},
            ["Select the risk level you assessed", "Enter why you chose this risk level"],
        ),
        ({**SPOKE_HIGH, "risk_level": "extreme"}, ["Select standard, medium or high"]),
        ({**SPOKE_HIGH, "reasons": "   "}, ["Enter why you chose this risk level"]),
        ({**SPOKE_HIGH, "reasons": "x" * 2001}, ["Reasons must be 2000 characters or fewer"]),
        ({"outcome": "no_answer", "note": "x" * 2001}, ["Notes must be 2000 characters or fewer"]),
    ],
)
def test_a_form_that_cannot_be_used_is_explained_and_changes_nothing(browser, signed_in, fields, errors):
    officer = signed_in("officer")
    case = report(officer=officer)
    refused = complete_form(browser, case.tasks[0], **fields)
    assert refused.status_code == 200 and error_summary(refused) == errors
    assert page(refused).title.string.startswith("Error: Complete a task")
    assert reloaded(case.tasks[0]).status == "open"
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "task_completed")).all() == []


def test_a_graffiti_job_is_removed_or_not_found_with_no_risk_assessment(browser, signed_in):
    signed_in("manager")
    case = report(kind="graffiti")
    shown = browser.get(f"/console/tasks/{case.tasks[0].id}/complete")
    choices = [text_of(label) for label in page(shown).find("main").find("form").find_all("label")]
    assert choices == ["Graffiti removed", "Graffiti not found", "Notes (optional)"]
    assert complete_form(browser, case.tasks[0], outcome="removed").status_code == 302
    assert reloaded(case.tasks[0]).outcome == "removed"


def test_a_task_already_completed_says_so_and_changes_nothing(browser, signed_in, account):
    manager = signed_in("manager", name="Mo Manager")
    case = report(officer=account("officer"))
    task = case.tasks[0]
    path = f"/console/tasks/{task.id}/complete"
    token = csrf_token(browser.get(path))
    assert browser.post(path, data={"csrf_token": token, "outcome": "wrong_number"}).status_code == 302
    again = browser.post(path, data={"csrf_token": token, "outcome": "spoke_to_resident", **SPOKE_HIGH})
    assert again.status_code == 409 and heading(again) == "This task is already complete"
    assert "Mo Manager" in text_of(page(again).find("main")) and "Wrong number" in text_of(page(again).find("main"))
    shown = browser.get(path)
    assert shown.status_code == 200 and heading(shown) == "This task is already complete"
    assert page(shown).find("main").find("form") is None
    assert reloaded(task).outcome == "wrong_number" and reloaded(task).completed_by_id == manager.id


def test_the_case_page_and_my_work_link_to_completing_only_the_tasks_one_may_complete(browser, signed_in, account):
    officer = signed_in("officer")
    mine = report(officer=officer)
    shared = report(officer=account("officer"))
    extra = Task(kind="letter_or_visit", origin="test", due_at=shared.tasks[0].due_at, assignee_id=officer.id)
    shared.tasks.append(extra)
    db.session.commit()
    case_page = page(browser.get(f"/console/cases/{shared.reference}"))
    links = [a["href"] for a in case_page.find_all("a") if "/console/tasks/" in a["href"]]
    assert links == [f"/console/tasks/{extra.id}/complete"], "not a colleague's task, and no reassigning"
    rows = table_rows(browser.get("/console/work"))
    assert sorted(row[0] for row in rows) == sorted([mine.reference, shared.reference])
    assert all(row[-1] == f"Complete the task for {row[0]}" for row in rows)


def test_the_outcomes_say_what_each_sets_in_motion(browser, signed_in):
    officer = signed_in("officer")
    task = report(officer=officer).tasks[0]
    fieldset = page(browser.get(f"/console/tasks/{task.id}/complete")).find("main").find("fieldset")
    assert fieldset.get("aria-describedby") is None, "no empty hint for the question itself"
    hints = [text_of(hint) for hint in fieldset.find_all(class_="govuk-radios__hint")]
    assert hints[0] == "Restarts the 14-day clock for the resident's next update"
    assert hints[1].startswith("Attempt 2 of 3 will be due by") and hints[2] == "A letter or visit will be due next"
