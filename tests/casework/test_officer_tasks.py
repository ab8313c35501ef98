"""Officers get their callback tasks, are reminded, and overdue work is escalated."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from rq import Queue
from sqlalchemy import select, text, update

from app.background.tasks import tell_untold_owners
from app.casework.models import Case, Task
from app.casework.report import Report
from app.casework.service import open_case
from app.casework.tasks import TaskError, complete
from app.clock import frozen_at, now
from app.extensions import db
from app.staff.accounts import WorkingPattern, create_staff, find_staff, issue_token
from tests.conftest import RESIDENT, at_once, london
from tests.workers.test_confirmation_text import run_worker

OFFICER_A, OFFICER_B, OFFICER_C, MANAGER, DUTY = (
    "+447900000001",
    "+447900000002",
    "+447900000003",
    "+447900000010",
    "+447900000011",
)


def report(
    location: str | None = None, danger: bool = False, safe_to_text: bool = True, kind: str = "hate_crime"
) -> Case:
    return open_case(
        db.session,
        Report(
            kind=kind,
            channel="web",
            caller_phone=RESIDENT,
            location=location,
            description="A detail nobody else may read",
            safe_to_text=safe_to_text,
            risk_answers={
                "danger_now": danger,
                "happened_before": False,
                "unsafe_at_home": False,
                "support_needs": False,
            },
        ),
        received_at=now(),
    )


def texts_to(twilio_api, number: str) -> list[str]:
    return [m["Body"] for m in twilio_api.sent if m["To"] == number]


def the_task(case: Case, kind: str = "risk_assessment_callback") -> Task:
    return db.session.scalars(
        select(Task).where(Task.case_id == case.id, Task.kind == kind).order_by(Task.id.desc())
    ).first()


def test_a_callback_goes_to_the_officer_whose_patch_covers_the_postcode(app, officers, redis, twilio_api, at):
    with at("2026-11-25 10:00"):
        case = report("Outside 14 Coventry Road, b10 0aa")
        run_worker(app, redis)
    task = the_task(case)
    assert task.assignee.email == "a@example.org" and task.notified_at is not None
    [text] = texts_to(twilio_api, OFFICER_A)
    assert case.reference in text and "risk standard" in text and "5pm on Thursday 26 November" in text
    assert "detail" not in text and RESIDENT not in text and "Coventry" not in text, "never the resident's details"


def test_otherwise_the_least_loaded_officer_on_duty_gets_it(app, officers, redis, twilio_api, at):
    with at("2026-11-25 10:00"):
        first = report()
        run_worker(app, redis)
        second = report()
        run_worker(app, redis)
    assert {the_task(first).assignee.email, the_task(second).assignee.email} == {"a@example.org", "b@example.org"}
    assert texts_to(twilio_api, OFFICER_C) == [], "not on duty on a Wednesday"


def test_at_the_weekend_the_officer_on_duty_gets_it(app, officers, redis, at):
    with at("2026-11-28 11:00"):  # a Saturday
        case = report()
        run_worker(app, redis)
    assert the_task(case).assignee.email == "c@example.org"


def test_a_patch_officer_who_is_off_until_after_the_deadline_is_passed_over(app, officers, redis, at):
    create_staff(
        db.session,
        "d@example.org",
        "Dev Part",
        "officer",
        patch=["B12"],
        pattern=WorkingPattern((0, 1, 2), "09:00", "17:00"),
    )
    with at("2026-11-26 10:00"):  # a Thursday: due 5pm Friday, and Dev works Monday to Wednesday
        thursday = report("Ladypool Road, B12 8JY")
    with at("2026-11-25 10:00"):
        wednesday = report("Ladypool Road, B12 8JY")
    assert the_task(thursday).assignee.email in {"a@example.org", "b@example.org"}
    assert the_task(wednesday).assignee.email == "d@example.org"


def test_high_risk_also_goes_to_the_duty_manager(app, officers, redis, twilio_api, at):
    with at("2026-11-25 10:00"):
        case = report(danger=True)
        run_worker(app, redis)
    [alert] = texts_to(twilio_api, DUTY)
    assert "High risk" in alert and case.reference in alert
    assert texts_to(twilio_api, MANAGER) == []


@pytest.mark.parametrize("how", ["refused by Twilio", "opted out"])
def test_a_high_risk_alert_that_reaches_no_duty_manager_is_raised_not_hidden(app, officers, redis, twilio_api, at, how):
    from app.casework.attention import needs_attention
    from app.messaging.opt_outs import set_opted_out

    if how == "opted out":  # the duty manager once replied STOP to the line's number
        set_opted_out(db.session, DUTY, True, "text_stop")
        db.session.commit()
    else:
        twilio_api.refuse(DUTY, 21614)  # not a mobile
    with at("2026-11-25 10:00"):
        case = report(danger=True)
        run_worker(app, redis)
    case = db.session.get(Case, case.id, populate_existing=True)
    assert case.duty_alert_failed_at is not None
    assert [(item.case_reference, item.problem) for item in needs_attention(db.session)] == [
        (case.reference, "high risk: no duty manager could be told")
    ]


def test_noon_reminder_then_escalation_to_the_manager_at_the_deadline(app, client, officers, redis, twilio_api, at):
    with at("2026-11-25 10:00"):
        case = report("B10 0AA")
        run_worker(app, redis)
    runner = app.test_cli_runner()
    with at("2026-11-26 11:59"):
        assert "0 reminded" in runner.invoke(args=["jobs", "run", "reminders"]).output
    with at("2026-11-26 12:01"):
        assert "1 reminded" in runner.invoke(args=["jobs", "run", "reminders"]).output
        assert "0 reminded" in runner.invoke(args=["jobs", "run", "reminders"]).output, "once only"
        run_worker(app, redis)
    assert any("Reminder" in t and case.reference in t for t in texts_to(twilio_api, OFFICER_A))
    with at("2026-11-26 17:00"):
        assert "1 escalated" in runner.invoke(args=["jobs", "run", "reminders"]).output
        run_worker(app, redis)
        [overdue] = texts_to(twilio_api, MANAGER)
        assert "Overdue" in overdue and "Asha Patel" in overdue
        create_staff(db.session, "admin@example.org", "Admin", "admin")
        token = issue_token(db.session, "admin@example.org")
        body = client.get(f"/api/v1/cases/{case.reference}", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["callback"]["status"] == "overdue"
    assert [m["to"] for m in body["messages"]] == [RESIDENT], "texts to staff are not the resident's timeline"
    assert body["tasks"][0] == {
        "id": the_task(case).id,
        "kind": "risk_assessment_callback",
        "status": "overdue",
        "due_at": "2026-11-26T17:00:00+00:00",
        "assignee": "Asha Patel",
        "attempt": 1,
        "outcome": None,
        "note": None,
    }


def test_two_reminder_runs_at_once_send_one_reminder(app, officers, redis, twilio_api, at):
    from app.background.sweeps import send_reminders

    with at("2026-11-25 10:00"):
        report("B10 0AA")
        run_worker(app, redis)
    with at("2026-11-26 12:30"):
        results = at_once(app, send_reminders)
        run_worker(app, redis)
    reminded = [part for r in results for part in r.split(", ") if part.endswith("reminded")]
    assert sorted(reminded) == ["0 reminded", "1 reminded"]
    assert sum("Reminder" in t for t in texts_to(twilio_api, OFFICER_A)) == 1


def test_no_answer_three_times_over_two_working_days_then_a_letter_or_visit(app, officers, redis, at):
    runner = app.test_cli_runner()
    with at("2026-11-27 10:00"):  # Friday
        case = report("B10 0AA")
        run_worker(app, redis)
        first = the_task(case)
    with at("2026-11-27 15:00"):
        out = runner.invoke(
            args=["tasks", "complete", str(first.id), "--outcome", "no_answer", "--by", "a@example.org"]
        ).output
    second = the_task(case)
    assert second.attempt == 2 and second.due_at == london("2026-11-30 12:00") and "next: task" in out
    with at("2026-11-30 11:00"):
        runner.invoke(args=["tasks", "complete", str(second.id), "--outcome", "no_answer"])
    third = the_task(case)
    assert third.attempt == 3 and third.due_at == london("2026-11-30 17:00") and third.assignee.email == "a@example.org"
    with at("2026-11-30 16:00"):
        runner.invoke(args=["tasks", "complete", str(third.id), "--outcome", "no_answer"])
    letter = the_task(case, "letter_or_visit")
    assert letter.due_at == london("2026-12-01 17:00") and letter.assignee.email == "a@example.org"


def test_speaking_to_the_resident_names_the_officer_and_starts_the_fortnightly_clock(app, officers, redis, at):
    with at("2026-11-25 10:00"):
        case = report("B10 0AA")
        run_worker(app, redis)
    with at("2026-11-25 14:00"):
        result = app.test_cli_runner().invoke(
            args=["tasks", "complete", str(the_task(case).id), "--outcome", "spoke_to_resident", "--risk", "high"]
        )
    assert result.exit_code == 0, result.output
    case = db.session.get(Case, case.id)
    assert case.officer.name == "Asha Patel" and case.risk_level == "high"
    assert case.next_update_due == london("2026-12-09 14:00")


def test_completing_twice_or_with_a_wrong_outcome_is_refused(app, officers, redis):
    case = report()
    task = the_task(case)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["tasks", "complete", str(task.id), "--outcome", "removed"]).exit_code != 0
    assert runner.invoke(args=["tasks", "complete", str(task.id), "--outcome", "spoke_to_resident"]).exit_code == 0
    again = runner.invoke(args=["tasks", "complete", str(task.id), "--outcome", "spoke_to_resident"])
    assert again.exit_code != 0 and "already" in again.output


def test_officers_complete_tasks_over_the_api(app, client, officers, redis):
    case = report()
    task = the_task(case)
    task.assignee_id = find_staff(db.session, "b@example.org").id  # an officer completes only their own tasks
    db.session.commit()
    officer_token = issue_token(db.session, "b@example.org")
    create_staff(db.session, "crm@example.org", "CRM", "integration")
    crm_token = issue_token(db.session, "crm@example.org")
    url = f"/api/v1/tasks/{task.id}/complete"
    assert (
        client.post(url, json={"outcome": "no_answer"}, headers={"Authorization": f"Bearer {crm_token}"}).status_code
        == 403
    )
    assert (
        client.post(url, json={"outcome": "nonsense"}, headers={"Authorization": f"Bearer {officer_token}"}).status_code
        == 422
    )
    done = client.post(url, json={"outcome": "no_answer"}, headers={"Authorization": f"Bearer {officer_token}"})
    assert done.status_code == 200 and done.get_json()["next_task"]["kind"] == "risk_assessment_callback"
    assert (
        client.post(
            "/api/v1/tasks/99999/complete",
            json={"outcome": "done"},
            headers={"Authorization": f"Bearer {officer_token}"},
        ).status_code
        == 404
    )


def test_a_manager_reassigns_and_the_new_officer_is_told(app, officers, redis, twilio_api, at):
    with at("2026-11-25 10:00"):
        case = report("B10 0AA")
        run_worker(app, redis)
        result = app.test_cli_runner().invoke(
            args=["tasks", "reassign", str(the_task(case).id), "--to", "b@example.org"]
        )
        assert result.exit_code == 0, result.output
        run_worker(app, redis)
    assert the_task(case).assignee.email == "b@example.org"
    assert any(case.reference in t for t in texts_to(twilio_api, OFFICER_B))


def test_a_task_whose_assignment_job_was_lost_is_assigned_by_the_sweep(app, officers, redis, twilio_api):
    case = report("B11 2BB")
    redis.flushdb()  # Redis lost the job
    with frozen_at(now() + timedelta(minutes=2)):
        assert "1 notified" in app.test_cli_runner().invoke(args=["jobs", "run", "reminders"]).output
        run_worker(app, redis)
    assert the_task(case).assignee.email == "a@example.org" and texts_to(twilio_api, OFFICER_A)


def test_a_burst_of_reports_waits_for_one_assign_job_that_tells_every_officer_once(
    app, officers, redis, twilio_api, at
):
    """Tasks added while an assign job waits join it, rather than each paying for a job of its own."""
    with at("2026-11-25 10:00"):
        cases = [report("B10 0AA") for _ in range(3)] + [report("B12 9XX") for _ in range(2)]
        queued = [job.id for job in Queue("default", connection=redis).get_jobs()]
        assert [job_id.split("-")[0] for job_id in queued] == ["assign", "send"], "one job to assign, one to send"
        run_worker(app, redis)
    told = texts_to(twilio_api, OFFICER_A) + texts_to(twilio_api, OFFICER_B) + texts_to(twilio_api, OFFICER_C)
    assert sorted(next(c.reference for c in cases if c.reference in text) for text in told) == sorted(
        c.reference for c in cases
    ), "each officer told of each of their tasks once"
    assert all(the_task(case).notified_at is not None for case in cases)
    assert [the_task(case).assignee.email for case in cases[:3]] == ["a@example.org"] * 3, "B10 is Asha's patch"


def test_an_assign_job_out_of_time_hands_the_rest_to_a_job_ahead_of_the_queue(app, officers, redis, twilio_api, at):
    with at("2026-11-25 10:00"):
        cases = [report("B10 0AA") for _ in range(3)]
        queue = Queue("default", connection=redis)
        queue.empty()
        waiting = queue.enqueue("app.background.registry.run_job", "outbox")
        assert tell_untold_owners(until=0.0) == 0, "no time left at all"
        carry_on, _ = queue.get_jobs()
        assert carry_on.id == f"assign-task-{the_task(cases[0]).id}-next"
        waiting.delete()
        run_worker(app, redis)
    assert len(texts_to(twilio_api, OFFICER_A)) == 3


@contextmanager
def database_refusing_to_update(task_id: int) -> Iterator[None]:
    """The database itself refuses any change to this one task (a trigger), as a broken row would."""
    if db.engine.dialect.name == "postgresql":
        statements = [
            "CREATE FUNCTION refuse_task() RETURNS trigger AS $$ BEGIN "
            f"IF OLD.id = {task_id} THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_task BEFORE UPDATE ON tasks FOR EACH ROW EXECUTE FUNCTION refuse_task()",
        ]
        undo = ["DROP TRIGGER refuse_task ON tasks", "DROP FUNCTION refuse_task()"]
    else:
        statements = [
            f"CREATE TRIGGER refuse_task BEFORE UPDATE ON tasks WHEN OLD.id = {task_id} "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END"
        ]
        undo = ["DROP TRIGGER refuse_task"]
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    try:
        yield
    finally:
        with db.engine.begin() as connection:
            for statement in undo:
                connection.execute(text(statement))


def test_a_task_whose_owner_cannot_be_told_is_passed_over_and_the_next_owner_is_told(
    app, officers, redis, twilio_api, at, caplog
):
    with at("2026-11-25 10:00"):
        stuck, fine = report("B10 0AA"), report("B10 0AA")
        stuck_id = the_task(stuck).id
        db.session.commit()
        with database_refusing_to_update(stuck_id), caplog.at_level(logging.ERROR):
            assert tell_untold_owners(until=time.monotonic() + 5) == 1, "the second task told; the first passed over"
        assert f"task {stuck_id}: its owner could not be told" in caplog.text
        assert the_task(fine).notified_at is not None and the_task(stuck).notified_at is None
        run_worker(app, redis)  # the stuck task's own job, now that the database takes it
    told = texts_to(twilio_api, OFFICER_A)
    assert [fine.reference in body for body in told] == [True, False] and stuck.reference in told[1]


def test_staff_create_takes_mobile_patch_manager_and_working_pattern(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["staff", "create", "boss@example.org", "--name", "Boss", "--role", "manager"])
    result = runner.invoke(
        args=[
            "staff",
            "create",
            "o@example.org",
            "--name",
            "O",
            "--role",
            "officer",
            "--mobile",
            "07911 123457",
            "--patch",
            "B10, b11",
            "--manager",
            "boss@example.org",
            "--days",
            "mon-wed,fri",
            "--hours",
            "08:00-16:00",
        ]
    )
    assert result.exit_code == 0, result.output
    officer = find_staff(db.session, "o@example.org")
    assert (
        officer.mobile == "+447911123457"
        and officer.patch == ["B10", "B11"]
        and officer.manager.email == "boss@example.org"
    )
    assert officer.working_days == [0, 1, 2, 4] and (officer.works_from, officer.works_until) == ("08:00", "16:00")
    bad = runner.invoke(args=["staff", "create", "x@example.org", "--name", "X", "--role", "officer", "--mobile", "12"])
    assert bad.exit_code != 0 and "mobile" in bad.output


def test_the_officer_is_told_when_the_resident_texts_their_case(app, officers, redis, twilio_api, texter, at):
    with at("2026-11-25 10:00"):
        case = report("B10 0AA")
        run_worker(app, redis)
        texter.send("They were outside again this morning")
        run_worker(app, redis)
    message_task = the_task(case, "resident_message")
    assert message_task.assignee.email == "a@example.org", "the owner of the callback"
    assert any("message to read" in t and case.reference in t for t in texts_to(twilio_api, OFFICER_A))
    assert not any("outside again" in t for t in texts_to(twilio_api, OFFICER_A)), "the officer reads it in the case"


def test_a_task_completed_by_someone_else_a_moment_ago_is_refused_not_doubled(app, officers, redis):
    """This session still sees the task open (as a second officer's request would); the database says done."""
    case = report()
    task = the_task(case)
    assert task.status == "open"
    with db.engine.begin() as other_request:
        other_request.execute(update(Task).where(Task.id == task.id).values(status="done", outcome="no_answer"))
    with pytest.raises(TaskError, match="already been completed"):
        complete(db.session(), task.id, "no_answer", None)
    follow_ups = db.session.scalars(select(Task).where(Task.case_id == case.id, Task.id != task.id)).all()
    assert follow_ups == [], "no second attempt made"


def test_each_completed_call_is_in_the_cases_contact_log_with_what_happened(app, officers, at):
    officer = find_staff(db.session, "a@example.org")
    with at("2026-11-27 10:00"):
        case = report("B10 0AA")
    with at("2026-11-27 15:00"):
        complete(db.session(), the_task(case).id, "no_answer", officer)
    with at("2026-11-30 11:00"):
        complete(db.session(), the_task(case).id, "spoke_to_resident", officer, risk_level="medium")
    log = [(entry.method, entry.outcome, entry.staff_id, entry.at) for entry in case.contact_log]
    assert log == [
        ("call", "no_answer", officer.id, london("2026-11-27 15:00")),
        ("call", "made_contact", officer.id, london("2026-11-30 11:00")),
    ]
    assert not any(entry.closure_discussion for entry in case.contact_log), "a callback is not a closure discussion"
