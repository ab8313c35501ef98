"""The outbox's send job: one outbox row id in, at most one text out."""

from __future__ import annotations

from flask import current_app

from app.background.context import job
from app.casework.texts_in_doubt import IN_DOUBT, phone_instead_of_text
from app.extensions import db
from app.intake import texting
from app.messaging.email import SmtpGateway, deliver_email
from app.messaging.models import OutboundMessage
from app.messaging.outbox import OPTED_OUT_CODE, deliver
from app.messaging.twilio_gateway import TwilioGateway
from app.telephony.signature import public_url
from ivr_flows import text_flows


@job
def send_text(message_id: int) -> str:
    """Send one outbox row.

    Twilio's 21610 (the number has opted out) is recorded as an opt-out, and a
    text to a resident that failed for good (refused, or out of retries) or
    whose fate is unknown becomes a phone task for the officer.
    """
    status_callback = public_url(current_app.url_map.bind("").build("sms.message_status"))
    outcome = deliver(db.session, message_id, TwilioGateway(current_app.config), status_callback)
    message = db.session.get(OutboundMessage, message_id)
    if message is None or outcome not in IN_DOUBT:
        return outcome
    if message.error_code == OPTED_OUT_CODE:
        texting.number_opted_out(db.session, message.to_phone, "twilio_21610")
    phone_instead_of_text(db.session, message)
    db.session.commit()
    return outcome


@job
def continue_conversation(conversation_id: int) -> bool:
    """The resident has finished typing their account: text the next question."""
    return texting.continue_conversation(db.session, text_flows(), conversation_id)


@job
def send_email(email_id: int) -> str:
    """Send one staff email from the outbox."""
    return deliver_email(db.session, email_id, SmtpGateway(current_app.config))
