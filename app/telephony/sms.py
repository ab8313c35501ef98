"""SMS webhooks: incoming texts and delivery status callbacks for the outbox."""

from __future__ import annotations

import logging
from contextlib import suppress

from flask import Blueprint, Response, current_app, request
from twilio.twiml.messaging_response import MessagingResponse
from werkzeug.exceptions import HTTPException

from app.cases import texting
from app.cases.texting import InboundText, TextLine
from app.extensions import db
from app.messaging.outbox import record_delivery_status
from app.phones import to_e164
from app.telephony import twiml
from app.telephony.signature import twilio_signed
from ivr_flows import text_flows

log = logging.getLogger(__name__)

bp = Blueprint("sms", __name__, url_prefix="/twilio/sms")


def _xml(reply: str | None) -> Response:
    response = MessagingResponse()
    if reply:
        response.message(reply)
    return Response(str(response), mimetype="text/xml")


def _inbound_from_form() -> InboundText:
    form = request.form
    count = int(form["NumMedia"]) if form.get("NumMedia", "").isdigit() else 0
    media = [
        {"url": form[f"MediaUrl{i}"], "content_type": form.get(f"MediaContentType{i}")}
        for i in range(count)
        if form.get(f"MediaUrl{i}")
    ]
    return InboundText(
        message_sid=form.get("MessageSid") or form.get("SmsSid", ""),
        from_raw=form.get("From", ""),
        to=form.get("To", ""),
        body=form.get("Body", ""),
        media=media,
        opt_out_type=form.get("OptOutType", ""),
    )


def _text_line() -> TextLine:
    own = {to_e164(str(current_app.config["TWILIO_PHONE_NUMBER"]))} - {None}
    return TextLine(
        own_numbers=frozenset(own), flood_limit_per_minute=int(current_app.config["SMS_FLOOD_LIMIT_PER_MINUTE"])
    )


@bp.post("")
@twilio_signed
def incoming_text() -> Response:
    inbound = _inbound_from_form()
    if not inbound.message_sid:
        return _xml(None)
    return _xml(texting.receive(db.session, text_flows(), _text_line(), inbound))


@bp.post("/status")
@twilio_signed
def message_status() -> Response:
    sid, status = request.form.get("MessageSid", ""), request.form.get("MessageStatus", "")
    if sid and status:
        record_delivery_status(db.session, sid, status, request.form.get("ErrorCode") or None)
    return twiml.empty()


@bp.errorhandler(Exception)
def no_reply_on_error(error: Exception) -> Response:
    """Never a 500 to Twilio: the text is lost only if it was not stored, and we log that."""
    if isinstance(error, HTTPException):
        return error  # type: ignore[return-value]
    log.exception("SMS webhook %s failed for message %s", request.path, request.form.get("MessageSid"))
    with suppress(Exception):
        db.session.rollback()
    return _xml(None)
