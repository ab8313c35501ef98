"""Whatever arrives, every text is stored, nothing answers with a 500, and replies stay sensible."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.casework.models import Case, Task
from app.clock import frozen_at, now
from app.extensions import db
from app.messaging.models import InboundMessage, OutboundMessage
from tests.conftest import RESIDENT


def stored() -> int:
    return db.session.scalar(select(func.count()).select_from(InboundMessage))


def test_an_empty_text_gets_the_options(texter):
    assert "REPORT" in texter.send("")
    assert stored() == 1


def test_a_1600_character_text_is_kept_whole_as_the_account(texter):
    body = ("They wrote slurs on the stairwell and followed me home. " * 30)[:1600]
    assert "next question" in texter.send(body)
    assert db.session.scalars(select(InboundMessage)).one().body == body


@pytest.mark.parametrize("body", ["😡😡😡", "مرحبا", "שלום", "Dzień dobry, proszę o pomoc"])
def test_emoji_and_other_scripts_are_stored_and_answered_in_gsm7(texter, body):
    reply = texter.send(body)
    assert reply is not None and "REPORT" in reply
    assert db.session.scalars(select(InboundMessage)).one().body == body
    assert db.session.scalars(select(OutboundMessage)).one().segments <= 2


# A sender id made of a number and letters is still a sender id: read as keypad digits, "0800FLOWERS" and
# "0121COUNCIL" would be real numbers belonging to strangers.
@pytest.mark.parametrize("sender", ["88020", "BIRMCC", "+441214647269", "", "0800FLOWERS", "0121COUNCIL", "07GIFTS"])
def test_senders_we_cannot_or_must_not_answer_get_no_reply_but_are_stored(text_from, sender):
    assert text_from(sender).send("STOP") is None
    assert text_from(sender).send("hello") is None
    assert stored() == 2
    assert db.session.scalar(select(func.count()).select_from(OutboundMessage)) == 0
    assert db.session.scalars(select(InboundMessage.from_phone)).all() == [None, None] or sender == "+441214647269"


def test_a_retried_delivery_changes_nothing_and_gets_the_same_reply(texter):
    texter.send("REPORT")
    first = texter.send("Somebody keeps spitting at me on the bus to work every morning")
    assert texter.resend() == first
    assert stored() == 2
    assert db.session.scalar(select(func.count()).select_from(OutboundMessage)) == 2


def test_a_retried_final_answer_opens_one_case(texter):
    texter.send("graffiti")
    texter.send("Underpass by the ring road")
    reply = texter.send("no")
    assert texter.resend() == reply
    assert db.session.scalar(select(func.count()).select_from(Case)) == 1


def test_a_flood_is_stored_but_not_answered_and_an_officer_is_alerted_once(texter):
    start = now()
    replies = []
    for second in range(15):
        with frozen_at(start + timedelta(seconds=second * 3)):
            replies.append(texter.send(f"help me {second}"))
    assert all(r is not None for r in replies[:10]) and all(r is None for r in replies[10:])
    assert stored() == 15
    alerts = db.session.scalars(select(Task).where(Task.kind == "text_flood")).all()
    assert len(alerts) == 1 and alerts[0].priority and alerts[0].phone == RESIDENT
    with frozen_at(start + timedelta(minutes=3)):
        assert texter.send("are you there") is not None, "answered again once the flood stops"


def test_unsigned_texts_are_refused_and_not_stored(client):
    reply = client.post("/twilio/sms", data={"MessageSid": "SMx", "From": RESIDENT, "Body": "STOP"})
    assert reply.status_code == 403 and stored() == 0


def test_a_text_without_a_message_sid_is_refused_with_empty_twiml(texter):
    """Twilio always sends one: a signed request without it was tampered with (see test_webhook_forgery)."""
    from twilio.request_validator import RequestValidator

    from tests.conftest import ACCOUNT_SID, AUTH_TOKEN, PUBLIC_BASE_URL

    form = {"AccountSid": ACCOUNT_SID, "From": RESIDENT, "Body": "hi"}
    signature = RequestValidator(AUTH_TOKEN).compute_signature(f"{PUBLIC_BASE_URL}/twilio/sms", form)
    reply = texter.client.post("/twilio/sms", data=form, headers={"X-Twilio-Signature": signature})
    assert reply.status_code == 400 and reply.mimetype == "text/xml" and stored() == 0
