"""A resident replies to the closure text with a number from 1 to 5: their satisfaction, recorded."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.casework.models import Case, SurveyResponse
from app.extensions import db
from app.messaging.models import InboundMessage, OutboundMessage, PhoneOptOut
from app.messaging.outbox import queue_text
from tests.casework.closed_cases import closed_case, with_survey
from tests.conftest import RESIDENT, london

OPENED, CLOSED, CLOSURE_TEXT = london("2026-10-05 11:00"), london("2026-11-20 15:00"), london("2026-11-20 15:01")


@pytest.fixture
def survey(app) -> SurveyResponse:
    """The resident's case closed on 20 November; the closure text with the survey link went a minute later."""
    return with_survey(closed_case(OPENED, CLOSED), closure_text_at=CLOSURE_TEXT)


def stored(survey: SurveyResponse) -> SurveyResponse:
    db.session.expire_all()
    found = db.session.get(SurveyResponse, survey.id)
    assert found is not None
    return found


@pytest.mark.parametrize(("body", "score"), [("4", 4), (" 4 ", 4), ("4.", 4), ("Four", 4), ("1", 1), ("five!", 5)])
def test_a_number_replied_to_the_closure_text_is_recorded(texter, survey, at, body, score):
    with at("2026-11-21 09:30"):
        reply = texter.send(body)
    assert reply == "Birmingham City Council: thank you for your answer. It helps us improve our service."
    answered = stored(survey)
    assert (answered.satisfaction, answered.answered_via) == (score, "sms")
    assert answered.answered_at == london("2026-11-21 09:30")
    text = db.session.scalars(select(InboundMessage)).one()
    assert (text.handled_as, text.case_id) == ("survey_answer", survey.case_id), "on the case's timeline"
    thanks = db.session.scalars(select(OutboundMessage).where(OutboundMessage.purpose == "survey_answer")).one()
    assert (thanks.to_phone, thanks.case_id, thanks.status) == (RESIDENT, survey.case_id, "replied")


def test_the_thank_you_says_nothing_about_the_case(texter, survey, at):
    with at("2026-11-21 09:30"):
        reply = texter.send("4") or ""
    reference = db.session.get(Case, survey.case_id).reference
    assert "hate" not in reply.lower() and "case" not in reply.lower() and reference not in reply


def test_a_second_number_after_the_survey_is_answered_is_not_an_answer(texter, survey, at):
    with at("2026-11-21 09:30"):
        texter.send("4")
        second = texter.send("2")
    assert second is not None and "thank you for your answer" not in second
    assert stored(survey).satisfaction == 4, "the first answer stands"


def test_a_4_from_a_number_with_no_pending_survey_is_not_a_survey_answer(text_from, survey, at):
    with at("2026-11-21 09:30"):
        reply = text_from("+447700900123").send("4")
    assert reply is not None and "thank you for your answer" not in reply, "the line's usual menu instead"
    assert stored(survey).answered_at is None
    assert db.session.scalars(select(InboundMessage.handled_as)).one() != "survey_answer"


def test_a_survey_answered_on_the_web_takes_no_text_answer(texter, client, survey, at):
    client.post(f"/survey/{survey.token}", data={"satisfaction": "5"})
    with at("2026-11-21 09:30"):
        reply = texter.send("4")
    assert "thank you for your answer" not in (reply or "")
    assert stored(survey).satisfaction == 5


def test_a_reply_more_than_28_days_after_the_closure_text_is_not_an_answer(texter, survey, at):
    with at("2026-12-18 15:02"):
        texter.send("4")
    assert stored(survey).answered_at is None
    with at("2026-12-18 14:59"):
        texter.send("4")
    assert stored(survey).satisfaction == 4, "28 days to the minute is still in time"


def test_without_a_closure_text_a_number_is_not_an_answer(texter, app, at):
    """Texts were not safe, so the survey went by letter only: a "4" from the number is not taken as an answer."""
    survey = with_survey(closed_case(OPENED, CLOSED))
    with at("2026-11-21 09:30"):
        texter.send("4")
    assert stored(survey).answered_at is None


@pytest.mark.parametrize("body", ["14", "4 stars", "0", "6", "4/5", "HELP", "STATUS"])
def test_anything_but_a_lone_1_to_5_is_not_an_answer(texter, survey, at, body):
    with at("2026-11-21 09:30"):
        texter.send(body)
    assert stored(survey).answered_at is None


def test_stop_still_opts_out_while_a_survey_waits(texter, survey, at):
    with at("2026-11-21 09:30"):
        assert texter.send("STOP") is None
        assert texter.send("4") is None, "nothing is texted to an opted-out number"
    assert db.session.get(PhoneOptOut, RESIDENT).opted_out
    assert stored(survey).answered_at is None


def test_a_number_inside_a_new_report_conversation_answers_the_conversation(texter, survey, at):
    with at("2026-11-21 09:30"):
        first = texter.send("REPORT")
        texter.send("4")
    assert first is not None
    assert stored(survey).answered_at is None


def test_a_number_from_a_resident_with_an_open_case_goes_to_its_officer_not_the_survey(texter, survey, at):
    """The closed case's survey waits, but a '2' may be an answer to the officer of the case still open."""
    open_one = closed_case(OPENED, CLOSED)
    open_one.status, open_one.closed_at = "open", None
    db.session.commit()
    with at("2026-11-21 09:30"):
        reply = texter.send("2")
    assert open_one.reference in reply and stored(survey).satisfaction is None
    text = db.session.scalars(select(InboundMessage)).one()
    assert text.case_id == open_one.id


def test_a_later_text_on_the_closed_case_is_not_the_closure_text(texter, app, at):
    """Only the text with the survey link makes a reply of 1 to 5 a survey answer."""
    case = closed_case(OPENED, CLOSED)
    survey = with_survey(case)
    later = queue_text(
        db.session(), to=RESIDENT, body="A text from your officer.", purpose="staff_text", case_id=case.id
    )
    later.created_at = CLOSURE_TEXT
    db.session.commit()
    with at("2026-11-21 09:30"):
        texter.send("4")
    assert stored(survey).satisfaction is None
