"""SMS webhooks: delivery status callbacks for the outbox."""

from __future__ import annotations

from flask import Blueprint, Response, request

from app.extensions import db
from app.messaging.outbox import record_delivery_status
from app.telephony import twiml
from app.telephony.signature import twilio_signed

bp = Blueprint("sms", __name__, url_prefix="/twilio/sms")


@bp.post("/status")
@twilio_signed
def message_status() -> Response:
    sid, status = request.form.get("MessageSid", ""), request.form.get("MessageStatus", "")
    if sid and status:
        record_delivery_status(db.session, sid, status, request.form.get("ErrorCode") or None)
    return twiml.empty()
