"""Simultaneous deliveries: two texts at once from one number, a status callback overtaking the last step."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from app.casework.models import Case, Task, TextConversation
from app.extensions import db
from app.messaging.models import InboundMessage, OutboundMessage
from tests.conftest import AUTH_TOKEN, PUBLIC_BASE_URL, ClosingClient
from tests.phone import Texter
from tests.telephony.test_report_call import FULL_REPORT, the_case

NEW_NUMBERS = [f"+4479110000{n:02d}" for n in range(10)]


def send_at_once(app, messages: list[tuple[str, str]]) -> list[str | None]:
    """Each (number, body) posted from its own thread, released together."""
    app.test_client_class = ClosingClient
    barrier = threading.Barrier(len(messages))
    replies: list[str | None] = []

    def send(number: str, body: str) -> None:
        texter = Texter(app.test_client(), PUBLIC_BASE_URL, AUTH_TOKEN, from_number=number)
        barrier.wait()
        replies.append(texter.send(body))

    threads = [threading.Thread(target=send, args=message) for message in messages]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return replies


def test_two_texts_at_once_from_a_new_number_open_one_conversation(app):
    texts = [
        (number, body) for number in NEW_NUMBERS for body in ("REPORT", "Someone spat at me at the bus stop today")
    ]
    send_at_once(app, texts)
    assert db.session.scalar(select(func.count()).select_from(InboundMessage)) == 20, "every text stored"
    active = db.session.scalars(select(TextConversation.phone).where(TextConversation.status == "active")).all()
    assert sorted(active) == NEW_NUMBERS, "one active conversation per number"


def test_two_texts_at_once_answering_the_last_question_open_one_case(app, texter, redis, twilio_api):
    from tests.telephony.test_text_reports import TEXT_ANSWERS, report_by_text

    *_, last_question = report_by_text(app, texter, redis, twilio_api, answers=TEXT_ANSWERS[:-1])
    assert "agencies" in last_question
    replies = send_at_once(app, [(texter.from_number, "yes"), (texter.from_number, "yes thanks")])
    assert db.session.scalar(select(func.count()).select_from(Case)) == 1, "one report, one case"
    assert sum("reference" in (reply or "") for reply in replies) == 1, "one reference given"


def test_a_flood_at_once_from_a_new_number_raises_one_alert(app):
    send_at_once(app, [(NEW_NUMBERS[0], f"hello {n}") for n in range(20)])
    assert db.session.scalar(select(func.count()).select_from(InboundMessage)) == 20
    alerts = db.session.scalars(select(Task).where(Task.kind == "text_flood", Task.status == "open")).all()
    assert len(alerts) == 1, "twenty unasked texts in a minute are a flood: one alert"
    assert db.session.scalar(select(func.count()).select_from(Case)) == 1, "one enquiry case"


def test_the_status_callback_overtaking_the_last_step_loses_no_answer(phone):
    phone.dial().press("1")
    for key in FULL_REPORT:
        phone.press(key)
    phone.press("1").record(seconds=30).press("1").press("1").press("2")  # ... up to the referral question
    phone.hang_up("completed")  # Twilio's "completed" arrives before the last step's request
    assert the_case().incomplete_call
    phone.press("1")  # the last answer: consent to referral
    case = the_case()
    assert not case.incomplete_call and case.referral_consent is True and case.safe_to_text is True
    assert "part way" not in (db.session.scalars(select(Task)).one().note or "")
    confirmations = select(OutboundMessage).where(OutboundMessage.purpose == "report_confirmation")
    assert len(db.session.scalars(confirmations).all()) == 1
