"""Voice webhooks: check the signature, read the form, call the call flow, render TwiML."""

from __future__ import annotations

import logging
from contextlib import suppress
from datetime import time

from flask import Blueprint, Response, abort, current_app, request
from werkzeug.exceptions import HTTPException

from app.cases import calls, service
from app.cases.calls import Ask, Connect, ContactCentre, Input
from app.clock import now
from app.extensions import db
from app.telephony import twiml
from app.telephony.signature import twilio_signed
from ivr_flows import phone_flows

log = logging.getLogger(__name__)

bp = Blueprint("voice", __name__, url_prefix="/twilio/voice")

CALL_OVER = {"completed", "busy", "failed", "no-answer", "canceled"}


def contact_centre() -> ContactCentre:
    config = current_app.config
    return ContactCentre(
        number=str(config["CONTACT_CENTRE_NUMBER"]),
        opens=time.fromisoformat(str(config["CONTACT_CENTRE_OPENS"])),
        closes=time.fromisoformat(str(config["CONTACT_CENTRE_CLOSES"])),
    )


def contact_centre_open() -> bool:
    return contact_centre().is_open(now())


def _recording_from_form() -> dict[str, object] | None:
    sid = request.form.get("RecordingSid")
    if not sid or not request.form.get("RecordingUrl"):
        return None
    duration = request.form.get("RecordingDuration", "")
    return {
        "recording_sid": sid,
        "url": request.form["RecordingUrl"],
        "duration_seconds": int(duration) if duration.isdigit() else None,
    }


@bp.post("")
@twilio_signed
def incoming_call() -> Response:
    outcome = calls.start_call(db.session, phone_flows(), request.form["CallSid"], request.form.get("From"))
    return twiml.render(phone_flows(), outcome)


@bp.post("/step/<flow>/<step_id>")
@twilio_signed
def step(flow: str, step_id: str) -> Response:
    flows = phone_flows()
    address = f"{flow}.{step_id}"
    if address not in flows.steps:
        abort(404)
    attempt = request.args.get("attempt", "1")
    given = Input(digits=request.form.get("Digits", ""), recording=_recording_from_form())
    outcome = calls.answer(
        db.session,
        flows,
        contact_centre(),
        request.form["CallSid"],
        request.form.get("From"),
        flows.step(address),
        int(attempt) if attempt.isdigit() else 1,
        given,
    )
    return twiml.render(flows, outcome)


@bp.post("/status")
@twilio_signed
def call_status() -> Response:
    if request.form.get("CallStatus") in CALL_OVER:
        calls.end_call(db.session, request.form["CallSid"], request.form["CallStatus"], request.form.get("From"))
    return twiml.empty()


@bp.post("/recording")
@twilio_signed
def recording_status() -> Response:
    recording = _recording_from_form()
    if recording is not None and request.form.get("RecordingStatus", "completed") == "completed":
        service.record_recording(db.session, request.form["CallSid"], request.args.get("purpose", "account"), recording)
    return twiml.empty()


@bp.post("/transcription")
@twilio_signed
def transcription() -> Response:
    if request.form.get("TranscriptionStatus") == "completed" and request.form.get("RecordingSid"):
        service.record_recording(
            db.session,
            request.form["CallSid"],
            "account",
            {"recording_sid": request.form["RecordingSid"], "transcription": request.form.get("TranscriptionText", "")},
        )
    return twiml.empty()


@bp.post("/dial-result")
@twilio_signed
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
    log.error(
        "fallback URL called for call %s (error code %s)", request.form.get("CallSid"), request.form.get("ErrorCode")
    )
    return twiml.apology(phone_flows(), contact_centre_open())


@bp.errorhandler(Exception)
def apologise(error: Exception) -> Response:
    """Any failure during a call still gives the caller valid TwiML, never Twilio's error message."""
    if isinstance(error, HTTPException):
        return error  # type: ignore[return-value]
    log.exception("voice webhook %s failed for call %s", request.path, request.form.get("CallSid"))
    with suppress(Exception):
        db.session.rollback()
    return twiml.apology(phone_flows(), contact_centre_open())
