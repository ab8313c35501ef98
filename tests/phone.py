"""A resident's phone for tests: plays the app's TwiML the way Twilio does.

Every request is signed with RequestValidator against the public URL, and
the next request always goes to the URL the TwiML named (a Gather's or
Record's action, a Redirect), never to one the test made up.
"""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from typing import Any

from twilio.request_validator import RequestValidator


class Phone:
    def __init__(self, client: Any, public_base_url: str, auth_token: str, from_number: str) -> None:
        self.client = client
        self.base = public_base_url
        self.validator = RequestValidator(auth_token)
        self.from_number = from_number
        self.call_sid = "CA" + secrets.token_hex(16)
        self.twiml: ET.Element | None = None
        self.response: Any = None
        self.last_request: tuple[str, dict[str, str]] | None = None
        self.heard: list[str] = []

    # -- transport -------------------------------------------------------------
    def post(self, url: str, extra: dict[str, str] | None = None, signed: bool = True) -> Any:
        form = {
            "CallSid": self.call_sid,
            "AccountSid": "AC" + "1" * 32,
            "From": self.from_number,
            "To": "+441214647269",
            "Direction": "inbound",
            **(extra or {}),
        }
        assert url.startswith(self.base), f"TwiML pointed at {url}, not at the public base URL"
        headers = {"X-Twilio-Signature": self.validator.compute_signature(url, form)} if signed else {}
        self.last_request = (url, form)
        return self.client.post(url[len(self.base) :], data=form, headers=headers, buffered=True)

    def _play(self, url: str, extra: dict[str, str] | None = None) -> Phone:
        self.response = self.post(url, extra)
        assert self.response.status_code == 200, self.response.get_data(as_text=True)
        assert self.response.mimetype == "text/xml"
        self.twiml = ET.fromstring(self.response.get_data(as_text=True))
        self.heard = [say.text or "" for say in self.twiml.iter("Say")]
        for say in self.twiml.iter("Say"):
            assert say.get("language") == "en-GB" and say.get("voice") == "Polly.Amy"
        return self

    # -- what the caller does --------------------------------------------------
    def dial(self) -> Phone:
        return self._play(f"{self.base}/twilio/voice")

    def press(self, digits: str) -> Phone:
        gather = self.verb("Gather")
        return self._play(gather.attrib["action"], {"Digits": digits})

    def stay_silent(self) -> Phone:
        """Nothing pressed or said: Twilio posts an empty Gather result, or skips a Record's action."""
        gather = self.twiml.find("Gather") if self.twiml is not None else None
        if gather is not None and gather.get("actionOnEmptyResult") == "true":
            return self._play(gather.attrib["action"], {"Digits": ""})
        return self._play(self.verb("Redirect").text or "")

    def record(self, seconds: int = 20, status_callback_first: bool = False) -> Phone:
        record = self.verb("Record")
        recording = {
            "RecordingSid": "RE" + secrets.token_hex(16),
            "RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/AC/Recordings/RE{self.call_sid[2:]}",
            "RecordingDuration": str(seconds),
        }
        if status_callback_first:
            self.recording_status(record, recording)
        self._play(record.attrib["action"], recording)
        self.last_recording = recording
        return self

    def recording_status(self, record: ET.Element, recording: dict[str, str]) -> Any:
        return self.post(record.attrib["recordingStatusCallback"], {**recording, "RecordingStatus": "completed"})

    def hang_up(self, status: str = "completed") -> Any:
        return self.post(f"{self.base}/twilio/voice/status", {"CallStatus": status, "CallDuration": "42"})

    def redeliver(self) -> Any:
        """Twilio retrying the last webhook exactly as it was."""
        assert self.last_request is not None
        url, form = self.last_request
        return self.client.post(
            url[len(self.base) :],
            data=form,
            headers={"X-Twilio-Signature": self.validator.compute_signature(url, form)},
            buffered=True,
        )

    # -- what the caller hears ---------------------------------------------------
    def verb(self, name: str) -> ET.Element:
        assert self.twiml is not None
        found = self.twiml.find(name)
        assert found is not None, f"no <{name}> in {ET.tostring(self.twiml).decode()}"
        return found

    @property
    def transcript(self) -> str:
        return " ".join(self.heard)

    def hears(self, text: str) -> bool:
        return text.lower() in self.transcript.lower()

    @property
    def hung_up(self) -> bool:
        return self.twiml is not None and self.twiml.find("Hangup") is not None


class Texter:
    """A resident's mobile texting the line: signed `POST /twilio/sms` requests, replies read from the TwiML."""

    def __init__(self, client: Any, public_base_url: str, auth_token: str, from_number: str) -> None:
        self.client = client
        self.url = f"{public_base_url}/twilio/sms"
        self.base = public_base_url
        self.validator = RequestValidator(auth_token)
        self.from_number = from_number
        self.last_form: dict[str, str] = {}

    def send(self, body: str, media: list[tuple[str, str]] | None = None, **extra: str) -> str | None:
        """Text `body`; returns our reply, or None when the line does not answer."""
        form = {
            "MessageSid": "SM" + secrets.token_hex(16),
            "AccountSid": "AC" + "1" * 32,
            "From": self.from_number,
            "To": "+441214647269",
            "Body": body,
            "NumMedia": str(len(media or [])),
        }
        for index, (url, content_type) in enumerate(media or []):
            form[f"MediaUrl{index}"], form[f"MediaContentType{index}"] = url, content_type
        form.update(extra)
        self.last_form = form
        return self._post(form)

    def resend(self) -> str | None:
        """Twilio delivering the same message again."""
        return self._post(self.last_form)

    def _post(self, form: dict[str, str]) -> str | None:
        signature = self.validator.compute_signature(self.url, form)
        response = self.client.post("/twilio/sms", data=form, headers={"X-Twilio-Signature": signature}, buffered=True)
        assert response.status_code == 200 and response.mimetype == "text/xml", response.get_data(as_text=True)
        messages = [m.text or "" for m in ET.fromstring(response.get_data(as_text=True)).iter("Message")]
        assert len(messages) <= 1
        return messages[0] if messages else None
