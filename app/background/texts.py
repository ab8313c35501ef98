"""The outbox's send job: a text's row id in; that text, then whatever else is due, out."""

from __future__ import annotations

import time

from flask import current_app

from app.background.context import job
from app.casework.texts_in_doubt import IN_DOUBT, after_text_in_doubt
from app.extensions import db
from app.intake import texting
from app.jobs import enqueue_now
from app.messaging.email import SmtpGateway, deliver_email
from app.messaging.models import OutboundMessage
from app.messaging.outbox import OPTED_OUT_CODE, deliver, deliver_next_due, next_due_text
from app.messaging.twilio_gateway import TemporarySendError, TwilioGateway
from app.telephony.signature import public_url
from ivr_flows import text_flows

DRAIN_SECONDS = 5.0  # after its own text, a job sends others that are due for at most this long


def twilio_gateway() -> TwilioGateway:
    """One gateway per app and process: its HTTP connection to Twilio is reused from text to text."""
    gateway: TwilioGateway = current_app.extensions.setdefault("twilio_gateway", TwilioGateway(current_app.config))
    return gateway


@job
def send_text(message_id: int) -> str:
    """Send one outbox row, then drain: send the texts that are due next, for up to DRAIN_SECONDS.

    A burst of texts is sent by a few jobs: a text queued while a send job
    waits joins that job instead of queueing its own (app/jobs.py), and each
    job sends every due text, claimed one at a time (never sent twice; at most
    the one in hand is `uncertain` after a crash): RQ's cost per job is paid
    far less than once per text. Twilio's 21610
    (the number has opted out) is recorded as an opt-out, and a text to a
    resident that failed for good (refused, or out of retries) or whose fate
    is unknown becomes a phone task for the officer.
    """
    status_callback = public_url(current_app.url_map.bind("").build("sms.message_status"))
    try:
        outcome = deliver(db.session(), message_id, twilio_gateway(), status_callback)
    except TemporarySendError:
        # The texts that joined this job while it waited are still tried (until Twilio's next hiccup):
        # one text that keeps failing never holds back the others.
        drain_due_texts(status_callback, time.monotonic() + DRAIN_SECONDS)
        raise
    follow_up(message_id, outcome)
    drain_due_texts(status_callback, time.monotonic() + DRAIN_SECONDS)
    return outcome


def drain_due_texts(status_callback: str, until: float) -> int:
    """Send due texts until none is left or `until` (monotonic) passes; stop at Twilio's first hiccup.

    When time runs out with texts still due, a job for the next one carries on (texts that joined a
    waiting job have no job of their own).
    """
    sent = 0
    while time.monotonic() < until:
        try:
            delivered = deliver_next_due(db.session(), twilio_gateway(), status_callback)
        except TemporarySendError:
            return sent  # that row waits for its retry; the others for their own jobs or the sweep
        if delivered is None:
            return sent
        message, outcome = delivered
        follow_up(message.id, outcome)
        sent += 1
    carry_on = next_due_text(db.session())
    if carry_on is not None:
        enqueue_now(str(current_app.config["REDIS_URL"]), [carry_on])
    return sent


def follow_up(message_id: int, outcome: str) -> None:
    """A text in doubt becomes a phone task (and Twilio's 21610 an opt-out)."""
    if outcome not in IN_DOUBT:
        return
    message = db.session.get(OutboundMessage, message_id)
    if message is None:
        return
    if message.error_code == OPTED_OUT_CODE:
        texting.number_opted_out(db.session(), message.to_phone, "twilio_21610")
    after_text_in_doubt(db.session(), message)
    db.session.commit()


@job
def continue_conversation(conversation_id: int) -> bool:
    """The resident has finished typing their account: text the next question."""
    return texting.continue_conversation(db.session(), text_flows(), conversation_id)


@job
def send_email(email_id: int) -> str:
    """Send one staff email from the outbox."""
    return deliver_email(db.session(), email_id, SmtpGateway(current_app.config))
