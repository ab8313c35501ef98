"""The text line for a frightened, fast or opted-out resident (issue 8, text items)."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from app.casework.models import Case, Task, TextConversation
from app.clock import frozen_at, now
from app.extensions import db
from app.intake.texting import continue_conversation
from app.messaging.models import InboundMessage, OutboundMessage, PhoneOptOut
from app.staff.accounts import create_staff
from ivr_flows import text_flows
from tests.casework.test_fortnightly_updates import run_progress_updates
from tests.conftest import AUTH_TOKEN, OFFICER_A, PUBLIC_BASE_URL, RESIDENT, ClosingClient, london
from tests.phone import Texter
from tests.workers.test_confirmation_text import run_worker

UNKNOWN_TO_THE_NUMBERING_PLAN = "+447700900123"
FULL_ANSWERS = ["Coventry Road", "last night", "no", "yes", "no", "no", "1", "yes", "no", "yes"]


def the_case() -> Case:
    return db.session.scalars(select(Case)).one()


def start_report(texter) -> None:
    texter.send("REPORT")
    texter.send("A man shouted at my children outside the school gates")


def question_after_a_minute(app) -> None:
    with frozen_at(now() + timedelta(seconds=61)):
        app.test_cli_runner().invoke(args=["jobs", "run", "text-conversations"])


def test_yes_to_danger_now_gets_the_999_advice_in_the_same_reply_as_the_next_question(app, texter):
    start_report(texter)
    question_after_a_minute(app)
    texter.send("Soho Road")
    texter.send("just now")
    reply = texter.send("yes")
    assert reply.startswith("If you or anyone else is in danger now, call 999.") and "press 55" in reply
    assert reply.endswith("Has this happened to you or your household before? Reply YES or NO.")


def test_a_fast_texter_answering_every_question_is_never_cut_off(app, texter, at):
    """REPORT, the account in three texts, then every answer two seconds apart: never taken for a flood."""
    with at("2026-11-25 10:00:00"):
        texter.send("REPORT")
    with at("2026-11-25 10:00:05"):
        texter.send("They spat at me")
    with at("2026-11-25 10:00:08"):
        texter.send("and called me names")
    with at("2026-11-25 10:00:10"):
        texter.send("in front of my kids")
    start = london("2026-11-25 10:00:00")
    replies = []
    with at("2026-11-25 10:01:11"):
        question_after_a_minute(app)
    answers = [*FULL_ANSWERS[:2], "hmm", "??", *FULL_ANSWERS[2:]]  # danger now: twice not understood
    for position, answer in enumerate(answers, start=1):
        with frozen_at(start + timedelta(seconds=71 + 2 * position)):
            replies.append(texter.send(answer))
    assert all(replies), replies
    assert "Your reference is" in replies[-1]
    case = the_case()
    assert case.location == "Coventry Road" and case.risk_answers["danger_now"] is False and case.referral_consent
    assert db.session.scalars(select(Task).where(Task.kind == "text_flood")).all() == []


def test_texts_nobody_asked_for_still_hit_the_flood_limit(texter):
    for _ in range(11):
        texter.send("hello?")
    assert texter.send("hello?") is None
    assert db.session.scalars(select(Task).where(Task.kind == "text_flood")).one()


def test_stop_wins_over_the_flood_limit(texter):
    for _ in range(12):
        texter.send("hello?")
    assert texter.send("STOP") is None
    assert db.session.get(PhoneOptOut, RESIDENT).opted_out
    last = db.session.scalars(select(InboundMessage).order_by(InboundMessage.id.desc())).first()
    assert last.handled_as == "opt_out"


def test_help_wins_over_the_flood_limit(texter):
    for _ in range(12):
        texter.send("hello?")
    assert "999" in texter.send("HELP")


def test_a_text_from_a_number_the_numbering_plan_does_not_know_is_answered_and_kept(text_from):
    resident = text_from(UNKNOWN_TO_THE_NUMBERING_PLAN)
    assert "tell us what happened" in resident.send("REPORT")
    message = db.session.scalars(select(InboundMessage)).one()
    assert message.from_phone == UNKNOWN_TO_THE_NUMBERING_PLAN


def test_a_text_from_a_short_code_is_stored_and_not_answered(text_from):
    assert text_from("88020").send("Your parcel is on its way") is None
    message = db.session.scalars(select(InboundMessage)).one()
    assert message.from_raw == "88020" and message.from_phone is None and message.handled_as == "ignored"


def test_an_expired_conversation_is_due_from_the_first_text(app, texter, at):
    """First texted at 23:50 on Thursday, silent after: the case is due Friday 5pm, not a day later."""
    with at("2026-11-26 23:50"):
        start_report(texter)
    with at("2026-11-28 00:30"):
        app.test_cli_runner().invoke(args=["jobs", "run", "text-conversations"])
    task = db.session.scalars(select(Task)).one()
    assert task.due_at.isoformat() == "2026-11-27T17:00:00+00:00"


def test_every_case_hears_from_us_within_fourteen_days_of_reporting_even_with_no_officer(
    app, texter, redis, twilio_api, at
):
    """Nobody completed the callback and no officer exists: the update still comes, worded without a name."""
    with at("2026-11-11 14:00"):
        start_report(texter)
        question_after_a_minute(app)
    with at("2026-11-11 14:05"):
        for answer in FULL_ANSWERS:
            texter.send(answer)
    case = the_case()
    assert case.next_update_due.isoformat() == "2026-11-25T14:00:00+00:00"
    run_progress_updates(app, redis, at, "2026-11-25 10:00")
    [update] = [m["Body"] for m in twilio_api.sent if "an update on" in m["Body"]]
    assert case.reference in update and "An officer is working on it" in update


def test_a_task_made_while_no_officer_existed_is_assigned_once_one_does(app, texter, redis, twilio_api, at):
    with at("2026-11-25 10:00"):
        start_report(texter)
        question_after_a_minute(app)
        for answer in FULL_ANSWERS:
            texter.send(answer)
        run_worker(app, redis)
    task = db.session.scalars(select(Task)).one()
    assert task.assignee_id is None
    officer = create_staff(db.session, "new@example.org", "Nia Officer", "officer", mobile=OFFICER_A)
    with at("2026-11-25 10:05"):
        app.test_cli_runner().invoke(args=["jobs", "run", "reminders"])
        run_worker(app, redis)
    db.session.refresh(task)
    assert task.assignee_id == officer.id
    assert any(m["To"] == OFFICER_A and the_case().reference in m["Body"] for m in twilio_api.sent)


def test_a_task_nobody_can_take_is_raised_at_error_once(app, texter, redis, at, caplog):
    with at("2026-11-25 10:00"):
        start_report(texter)
        question_after_a_minute(app)
        for answer in FULL_ANSWERS:
            texter.send(answer)
    with at("2026-11-25 10:05"), caplog.at_level(logging.ERROR):
        first = app.test_cli_runner().invoke(args=["jobs", "run", "reminders"]).output
        second = app.test_cli_runner().invoke(args=["jobs", "run", "reminders"]).output
    assert "1 without one raised" in first and "0 without one raised" in second
    assert [r for r in caplog.records if r.levelno == logging.ERROR and "no officer" in r.getMessage()]
    assert "has no officer to take it" in app.test_cli_runner().invoke(args=["jobs", "failed"]).output


def test_the_next_question_is_sent_when_its_job_runs_a_moment_early(app, texter):
    """RQ's scheduler keeps due times in whole seconds, so the job may run just before the minute is up."""
    start_report(texter)
    conversation = db.session.scalars(select(TextConversation)).one()
    with frozen_at(conversation.collecting_until - timedelta(seconds=1)):
        assert continue_conversation(db.session, text_flows(), conversation.id)
    question = db.session.scalars(select(OutboundMessage).where(OutboundMessage.purpose == "question")).one()
    assert "Where did it happen" in question.body


