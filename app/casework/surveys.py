"""The satisfaction survey sent at closure: answered once, on the web page or by texting back a number (no Flask).

A survey row is made when a case closes (its token for the link, its short code for the letter). The
first answer wins: recording one is a single conditional UPDATE (`answered_at IS NULL`), so the page
sent twice, two phones at once, or the page and a text reply never overwrite each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import exists, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from app.casework.lifecycle import CLOSED
from app.casework.models import Case, SurveyResponse
from app.messaging import models as m
from app.messaging.models import OutboundMessage

SURVEY_TEXT = "closure_survey"  # the outbox purpose of the closure text, which a reply of 1 to 5 answers

SATISFACTION = {
    1: "Very dissatisfied",
    2: "Dissatisfied",
    3: "Neither satisfied nor dissatisfied",
    4: "Satisfied",
    5: "Very satisfied",
}
YES_PARTLY_NO = {"yes": "Yes", "partly": "Partly", "no": "No"}
GET_INVOLVED = {
    "block_champion": "Becoming a block champion",
    "street_champion": "Becoming a street champion",
    "residents_group": "Joining a residents' group",
}
COMMENTS_LIMIT = 1200  # characters: a few paragraphs, enough to say what went well or badly
# A text reply counts as the survey's answer this long after the closure text went.
TEXT_REPLY_WINDOW = timedelta(days=28)
NEVER_REACHED = (m.REFUSED, m.FAILED, m.UNDELIVERED)  # a closure text in one of these asked the resident nothing
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
# "4", " 4 ", "4.", "4!", "Four": the number alone, trailing punctuation allowed; never "4 stars" or "14".
_REPLY = re.compile(r"^\s*([1-5]|one|two|three|four|five)\s*[.!]*\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class SurveyAnswers:
    """What the resident answered; a text reply carries the satisfaction score alone."""

    satisfaction: int
    kept_informed: str | None = None
    listened_to: str | None = None
    get_involved: list[str] = field(default_factory=list)
    comments: str | None = None


def survey_by_token(session: Session, token: str) -> SurveyResponse | None:
    """The survey a link points at, or None (an unknown or mistyped link)."""
    if not token or len(token) > 64:
        return None
    return session.scalars(select(SurveyResponse).where(SurveyResponse.token == token)).first()


def survey_by_short_code(session: Session, code: str) -> SurveyResponse | None:
    """The survey for the short code printed on the closure letter, typed in any case and with stray spaces."""
    typed = "".join(code.split()).upper()
    if not typed or len(typed) > 12:
        return None
    # Codes are stored in capitals (closure.SHORT_CODE_ALPHABET): compared as stored, so the unique index serves.
    return session.scalars(select(SurveyResponse).where(SurveyResponse.short_code == typed)).first()


def record_survey_answer(
    session: Session, survey: SurveyResponse, answers: SurveyAnswers, via: str, at: datetime
) -> bool:
    """Store the answers if the survey has none yet, and commit; False (nothing changed) if it was answered."""
    answered = _answer_once(
        session,
        survey,
        answered_at=at,
        answered_via=via,
        satisfaction=answers.satisfaction,
        kept_informed=answers.kept_informed,
        listened_to=answers.listened_to,
        get_involved=list(answers.get_involved),
        comments=answers.comments or None,
    )
    if not answered:
        session.rollback()
        return False
    session.commit()
    return True


def score_in_reply(body: str) -> int | None:
    """The satisfaction score a text reply is, or None when it is anything more than a number from 1 to 5."""
    matched = _REPLY.match(body)
    if matched is None:
        return None
    word = matched.group(1).lower()
    return NUMBER_WORDS.get(word) or int(word)


def survey_awaiting_text_reply(session: Session, phone: str, at: datetime) -> SurveyResponse | None:
    """The unanswered survey of this number's closed case whose closure text went in the last 28 days.

    The closure text is the case's survey text to this number (outbox purpose SURVEY_TEXT); with none (texts
    not safe, or sent too long ago) a number from this phone is not a survey answer.
    """
    closure_text_sent = exists().where(
        OutboundMessage.case_id == Case.id,
        OutboundMessage.purpose == SURVEY_TEXT,
        OutboundMessage.to_phone == phone,
        OutboundMessage.created_at >= Case.closed_at,
        OutboundMessage.created_at >= at - TEXT_REPLY_WINDOW,
        OutboundMessage.status.not_in(NEVER_REACHED),
    )
    query = (
        select(SurveyResponse)
        .join(Case, SurveyResponse.case_id == Case.id)
        .where(
            Case.status == CLOSED,
            (Case.callback_phone == phone) | (Case.caller_phone == phone),
            SurveyResponse.answered_at.is_(None),
            closure_text_sent,
        )
        .order_by(Case.closed_at.desc(), Case.id.desc())
    )
    return session.scalars(query).first()


def answer_by_text(session: Session, phone: str, body: str, at: datetime) -> SurveyResponse | None:
    """A reply of just 1 to 5 to the closure text: the satisfaction score, recorded (not committed; the
    caller commits with the text it stores). None when the text is not a survey answer."""
    score = score_in_reply(body)
    if score is None:
        return None
    survey = survey_awaiting_text_reply(session, phone, at)
    if survey is None:
        return None
    answered = _answer_once(session, survey, answered_at=at, answered_via="sms", satisfaction=score)
    return survey if answered else None


def _answer_once(session: Session, survey: SurveyResponse, **values: object) -> bool:
    """Write the answers only if nobody has yet: one conditional UPDATE, whatever the concurrency."""
    statement = (
        update(SurveyResponse)
        .where(SurveyResponse.id == survey.id, SurveyResponse.answered_at.is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    # An UPDATE's result is a CursorResult (the ORM types it only as a Result).
    updated = cast("CursorResult[Any]", session.execute(statement))
    return bool(updated.rowcount)
