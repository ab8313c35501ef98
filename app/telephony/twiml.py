"""Rendering what the caller hears as TwiML (en-GB, a British voice, always text/xml)."""

from __future__ import annotations

from flask import Response, current_app, url_for
from twilio.twiml.voice_response import Gather, VoiceResponse

from app.calendar import spoken_day_and_time
from app.casework.references import spoken_reference
from app.intake.calls import Connect, Finished, Outcome
from app.intake.engine import Ask
from app.telephony.signature import public_url
from ivr_flows import Flows, Step

VOICE = "Polly.Amy"
LANGUAGE = "en-GB"
KEY_TIMEOUT_SECONDS = 6
NUMBER_TIMEOUT_SECONDS = 10


def xml(response: VoiceResponse, status: int = 200) -> Response:
    return Response(str(response), status=status, mimetype="text/xml")


def say(target: VoiceResponse | Gather, text: str) -> None:
    if text:
        target.say(text, voice=VOICE, language=LANGUAGE)


def step_url(step: Step, attempt: int) -> str:
    path = url_for("voice.step", flow=step.flow, step_id=step.id)
    return public_url(path, f"attempt={attempt}")


def _ask(response: VoiceResponse, flows: Flows, ask: Ask) -> None:
    step = ask.step
    say(response, flows.message(ask.before) if ask.before else "")
    if ask.retry_message:
        say(response, flows.message(ask.retry_message))
    elif step.intro:
        say(response, step.intro)
    prompt = step.prompt.format(**ask.values) if step.reads_back else step.prompt
    action = step_url(step, ask.attempt)
    if step.type == "record":
        say(response, prompt)
        response.record(
            action=action,
            method="POST",
            max_length=step.max_length,
            timeout=5,
            finish_on_key="#",
            play_beep=True,
            recording_status_callback=public_url(url_for("voice.recording_status"), f"purpose={step.purpose}"),
            recording_status_callback_method="POST",
            recording_status_callback_event="completed",
            transcribe=True,
            transcribe_callback=public_url(url_for("voice.transcription")),
        )
    else:
        gather = Gather(
            input="dtmf",
            action=action,
            method="POST",
            language=LANGUAGE,
            action_on_empty_result=True,
            **_keys_for(step),
        )
        say(gather, prompt)
        response.append(gather)
    # Twilio skips the action when nothing is pressed or recorded; this carries on instead of hanging up.
    response.redirect(action, method="POST")


def _keys_for(step: Step) -> dict[str, object]:
    if step.type == "phone_number":
        return {"finish_on_key": "#", "timeout": NUMBER_TIMEOUT_SECONDS}
    if step.type == "digits":
        return {"num_digits": step.num_digits, "timeout": NUMBER_TIMEOUT_SECONDS}
    return {"num_digits": 1, "timeout": KEY_TIMEOUT_SECONDS}


# Messages that told a verified caller about their own case: the reference is not read out again after them.
NAMED_THE_CASE = frozenset({"update_verified", "reopen_requested"})


def _finish(response: VoiceResponse, flows: Flows, done: Finished) -> None:
    case = done.case
    values = dict(done.details or {})
    if done.deadline is not None:
        values["deadline"] = spoken_day_and_time(done.deadline)
    if case is not None:
        values["reference"] = spoken_reference(case.reference)
    say(response, flows.message(done.message, **values))
    if case is not None and done.message not in NAMED_THE_CASE:
        if case.priority:
            say(response, flows.message("priority"))
        say(response, flows.message("reference", reference=values["reference"]))
        if done.texting:
            say(response, flows.message("text_coming"))
    say(response, flows.message("danger"))
    say(response, flows.message("goodbye"))
    response.hangup()


def connect(response: VoiceResponse, flows: Flows, number: str) -> None:
    say(response, flows.message("connecting"))
    response.dial(number, action=public_url(url_for("voice.dial_result")), method="POST", timeout=30)


def render(flows: Flows, outcome: Outcome) -> Response:
    response = VoiceResponse()
    if isinstance(outcome, Ask):
        if not outcome.step.reads_back:
            return Response(_same_every_time(flows, outcome), mimetype="text/xml")
        _ask(response, flows, outcome)
    elif isinstance(outcome, Finished):
        _finish(response, flows, outcome)
    elif isinstance(outcome, Connect):
        connect(response, flows, outcome.number)
    return xml(response)


def _same_every_time(flows: Flows, ask: Ask) -> str:
    """A question that reads nothing back is the same TwiML for every caller: built once per app and kept.

    Most webhooks answer with one (the greeting, each next question), and building it is a tenth of
    their time. Kept per app (its PUBLIC_BASE_URL is in the URLs) and per loaded set of flows.
    """
    built: dict[tuple[int, str, int, str, str], tuple[Flows, str]] = current_app.extensions.setdefault("asked", {})
    key = (id(flows), ask.step.address, ask.attempt, ask.retry_message, ask.before)
    if key not in built or built[key][0] is not flows:
        response = VoiceResponse()
        _ask(response, flows, ask)
        built[key] = (flows, str(response))
    return built[key][1]


def apology(flows: Flows, contact_centre_open: bool) -> Response:
    """What a caller hears when something broke on our side: never Twilio's application error."""
    response = VoiceResponse()
    say(response, flows.message("apology"))
    say(response, flows.message("danger"))
    if contact_centre_open:
        gather = Gather(
            input="dtmf",
            num_digits=1,
            timeout=KEY_TIMEOUT_SECONDS,
            language=LANGUAGE,
            action=public_url(url_for("voice.connect_after_error")),
            method="POST",
        )
        say(gather, flows.message("offer_contact_centre"))
        response.append(gather)
    say(response, flows.message("try_again_later"))
    say(response, flows.message("goodbye"))
    response.hangup()
    return xml(response)


def empty() -> Response:
    return xml(VoiceResponse())


def hangup() -> Response:
    response = VoiceResponse()
    response.hangup()
    return xml(response)
