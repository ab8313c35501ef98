"""The outbox's send job: one outbox row id in, at most one text out."""

from __future__ import annotations

from flask import current_app

from app.extensions import db
from app.messaging.outbox import deliver
from app.messaging.twilio_gateway import TwilioGateway
from app.telephony.signature import public_url


def send_text(message_id: int) -> str:
    status_callback = public_url(current_app.url_map.bind("").build("sms.message_status"))
    return deliver(db.session, message_id, TwilioGateway(current_app.config), status_callback)