def test_a_text_arriving_as_the_next_questions_job_runs_gets_that_question_once(app, texter):
    import threading

    start_report(texter)
    conversation = db.session.scalars(select(TextConversation)).one()
    app.test_client_class = ClosingClient
    late = Texter(app.test_client(), PUBLIC_BASE_URL, AUTH_TOKEN, from_number=RESIDENT)
    barrier = threading.Barrier(2)

    def job() -> None:
        with app.app_context():
            barrier.wait()
            continue_conversation(db.session, text_flows(), conversation.id)
            db.session.remove()

    def text() -> None:
        barrier.wait()
        late.send("and they spat at us")

    with frozen_at(conversation.collecting_until + timedelta(seconds=5)):
        threads = [threading.Thread(target=job), threading.Thread(target=text)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    db.session.expire_all()
    bodies = db.session.scalars(select(OutboundMessage.body)).all()
    assert sum("Where did it happen" in body for body in bodies) == 1, "the question once, by whichever went first"
    answers = db.session.get(TextConversation, conversation.id).answers
    assert any("and they spat at us" in str(value) for value in answers.values()), "the account, or the answer"


def test_report_from_an_opted_out_number_gets_no_text_but_an_officer_phones(texter, twilio_api):
    texter.send("STOP")
    assert texter.send("REPORT") is None
    case = the_case()
    task = db.session.scalars(select(Task)).one()
    assert case.channel == "sms" and case.incomplete_call and case.safe_to_text is False
    assert task.phone == RESIDENT and "do not text" in (task.note or "")
    assert twilio_api.sent == []


def test_a_description_from_an_opted_out_number_is_kept_for_the_officer(texter):
    texter.send("STOP")
    assert texter.send("My neighbour keeps putting notes through my door about my religion") is None
    assert "notes through my door" in (the_case().description or "")


def test_start_undoes_only_what_stop_did(texter, phone):
    from tests.telephony.test_report_call import report_everything

    report_everything(phone)
    staff_chose = the_case()
    staff_chose.contact_by_phone_only = True  # as an officer would, for a resident who asked
    db.session.commit()
    texter.send("REPORT")
    texter.send("STOP")  # leaves an incomplete case, made phone only by STOP
    texter.send("START")
    phone_only = {case.reference: case.contact_by_phone_only for case in db.session.scalars(select(Case))}
    assert len(phone_only) == 2
    assert phone_only.pop(staff_chose.reference) is True, "what staff chose stays"
    assert list(phone_only.values()) == [False], "what STOP did is undone"
