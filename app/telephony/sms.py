"""SMS webhooks: incoming texts and delivery status callbacks for the outbox."""

from __future__ import annotations

import logging
import re
from contextlib import suppress

from flask import Blueprint, Response, current_app, request
from twilio.twiml.messaging_response import MessagingResponse
from werkzeug.exceptions import HTTPException

from app.casework.texts_in_doubt import record_text_status
from app.extensions import db
from app.intake import texting
from app.intake.texting import InboundText, TextLine
from app.phones import to_e164
from app.telephony import twiml
from app.telephony.signature import twilio_signed
from app.telephony.webhook_form import MESSAGE_SID, described, is_sid, storable, whole_number
from ivr_flows import text_flows

log = logging.getLogger(__name__)

bp = Blueprint("sms", __name__, url_prefix="/twilio/sms")

MAX_MEDIA = 10  # Twilio delivers at most ten pictures with one message
MESSAGE_STATUS = re.compile(r"[a-z_]{1,20}")


def _xml(reply: str | None, status: int = 200) -> Response:
    response = MessagingResponse()
    if reply:
        response.message(reply)
    return Response(str(response), status=status, mimetype="text/xml")


def _message_sid() -> str:
    return request.form.get("MessageSid") or request.form.get("SmsSid", "")


def _refused_sid() -> Response:
    """A signed request with a malformed MessageSid was forged or re-split: nothing is stored."""
    log.warning("refused a signed request to %s: MessageSid %s", request.path, described(_message_sid()))
    return _xml(None, status=400)


def _media(url: str, content_type: str | None) -> dict[str, str]:
    """One picture; a content type Twilio did not send stays unset."""
    item = {"url": storable(url)}
    if content_type is not None:
        item["content_type"] = storable(content_type)
    return item


def _inbound_from_form(message_sid: str) -> InboundText:
    """The text as the database can hold it; the whole form goes along untouched as the raw form."""
    form = request.form
    count = min(whole_number(form.get("NumMedia")) or 0, MAX_MEDIA)
    media = [
        _media(form[f"MediaUrl{i}"], form.get(f"MediaContentType{i}")) for i in range(count) if form.get(f"MediaUrl{i}")
    ]
    return InboundText(
        message_sid=message_sid,
        from_raw=storable(form.get("From", ""), 64),
        to=storable(form.get("To", ""), 64),
        body=storable(form.get("Body", "")),
        media=media,
        opt_out_type=storable(form.get("OptOutType", "")),
        raw_form=form.to_dict(flat=True),
    )


def _text_line() -> TextLine:
    own = to_e164(str(current_app.config["TWILIO_PHONE_NUMBER"]))
    return TextLine(
        own_numbers=frozenset() if own is None else frozenset({own}),
        flood_limit_per_minute=int(current_app.config["SMS_FLOOD_LIMIT_PER_MINUTE"]),
    )


@bp.post("")
@twilio_signed
def incoming_text() -> Response:
    message_sid = _message_sid()
    if not is_sid(MESSAGE_SID, message_sid):
        return _refused_sid()
    inbound = _inbound_from_form(message_sid)
    return _xml(texting.receive(db.session(), text_flows(), _text_line(), inbound))


@bp.post("/status")
@twilio_signed
def message_status() -> Response:
    sid, status = _message_sid(), request.form.get("MessageStatus", "")
    if not is_sid(MESSAGE_SID, sid):
        return _refused_sid()
    if MESSAGE_STATUS.fullmatch(status):
        code = whole_number(request.form.get("ErrorCode"), max_digits=10)
        record_text_status(db.session(), sid, status, None if code is None else str(code))
    return twiml.empty()


@bp.errorhandler(Exception)
def no_reply_on_error(error: Exception) -> Response:
    """Never a 500 to Twilio, and always TwiML: the text is lost only if it was not stored, and we log that.

    A resident whose text failed is told so (and given the 999 advice), never left with silence.
    """
    if isinstance(error, HTTPException):
        return _xml(None, status=error.code or 400)
    log.exception("SMS webhook %s failed for message %s", request.path, described(_message_sid()))
    with suppress(Exception):
        db.session.rollback()
    reply = None
    if request.endpoint == "sms.incoming_text":
        with suppress(Exception):  # reading the form again may fail as the text did: then no reply, still no 500
            reply = texting.apology(text_flows(), _text_line(), _inbound_from_form(_message_sid()))
    return _xml(reply)
