"""`flask ivr call`: a phone in the terminal, for trying the line and training staff.

It behaves like Twilio towards the running app: it posts signed webhooks,
reads each <Say> aloud (as text), asks for keys at a <Gather>, takes a typed
"recording" at a <Record>, follows <Redirect>s and action URLs, and sends
the call status callback when the call ends (Ctrl-D or Ctrl-C hangs up).

The app checks every signature against its own PUBLIC_BASE_URL, which a
terminal cannot see: the first request is signed for each candidate in turn,
and if the app refuses them all the error says exactly what to pass.
"""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

import click
import requests
from twilio.request_validator import RequestValidator


class SimulatorError(Exception):
    """The call could not go ahead; the message says what to do."""


class SignatureRefused(SimulatorError):
    """The app answered 403: it did not accept the signature for this URL."""


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
        also_signed_for: Sequence[str] = (),
        account_sid: str = "AC" + "0" * 32,
    ) -> None:
        self.app_url = app_url.rstrip("/")
        self.public_base_url = public_base_url.rstrip("/")
        self.candidate_base_urls = list(dict.fromkeys(u.rstrip("/") for u in (public_base_url, *also_signed_for)))
        self.validator = RequestValidator(auth_token)
        self.call_sid = "CA" + secrets.token_hex(16)
        self.base_form = {
            "CallSid": self.call_sid,
            "AccountSid": account_sid,  # the app refuses a webhook for another account
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
        try:
            reply = requests.post(local_url, data=form, headers={"X-Twilio-Signature": signature}, timeout=20)
        except requests.ConnectionError as error:
            raise SimulatorError(
                f"nothing answers at {self.app_url}: is `make run` running? Pass --url where the app listens."
            ) from error
        if reply.status_code == 403:
            raise SignatureRefused(public_url)
        if reply.status_code >= 400:
            raise SimulatorError(f"the app answered {reply.status_code} to {parts.path}")
        return reply.text

    def dial(self) -> str:
        """The call's first webhook, signed for each candidate PUBLIC_BASE_URL until the app accepts one."""
        for base_url in self.candidate_base_urls:
            try:
                document = self.post(f"{base_url}/twilio/voice")
            except SignatureRefused:
                continue
            if base_url != self.public_base_url:
                self.show(f"[the app checks signatures against {base_url}: next time pass --public-url {base_url}]")
            self.public_base_url = base_url
            return document
        tried = ", ".join(self.candidate_base_urls)
        raise SimulatorError(
            f"the app at {self.app_url} refused the signature (403) for every public URL tried: {tried}.\n"
            "It checks each request against its own PUBLIC_BASE_URL and TWILIO_AUTH_TOKEN. Pass the PUBLIC_BASE_URL "
            "it was started with (`make run` prints the whole command):\n"
            f"    .venv/bin/flask --app app ivr call --url {self.app_url} --public-url <its PUBLIC_BASE_URL>\n"
            "and run it from the same checkout and environment as the app, so the auth token matches "
            "(TWILIO_AUTH_TOKEN, or instance/local-secrets.json when it is unset)."
        )

    def run(self) -> None:
        self.show(f"Calling the hate crime line as {self.base_form['From']} (Ctrl-D hangs up)...\n")
        document: str | None = self.dial()
        try:
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
