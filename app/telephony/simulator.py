"""`flask ivr call`: a phone in the terminal, for trying the line and training staff.

It behaves like Twilio towards the running app: it posts signed webhooks,
reads each <Say> aloud (as text), asks for keys at a <Gather>, takes a typed
"recording" at a <Record>, follows <Redirect>s and action URLs, and sends
the call status callback when the call ends (Ctrl-D or Ctrl-C hangs up).
"""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from collections.abc import Callable
from urllib.parse import urlsplit

import click
import requests
from twilio.request_validator import RequestValidator


class PhoneSimulator:
    def __init__(
        self,
        app_url: str,
        public_base_url: str,
        auth_token: str,
        from_number: str,
        to_number: str,
        ask: Callable[[str], str] | None = None,
        show: Callable[[str], None] | None = None,
    ) -> None:
        self.app_url = app_url.rstrip("/")
        self.public_base_url = public_base_url.rstrip("/")
        self.validator = RequestValidator(auth_token)
        self.call_sid = "CA" + secrets.token_hex(16)
        self.base_form = {
            "CallSid": self.call_sid,
            "AccountSid": "AC" + "0" * 32,
            "From": from_number,
            "To": to_number,
            "Direction": "inbound",
        }
        self.ask = ask or (lambda prompt: click.prompt(prompt, default="", show_default=False))
        self.show = show or click.echo

    def post(self, public_url: str, extra: dict[str, str] | None = None) -> str:
        """POST a signed webhook to the app; `public_url` is the address Twilio would call."""
        form = {**self.base_form, **(extra or {})}
        parts = urlsplit(public_url)
        local_url = f"{self.app_url}{parts.path}" + (f"?{parts.query}" if parts.query else "")
        signature = self.validator.compute_signature(public_url, form)
        reply = requests.post(local_url, data=form, headers={"X-Twilio-Signature": signature}, timeout=20)
        reply.raise_for_status()
        return reply.text

    def run(self) -> None:
        self.show(f"Calling the hate crime line as {self.base_form['From']} (Ctrl-D hangs up)...\n")
        try:
            document: str | None = self.post(f"{self.public_base_url}/twilio/voice")
            while document is not None:
                document = self.play(document)
        except (EOFError, KeyboardInterrupt, click.Abort):
            self.show("\n[you hung up]")
        self.post(f"{self.public_base_url}/twilio/voice/status", {"CallStatus": "completed", "CallDuration": "60"})
        self.show("[call ended]")

    def play(self, document: str) -> str | None:
        """Play one TwiML document; returns the next document, or None when the call ends."""
        for verb in ET.fromstring(document):
            if verb.tag == "Say":
                self.show(f"  LINE: {verb.text}")
            elif verb.tag == "Gather":
                for said in verb.iter("Say"):
                    self.show(f"  LINE: {said.text}")
                keys = self.ask("  YOUR KEYS").strip()
                if keys or verb.get("actionOnEmptyResult") == "true":
                    return self.post(verb.attrib["action"], {"Digits": keys})
            elif verb.tag == "Record":
                spoken = self.ask("  (beep) SAY SOMETHING (type it, or press Enter to stay silent)").strip()
                if spoken:  # Twilio skips the action of an empty recording and plays the next verb
                    return self.record(verb, spoken)
            elif verb.tag == "Dial":
                self.show(f"  [connecting you to {verb.text}]")
                answered = self.ask("  Did someone answer? (y/n)").lower().startswith("y")
                return self.post(verb.attrib["action"], {"DialCallStatus": "completed" if answered else "no-answer"})
            elif verb.tag == "Redirect":
                return self.post(str(verb.text))
            elif verb.tag == "Hangup":
                return None
        return None

    def record(self, verb: ET.Element, spoken: str) -> str:
        recording = {
            "RecordingSid": "RE" + secrets.token_hex(16),
            "RecordingUrl": f"https://api.twilio.com/simulated/{self.call_sid}",
            "RecordingDuration": str(max(1, len(spoken.split()) // 2)),
        }
        if verb.get("recordingStatusCallback"):
            self.post(verb.attrib["recordingStatusCallback"], {**recording, "RecordingStatus": "completed"})
        return self.post(verb.attrib["action"], recording)
