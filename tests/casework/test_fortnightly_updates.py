"""Every open case hears from us at least every two weeks, by the method agreed, never twice for one due date."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.casework.models import Case, ProgressContact, Task
from app.casework.oversight import dashboard_counts
from app.extensions import db
from app.messaging.models import OutboundMessage, PhoneOptOut
from app.staff.accounts import create_staff, issue_token
from tests.casework.test_officer_tasks import report, texts_to, the_task
from tests.conftest import RESIDENT, at_once, london
from tests.workers.test_confirmation_text import run_worker


def contacted_case(app, redis, at, safe_to_text: bool = True, spoke_at: str = "2026-11-11 14:00") -> Case:
    """A case whose officer spoke to the resident at `spoke_at`: the next update is due 14 days later."""
    with at(spoke_at):
        case = report("B10 0AA", safe_to_text=safe_to_text)
        run_worker(app, redis)
        app.test_cli_runner().invoke(
            args=["tasks", "complete", str(the_task(case).id), "--outcome", "spoke_to_resident"]
        )
    return db.session.get(Case, case.id)


def run_progress_updates(app, redis, at, when: str) -> str:
    """`flask jobs run progress-updates --as-of WHEN`, then the worker (the job knows when it was chosen)."""
    output = (
        app.test_cli_runner()
        .invoke(args=["jobs", "run", "progress-updates", "--as-of", london(when).isoformat()])
        .output
    )
    with at(when):
        run_worker(app, redis)
    return output


def progress_texts(twilio_api) -> list[str]:
    return [b for b in texts_to(twilio_api, RESIDENT) if "an update on" in b]


def test_the_update_text_names_the_officer_and_resets_the_clock(app, officers, redis, twilio_api, at):
    case = contacted_case(app, redis, at)
    assert case.next_update_due == london("2026-11-25 14:00")
    assert "progress-updates: 0" in run_progress_updates(app, redis, at, "2026-11-24 10:00")  # due after tomorrow's run
    assert "progress-updates: 0" in run_progress_updates(app, redis, at, "2026-11-25 09:59")
    run_progress_updates(app, redis, at, "2026-11-25 10:00")  # due at 14:00 today: sent at the morning run
    [text] = progress_texts(twilio_api)
    assert case.reference in text and "Asha Patel" in text and "0121 464 7269" in text and "999" in text
    assert "detail" not in text and "hate" not in text.lower()
    assert db.session.get(Case, case.id).next_update_due == london("2026-12-09 10:00")


def test_not_contacted_twice_for_the_same_due_date(app, officers, redis, twilio_api, at):
    contacted_case(app, redis, at)
    for when in ("2026-11-25 10:00", "2026-11-25 10:15", "2026-11-25 13:00"):
        run_progress_updates(app, redis, at, when)
    assert len(progress_texts(twilio_api)) == 1


def test_two_schedulers_running_at_once_send_one_update(app, officers, redis, twilio_api, at):
    from app.background.sweeps import queue_progress_updates
    from app.background.tasks import contact_for_update

    case = contacted_case(app, redis, at)
    chosen_at = london("2026-11-25 10:00").isoformat()
    with at("2026-11-25 10:00"):
        assert sorted(at_once(app, queue_progress_updates)) == [0, 1], "the same job id: queued once"
        redis.flushdb()  # and if both had been queued (different runs), both jobs would run:
        outcomes = at_once(app, lambda: contact_for_update(case.id, chosen_at))
        run_worker(app, redis)
    assert sorted(outcomes) == ["already contacted", "text"]
    assert len(progress_texts(twilio_api)) == 1
    assert len(db.session.scalars(select(ProgressContact)).all()) == 1


def test_where_texts_are_not_safe_the_officer_gets_a_progress_call_task(app, officers, redis, twilio_api, at):
    case = contacted_case(app, redis, at, safe_to_text=False)
    run_progress_updates(app, redis, at, "2026-11-25 10:00")
    run_progress_updates(app, redis, at, "2026-11-26 10:00")
    assert progress_texts(twilio_api) == []
    [call] = db.session.scalars(select(Task).where(Task.kind == "progress_call")).all()
    assert call.case_id == case.id and call.assignee.email == "a@example.org"
    assert call.due_at == london("2026-11-25 17:00"), "due on the promised day, not the working day after it"


def test_a_progress_call_due_at_the_weekend_is_due_on_the_friday_before(app, officers, redis, twilio_api, at):
    contacted_case(app, redis, at, safe_to_text=False, spoke_at="2026-11-14 11:00")  # due Saturday 28 November
    run_progress_updates(app, redis, at, "2026-11-27 10:00")
    call = db.session.scalars(select(Task).where(Task.kind == "progress_call")).one()
    assert call.due_at == london("2026-11-27 17:00")


def complete_as(app, task: Task, outcome: str, when: str, at) -> None:
    with at(when):
        result = app.test_cli_runner().invoke(args=["tasks", "complete", str(task.id), "--outcome", outcome])
    assert result.exit_code == 0, result.output


def no_contact(when: str) -> int:
    return dashboard_counts(db.session(), london(when))["no-contact"]


def test_a_phone_only_resident_nobody_reaches_gets_a_new_round_every_fortnight(app, officers, redis, twilio_api, at):
    case = contacted_case(app, redis, at, safe_to_text=False)  # due Wednesday 25 November, 14:00
    run_progress_updates(app, redis, at, "2026-11-25 10:00")
    for attempt, when in enumerate(("2026-11-25 15:00", "2026-11-26 11:00", "2026-11-26 16:00"), start=1):
        call = the_task(case, "progress_call")
        assert call.attempt == attempt
        complete_as(app, call, "no_answer", when, at)
    complete_as(app, the_task(case, "letter_or_visit"), "done", "2026-11-27 12:00", at)
    assert no_contact("2026-11-30 09:00") == 1, "still not reached: the managers see it"

    run_progress_updates(app, redis, at, "2026-12-09 10:00")  # a fortnight after the missed round
    second = the_task(case, "progress_call")
    assert second.status == "open" and second.origin == "progress:2026-12-09"
    assert second.due_at == london("2026-12-09 17:00") and second.assignee.email == "a@example.org"
    run_progress_updates(app, redis, at, "2026-12-10 10:00")
    assert len(db.session.scalars(select(Task).where(Task.kind == "progress_call", Task.status == "open")).all()) == 1

    complete_as(app, second, "spoke_to_resident", "2026-12-09 15:00", at)
    assert no_contact("2026-12-10 09:00") == 0
    assert db.session.get(Case, case.id).next_update_due == london("2026-12-23 15:00")


def test_no_new_round_beside_a_task_still_trying_to_reach_them(app, officers, redis, twilio_api, at):
    case = contacted_case(app, redis, at, safe_to_text=False)
    run_progress_updates(app, redis, at, "2026-11-25 10:00")
    complete_as(app, the_task(case, "progress_call"), "wrong_number", "2026-11-25 15:00", at)  # a letter or visit next
    run_progress_updates(app, redis, at, "2026-12-09 10:00")
    assert db.session.scalars(select(Task.kind).where(Task.case_id == case.id, Task.status == "open")).all() == [
        "letter_or_visit"
    ]


def test_a_round_that_falls_due_while_a_task_is_trying_to_reach_them_is_still_counted(
    app, officers, redis, twilio_api, at
):
    """Nobody has reached them yet: the round fell due all the same (the monthly report counts it)."""
    with at("2026-11-02 10:00"):
        case = report("B10 0AA", safe_to_text=False)  # the callback is still open two weeks later
    run_progress_updates(app, redis, at, "2026-11-16 10:00")
    rounds = db.session.scalars(select(ProgressContact).where(ProgressContact.case_id == case.id)).all()
    assert [(r.due_at, r.method) for r in rounds] == [(london("2026-11-16 10:00"), "already_trying")]
    assert db.session.scalars(select(Task.kind).where(Task.case_id == case.id)).all() == ["risk_assessment_callback"]


@pytest.mark.parametrize(
    ("method", "task", "note"), [("phone", "progress_call", None), ("letter", "letter_or_visit", "write to")]
)
def test_the_update_goes_by_the_method_agreed_with_the_resident(
    app, officers, redis, twilio_api, at, method, task, note
):
    """Texts are safe, but the resident agreed another way: 'a communication method that you both agree on'."""
    case = contacted_case(app, redis, at)
    case.contact_method = method
    db.session.commit()
    run_progress_updates(app, redis, at, "2026-11-25 10:00")
    assert progress_texts(twilio_api) == []
    [raised] = db.session.scalars(select(Task).where(Task.case_id == case.id, Task.status == "open")).all()
    assert raised.kind == task and (note is None or note in raised.note)


def test_an_update_chosen_in_the_morning_but_sent_by_a_worker_at_night_waits_for_the_morning(
    app, officers, redis, twilio_api, at
):
    """The worker was down from the 10:00 run until 3am: the text waits for 8am, not the middle of the night."""
    from app.background.sweeps import sweep_outbox

    contacted_case(app, redis, at)
    app.test_cli_runner().invoke(
        args=["jobs", "run", "progress-updates", "--as-of", london("2026-11-25 10:00").isoformat()]
    )
    with at("2026-11-26 03:00"):
        run_worker(app, redis)
    assert progress_texts(twilio_api) == []
    with at("2026-11-26 08:00"):
        sweep_outbox()
        run_worker(app, redis)
    [text] = progress_texts(twilio_api)
    assert "an update on" in text


def test_an_opted_out_resident_gets_a_call_task_not_a_text(app, officers, redis, twilio_api, at):
    contacted_case(app, redis, at)
    db.session.add(PhoneOptOut(phone=RESIDENT, opted_out=True, source="text_stop"))
    db.session.commit()
    run_progress_updates(app, redis, at, "2026-11-25 10:00")
    assert progress_texts(twilio_api) == []
    assert db.session.scalars(select(Task).where(Task.kind == "progress_call")).one()


def test_due_at_the_weekend_is_sent_on_the_friday_before(app, officers, redis, twilio_api, at):
    contacted_case(app, redis, at, spoke_at="2026-11-14 11:00")  # a Saturday call: due Saturday 28 November
    run_progress_updates(app, redis, at, "2026-11-26 10:00")
    assert progress_texts(twilio_api) == []
    run_progress_updates(app, redis, at, "2026-11-27 10:00")
    assert len(progress_texts(twilio_api)) == 1


def test_nothing_runs_on_a_bank_holiday_and_the_day_before_covers_it(app, officers, redis, twilio_api, at):
    contacted_case(app, redis, at, spoke_at="2026-12-15 12:00")  # due Tuesday 29 December, after Christmas
    assert "progress-updates: 0" in run_progress_updates(app, redis, at, "2026-12-28 10:30")  # Boxing Day substitute
    run_progress_updates(app, redis, at, "2026-12-24 10:00")  # Thursday: the next run is Tuesday 29th at 10:00
    assert progress_texts(twilio_api) == []
    run_progress_updates(app, redis, at, "2026-12-29 10:00")
    assert len(progress_texts(twilio_api)) == 1


def test_an_officer_can_send_an_update_sooner_which_resets_the_clock(app, client, officers, redis, twilio_api, at):
    case = contacted_case(app, redis, at)
    token = issue_token(db.session, "a@example.org")
    with at("2026-11-18 09:00"):
        reply = client.post(f"/api/v1/cases/{case.reference}/updates", headers={"Authorization": f"Bearer {token}"})
        run_worker(app, redis)
    assert reply.status_code == 201 and reply.get_json()["next_update_due"] == "2026-12-02T09:00:00+00:00"
    assert len(progress_texts(twilio_api)) == 1
    run_progress_updates(app, redis, at, "2026-11-25 10:00")
    assert len(progress_texts(twilio_api)) == 1, "the clock was reset"


def test_a_permanently_failed_update_text_becomes_a_phone_task(app, officers, redis, twilio_api, at):
    contacted_case(app, redis, at)
    twilio_api.refuse(RESIDENT, 21211)  # invalid number
    run_progress_updates(app, redis, at, "2026-11-25 10:00")
    failed = db.session.scalars(select(OutboundMessage).where(OutboundMessage.purpose == "progress_update")).one()
    assert failed.status == "failed" and failed.error_code == "21211"
    task = db.session.scalars(select(Task).where(Task.kind == "progress_call")).one()
    assert "21211" in task.note


def test_graffiti_goes_to_the_cleansing_team_and_the_reporter_hears_when_it_is_gone(make_app, redis, twilio_api, at):
    cleansing_app = make_app(CLEANSING_TEAM_MOBILE="+447900000020", CLEANSING_MANAGER_MOBILE="+447900000021")
    with cleansing_app.app_context():
        with at("2026-11-25 10:00"):
            case = report("Bus shelter, Soho Road B21 9AA", kind="graffiti")
            run_worker(cleansing_app, redis)
        [job] = texts_to(twilio_api, "+447900000020")
        assert case.reference in job and "graffiti removal" in job
        with at("2026-11-26 17:00"):
            cleansing_app.test_cli_runner().invoke(args=["jobs", "run", "reminders"])
            run_worker(cleansing_app, redis)
        assert any("Overdue" in t for t in texts_to(twilio_api, "+447900000021"))
        task = the_task(case, "graffiti_removal")
        with at("2026-11-26 17:30"):
            cleansing_app.test_cli_runner().invoke(args=["tasks", "complete", str(task.id), "--outcome", "removed"])
            run_worker(cleansing_app, redis)
        assert any("has been removed" in t for t in texts_to(twilio_api, RESIDENT))
    run_progress_updates(cleansing_app, redis, at, "2026-12-09 10:00")  # a fortnight on from the report
    assert progress_texts(twilio_api) == [], "nothing more to tell them: no 'we are working on it' for ever"


def test_jobs_failed_names_the_case(app, officers, redis, twilio_api, at):
    twilio_api.fail_next(503)
    case = contacted_case(app, redis, at)  # the confirmation text fails once
    output = app.test_cli_runner().invoke(args=["jobs", "failed"]).output
    assert "send-text" in output and case.reference in output


def test_the_api_shows_the_officer_and_next_update(app, client, officers, redis, at):
    case = contacted_case(app, redis, at)
    create_staff(db.session, "admin@example.org", "Admin", "admin")
    token = issue_token(db.session, "admin@example.org")
    body = client.get(f"/api/v1/cases/{case.reference}", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["officer"] == {"name": "Asha Patel"} and body["next_update_due"] == "2026-11-25T14:00:00+00:00"
    assert body["tasks"][0]["status"] == "done" and body["tasks"][0]["outcome"] == "spoke_to_resident"


def test_a_reply_to_the_fortnightly_update_lands_on_that_case(app, officers, redis, twilio_api, at, texter):
    from app.messaging.models import InboundMessage

    older = contacted_case(app, redis, at, spoke_at="2026-11-11 14:00")
    contacted_case(app, redis, at, spoke_at="2026-11-18 14:00")  # a newer case, not due yet
    run_progress_updates(app, redis, at, "2026-11-25 10:00")
    [update] = progress_texts(twilio_api)
    assert older.reference in update
    with at("2026-11-25 11:00"):
        reply = texter.send("Thanks. It has got worse since, they were at my door again")
    assert older.reference in reply
    assert db.session.scalars(select(InboundMessage)).one().case_id == older.id
