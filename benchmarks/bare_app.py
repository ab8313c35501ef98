"""The ceiling for `benchmarks.webhooks`: a bare Flask route returning static TwiML.

It answers POST /twilio/voice with a main menu shaped like the real app's
(same verbs, attributes and length), but checks no signature, reads no form
and touches no database: what gunicorn and Flask alone cost per webhook.
`benchmarks.floor_app` returns the same TwiML. Served by gunicorn as
`benchmarks.bare_app:app`.
"""

from __future__ import annotations

from flask import Flask, Response

STATIC_TWIML = (
    '<?xml version="1.0" encoding="UTF-8"?><Response>'
    '<Say language="en-GB" voice="Polly.Amy">If you are in immediate danger, hang up and call 999. '
    "Welcome to Birmingham City Council's hate crime reporting line.</Say>"
    '<Gather action="/twilio/voice/step/main/menu?attempt=1" actionOnEmptyResult="true" input="dtmf" '
    'language="en-GB" method="POST" numDigits="1" timeout="6">'
    '<Say language="en-GB" voice="Polly.Amy">To report a hate crime or incident, press 1. '
    "To report offensive graffiti, press 2. For an update on a case you have already reported, press 3. "
    "To speak to someone in our contact centre, press 0.</Say></Gather>"
    '<Redirect method="POST">/twilio/voice/step/main/menu?attempt=1</Redirect></Response>'
)

app = Flask(__name__)


@app.post("/twilio/voice")
def incoming_call() -> Response:
    return Response(STATIC_TWIML, mimetype="text/xml")
