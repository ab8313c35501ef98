"""Reporting by text, as a resident who has never read any instructions would."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.casework.models import Case, Task, TextConversation
from app.clock import frozen_at, now
from app.extensions import db
from app.messaging.models import InboundMessage, OutboundMessage
from tests.conftest import RESIDENT
from tests.workers.test_confirmation_text import run_worker


def after_a_minute(app, redis=None) -> None:
    """The resident has stopped typing; a minute on, the job texts the next question (the worker sends it)."""
    with frozen_at(now() + timedelta(seconds=61)):
        result = app.test_cli_runner().invoke(args=["jobs", "run", "text-conversations"])
        assert result.exit_code == 0, result.output
        if redis is not None:
            run_worker(app, redis)


def the_case() -> Case:
    return db.session.scalars(select(Case)).one()


def answer_the_questions(texter, answers):
    """One answer every 20 seconds, as a resident reading and typing would."""
    start = now()
    replies = []
    for position, answer in enumerate(answers, start=1):
        with frozen_at(start + timedelta(seconds=20 * position)):
            replies.append(texter.send(answer))
    return replies


TEXT_ANSWERS = (
    "Outside the shop on Coventry Road",
    "yesterday about 9pm",
    "no",
    "Yes!",
    " n ",
    "YEAH",
    "1",
    "y",
    "nope",
    "yes",  # the last question: may we pass on their details
)


def report_by_text(app, texter, redis, twilio_api, answers=TEXT_ANSWERS):
    assert "tell us what happened" in texter.send("REPORT")
    assert "next question in a minute" in texter.send("Two men shouted abuse at me and my son")
    assert texter.send("then they kicked our door") is None, "joined to the account, no reply"
    after_a_minute(app, redis)
    assert "Where did it happen" in twilio_api.sent[-1]["Body"]
    return answer_the_questions(texter, answers)


def test_a_whole_report_by_text_ends_with_a_reference_and_deadline(app, texter, redis, twilio_api, at):
    with at("2026-11-27 18:30"):
        replies = report_by_text(app, texter, redis, twilio_api)
    case = the_case()
    assert case.channel == "sms" and case.caller_phone == RESIDENT == case.callback_phone
    assert case.description == "Two men shouted abuse at me and my son\nthen they kicked our door"
    assert case.location == "Outside the shop on Coventry Road" and case.occurred == "yesterday about 9pm"
    assert case.risk_answers == {
        "danger_now": False,
        "happened_before": True,
        "unsafe_at_home": False,
        "support_needs": True,
    }
    assert case.risk_level == "medium" and case.strands == ["race"]
    assert case.safe_to_text is True and case.visit_requested is False and not case.incomplete_call
    assert case.referral_consent is True, "asked by text as on the phone"
    assert case.reference in replies[-1] and "by 5pm on Monday 30 November" in replies[-1] and "999" in replies[-1]
    task = db.session.scalars(select(Task)).one()
    assert task.kind == "risk_assessment_callback" and task.due_at.isoformat() == "2026-11-30T17:00:00+00:00"
    assert all(len(r) <= 306 for r in replies), "each reply within two segments"
    assert (
        db.session.scalars(select(OutboundMessage).where(OutboundMessage.purpose == "report_confirmation")).all() == []
    )


def test_each_question_is_one_short_text(app, texter, redis, twilio_api):
    replies = report_by_text(app, texter, redis, twilio_api)
    for reply in replies[:-1]:
        assert reply.count("?") == 1, reply
    assert not any("hate crime" in r.lower() for r in replies if r)


def test_an_answer_not_understood_is_asked_again_twice_then_left_unknown(app, texter, redis, twilio_api):
    texter.send("REPORT")
    texter.send("Someone sprayed words on my car")
    after_a_minute(app)
    texter.send("Lozells Road")
    texter.send("this morning")
    first = texter.send("maybe")
    assert "didn't understand" in first and "YES or NO" in first and "danger" in first
    assert "YES or NO" in texter.send("dunno")
    moved_on = texter.send("???")
    assert "happened to you or your household before" in moved_on
    conversation = db.session.scalars(select(TextConversation)).one()
    assert conversation.answers["danger_now"] is None


def test_a_long_first_text_is_taken_as_the_account_straight_away(app, texter):
    reply = texter.send("A group of lads keep shouting at my wife about her headscarf when she walks to the bus stop")
    assert "next question in a minute" in reply
    conversation = db.session.scalars(select(TextConversation)).one()
    assert conversation.flow == "report" and conversation.answers["description"].startswith("A group of lads")


def test_a_short_first_text_gets_the_999_advice_and_the_options(texter):
    reply = texter.send("hello")
    assert "999" in reply and "REPORT" in reply and "GRAFFITI" in reply and "STATUS" in reply
    assert "HELP" in reply and "STOP" in reply


def test_keywords_in_any_case_with_stray_spaces_and_punctuation(texter):
    assert "tell us what happened" in texter.send("  report! ")


def test_report_again_mid_conversation_starts_afresh(app, texter):
    assert "tell us what happened" in texter.send("REPORT")
    assert "tell us what happened" in texter.send("Report"), "nothing said yet: nothing to keep"
    texter.send("someone wrote something on my wall")
    after_a_minute(app)
    assert "tell us what happened" in texter.send("Report")
    active = db.session.scalars(select(TextConversation).where(TextConversation.status == "active")).one()
    assert active.answers == {}
    kept = the_case()
    assert kept.incomplete_call and kept.description == "someone wrote something on my wall"


def test_what_was_said_before_starting_again_is_kept_and_a_yes_to_danger_is_acted_on(app, texter, redis, twilio_api):
    texter.send("REPORT")
    texter.send("Three men followed me home shouting abuse")
    after_a_minute(app, redis)
    answer_the_questions(texter, ["Outside my flat on Stratford Road", "just now", "YES"])  # in danger now
    assert "tell us what happened" in texter.send("REPORT")
    case = the_case()
    assert case.incomplete_call and case.risk_answers["danger_now"] is True
    assert case.priority and case.risk_level == "high", "an officer calls back first"
    assert case.location == "Outside my flat on Stratford Road"


def test_graffiti_by_text_creates_a_removal_job(texter, at):
    with at("2026-12-24 17:30"):
        assert "Where is the graffiti" in texter.send("graffiti")
        texter.send("The bus shelter on Soho Road by the library")
        reply = texter.send("yes")
    case = the_case()
    assert case.kind == "graffiti" and case.reference.startswith("GR-") and case.graffiti_offensive is True
    assert case.location == "The bus shelter on Soho Road by the library"
    assert "remove the graffiti by 5pm on Tuesday 29 December" in reply
    assert db.session.scalars(select(Task)).one().kind == "graffiti_removal"


def test_an_idle_conversation_expires_and_is_kept_as_an_incomplete_case(app, texter):
    texter.send("REPORT")
    texter.send("My neighbour keeps leaving notes about my religion")
    after_a_minute(app)
    texter.send("Handsworth")
    with frozen_at(now() + timedelta(hours=25)):
        reply = texter.send("sorry I had to go")
        case = the_case()
        assert case.incomplete_call and case.location == "Handsworth" and case.channel == "sms"
        assert case.reference in reply, "the text lands on the case kept from the expired conversation"
        assert db.session.scalars(select(Task).where(Task.kind == "risk_assessment_callback")).one().phone == RESIDENT
        assert "tell us what happened" in texter.send("REPORT"), "and a new report starts afresh"


def test_the_sweep_closes_a_conversation_nobody_came_back_to(app, texter):
    texter.send("REPORT")
    later = (now() + timedelta(hours=25)).isoformat()
    result = app.test_cli_runner().invoke(args=["jobs", "run", "text-conversations", "--as-of", later])
    assert "text-conversations: 1" in result.output
    assert the_case().incomplete_call


def test_conversations_are_kept_per_number(texter, text_from):
    texter.send("REPORT")
    other = text_from("+447912345678")
    assert "REPORT" in other.send("hi")
    assert "next question" in texter.send("They threw eggs at my windows again last night")


def test_every_text_is_stored(texter):
    texter.send("hello")
    texter.send("REPORT")
    assert len(db.session.scalars(select(InboundMessage)).all()) == 2


def test_the_next_question_is_also_scheduled_in_rq_for_when_the_resident_stops_typing(texter, redis):
    from rq import Queue
    from rq.registry import ScheduledJobRegistry

    texter.send("REPORT")
    texter.send("Someone has been leaving dead animals on my doorstep")
    with frozen_at(now() + timedelta(seconds=10)):
        texter.send("it has happened three times")
    scheduled = ScheduledJobRegistry(queue=Queue("default", connection=redis)).get_job_ids()
    assert len(scheduled) == 2, "one per text; the earlier one finds the resident still typing and does nothing"
    assert all(job_id.startswith("continue-conversation-") for job_id in scheduled)


def test_the_conversation_and_its_pictures_are_filed_on_the_case(app, texter, redis, twilio_api):
    from app.casework.models import Attachment

    texter.send("graffiti")
    texter.send(
        "On the side of the community centre, Ladypool Road", media=[("https://api.twilio.com/m/ME9", "image/jpeg")]
    )
    texter.send("yes")
    case = the_case()
    inbound = db.session.scalars(select(InboundMessage).order_by(InboundMessage.id)).all()
    assert [m.case_id for m in inbound] == [case.id, case.id, case.id]
    assert db.session.scalars(select(Attachment)).one().case_id == case.id
    replies = db.session.scalars(select(OutboundMessage).where(OutboundMessage.to_phone == RESIDENT)).all()
    assert len(replies) == 3 and {m.case_id for m in replies} == {case.id}, "our questions are on the timeline too"


def test_a_text_after_the_minute_gets_the_next_question_even_if_the_worker_has_not_sent_it(texter):
    texter.send("REPORT")
    texter.send("A man on my street shouts abuse at my son every day")
    with frozen_at(now() + timedelta(seconds=90)):
        reply = texter.send("and he has a dog he sets on us")
    assert "Where did it happen" in reply
    conversation = db.session.scalars(select(TextConversation)).one()
    assert conversation.answers["description"].endswith("and he has a dog he sets on us")
    assert conversation.step == "location" and conversation.collecting_until is None
