"""Voice webhooks: check the signature, read the form, call the call flow, render TwiML."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from contextlib import suppress
from datetime import time
from functools import wraps
from typing import Any

from flask import Blueprint, Response, current_app, request
from twilio.twiml.voice_response import VoiceResponse
from werkzeug.exceptions import HTTPException

from app.casework import service
from app.clock import now
from app.extensions import db
from app.intake import calls
from app.intake.calls import Connect, ContactCentre
from app.intake.engine import Ask, Given
from app.telephony import twiml
from app.telephony.signature import twilio_signed
from app.telephony.webhook_form import CALL_SID, RECORDING_SID, described, malformed_sids, storable, whole_number
from ivr_flows import phone_flows

log = logging.getLogger(__name__)

bp = Blueprint("voice", __name__, url_prefix="/twilio/voice")

CALL_OVER = {"completed", "busy", "failed", "no-answer", "canceled"}
PURPOSE = re.compile(r"[a-z_]{1,20}")


def contact_centre() -> ContactCentre:
    config = current_app.config
    return ContactCentre(
        number=str(config["CONTACT_CENTRE_NUMBER"]),
        opens=time.fromisoformat(str(config["CONTACT_CENTRE_OPENS"])),
        closes=time.fromisoformat(str(config["CONTACT_CENTRE_CLOSES"])),
    )


def contact_centre_open() -> bool:
    return contact_centre().is_open(now())


def apologise() -> Response:
    return twiml.apology(phone_flows(), contact_centre_open())


def bad_request() -> Response:
    return twiml.xml(VoiceResponse(), status=400)


def well_formed(refuse: Callable[[], Response]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A signed request whose CallSid or RecordingSid is malformed was forged or re-split: `refuse`, store nothing.

    Genuine webhooks always carry both in Twilio's format. A caller would hear
    Twilio's error after a 4xx, so a step they hear is answered with the
    apology; callbacks nobody hears get a 400.
    """

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            bad = malformed_sids(request.form, required={"CallSid": CALL_SID}, optional={"RecordingSid": RECORDING_SID})
            if bad:
                log.warning("refused a signed request to %s: malformed %s", request.path, ", ".join(bad))
                return refuse()
            return view(*args, **kwargs)

        return checked

    return decorate


def _recording_from_form() -> dict[str, object] | None:
    sid = request.form.get("RecordingSid")
    if not sid or not request.form.get("RecordingUrl"):
        return None
    return {
        "recording_sid": sid,
        "url": storable(request.form["RecordingUrl"]),
        "duration_seconds": whole_number(request.form.get("RecordingDuration")),
    }


@bp.post("")
@twilio_signed
@well_formed(apologise)
def incoming_call() -> Response:
    outcome = calls.start_call(db.session(), phone_flows(), request.form["CallSid"], request.form.get("From"))
    return twiml.render(phone_flows(), outcome)


@bp.post("/step/<flow>/<step_id>")
@twilio_signed
@well_formed(apologise)
def step(flow: str, step_id: str) -> Response:
    flows = phone_flows()
    address = f"{flow}.{step_id}"
    if address not in flows.steps:
        # Only a step renamed in a release mid-call gets here: the caller still hears something useful.
        log.warning("call %s asked for unknown step %s", request.form["CallSid"], address[:80])
        return apologise()
    given = Given(digits=storable(request.form.get("Digits", "")), recording=_recording_from_form())
    outcome = calls.answer(
        db.session(),
        flows,
        contact_centre(),
        request.form["CallSid"],
        request.form.get("From"),
        flows.step(address),
        whole_number(request.args.get("attempt"), max_digits=3) or 1,
        given,
    )
    return twiml.render(flows, outcome)


@bp.post("/status")
@twilio_signed
@well_formed(bad_request)
def call_status() -> Response:
    if request.form.get("CallStatus") in CALL_OVER:
        calls.end_call(db.session(), request.form["CallSid"], request.form["CallStatus"], request.form.get("From"))
    return twiml.empty()


@bp.post("/recording")
@twilio_signed
@well_formed(bad_request)
def recording_status() -> Response:
    recording = _recording_from_form()
    purpose = request.args.get("purpose", "")
    if recording is not None and request.form.get("RecordingStatus", "completed") == "completed":
        purpose = purpose if PURPOSE.fullmatch(purpose) else "account"
        service.record_recording(db.session(), request.form["CallSid"], purpose, recording)
    return twiml.empty()


@bp.post("/transcription")
@twilio_signed
@well_formed(bad_request)
def transcription() -> Response:
    if request.form.get("TranscriptionStatus") == "completed" and request.form.get("RecordingSid"):
        text = storable(request.form.get("TranscriptionText", ""))
        service.record_recording(
            db.session(),
            request.form["CallSid"],
            "account",
            {"recording_sid": request.form["RecordingSid"], "transcription": text},
        )
    return twiml.empty()


@bp.post("/dial-result")
@twilio_signed
@well_formed(apologise)
def dial_result() -> Response:
    flows = phone_flows()
    if request.form.get("DialCallStatus") == "completed":
        return twiml.hangup()
    return twiml.render(flows, Ask(flows.step("main.report_offer"), before="contact_centre_unanswered"))


@bp.post("/connect")
@twilio_signed
def connect_after_error() -> Response:
    """The caller pressed 0 after an error: connect them without touching the database."""
    flows = phone_flows()
    if request.form.get("Digits") == "0" and contact_centre_open():
        return twiml.render(flows, Connect(contact_centre().number))
    return twiml.apology(flows, contact_centre_open=False)


@bp.post("/fallback")
@twilio_signed
def fallback() -> Response:
    """Twilio's fallback URL for the number: used when the main webhook failed or timed out."""
    code = whole_number(request.form.get("ErrorCode"), max_digits=10)
    log.error("fallback URL called for call %s (error code %s)", described(request.form.get("CallSid")), code)
    return apologise()


@bp.errorhandler(Exception)
def apologise_on_error(error: Exception) -> Response:
    """Any failure during a call still gives the caller valid TwiML, never Twilio's error message."""
    if isinstance(error, HTTPException):
        return twiml.xml(VoiceResponse(), status=error.code or 400)
    log.exception("voice webhook %s failed for call %s", request.path, described(request.form.get("CallSid")))
    with suppress(Exception):
        db.session.rollback()
    return apologise()
