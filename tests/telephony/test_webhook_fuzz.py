"""Whatever a signed webhook holds, Twilio gets well-formed TwiML and never a 5xx.

Each route gets 2,000 form bodies from a seeded generator: Twilio's own
fields mostly well-formed, then dropped, replaced or joined by NUL bytes,
other scripts, look-alike digits, long strings, re-split SIDs and made-up
keys. Every body is signed as Twilio signs it, so the requests reach the
code behind the signature check.
"""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from app.extensions import db
from app.messaging.models import InboundMessage
from ivr_flows import phone_flows
from tests.conftest import ACCOUNT_SID, AUTH_TOKEN, PUBLIC_BASE_URL

BODIES_PER_ROUTE = 2000
LINE = "+441214647269"
NUMBERS = [f"+4479111234{n:02d}" for n in range(12)] + ["anonymous", "+266696687", "88020", "BIRMCC", LINE]
ODD_TEXT = [
    "\x00",
    "a\x00b",
    "\x00" * 40,
    "²",
    "٣",
    "１２",
    "-1",
    "1e9",
    " 1 ",
    "99999999999999999999",
    "😡" * 30,
    "مرحبا",
    "e\u0301",
    "\u202eevil",
    "<Say>hi</Say>&amp;",
    "]]>",
    "\r\n\t",
    "%00",
    "null",
    "STOP",
    "REPORT",
    "yes",
    "#",
    "1",
    "0",
]
KEYS = ["Body", "From", "To", "NumMedia", "MediaUrl0", "Digits", "CallStatus", "RecordingSid", "Caller", "x"]


class FormMaker:
    """Form bodies for one route, the same ones on every run."""

    def __init__(self, seed: str, base: Callable[[FormMaker], dict[str, str]]) -> None:
        self.rng = random.Random(seed)
        self.base = base
        self.call_sids = [self.sid("CA") for _ in range(8)]  # reused, so later requests find calls in progress

    def sid(self, prefix: str) -> str:
        return prefix + f"{self.rng.getrandbits(128):032x}"

    def call_sid(self) -> str:
        return self.rng.choice(self.call_sids) if self.rng.random() < 0.7 else self.sid("CA")

    def text(self, longest: int = 40) -> str:
        alphabet = "abcXYZ019 +#*\x00\n²٣😡ł\u200b<&\"'"
        return "".join(self.rng.choices(alphabet, k=self.rng.randint(0, longest)))

    def value(self) -> str:
        """Something a field should never hold, or might."""
        pick = self.rng.random()
        if pick < 0.35:
            return self.rng.choice(ODD_TEXT)
        if pick < 0.6:
            return self.text()
        if pick < 0.65:
            return self.text(3000)  # long: more than any column holds
        if pick < 0.8:  # a SID of the wrong kind, or one that absorbed the next key's name and value
            sid = self.sid(self.rng.choice(["CA", "SM", "MM", "RE", "AC", "XX", "sm"]))
            return sid + self.rng.choice(["", "NumMedia0", "To+441214647269", "\x00", "A"])
        if pick < 0.9:
            return self.rng.choice(NUMBERS)
        return ""

    def form(self) -> dict[str, str]:
        form = self.base(self)
        if self.rng.random() < 0.08:
            form["AccountSid"] = self.rng.choice(["AC" + "2" * 32, "", ACCOUNT_SID + "CallSid"])
        for key in list(form):
            roll = self.rng.random()
            if roll < 0.07:
                del form[key]
            elif roll < 0.3 and key != "AccountSid":
                form[key] = self.value()
        for _ in range(self.rng.choice([0, 0, 0, 1, 3])):
            key = self.rng.choice([*KEYS, self.text(12)])
            form[key] = self.value()
        return form


def call_form(maker: FormMaker) -> dict[str, str]:
    return {
        "AccountSid": ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
        "CallSid": maker.call_sid(),
        "From": maker.rng.choice(NUMBERS),
        "To": LINE,
        "Direction": "inbound",
        "CallStatus": "in-progress",
    }


def step_form(maker: FormMaker) -> dict[str, str]:
    form = {**call_form(maker), "Digits": maker.rng.choice(["1", "2", "3", "0", "", "07700900123#", "123456"])}
    if maker.rng.random() < 0.3:
        form |= recording_fields(maker)
    return form


def recording_fields(maker: FormMaker) -> dict[str, str]:
    sid = maker.sid("RE")
    return {
        "RecordingSid": sid,
        "RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/{sid}",
        "RecordingDuration": maker.rng.choice(["0", "1", "30", "600", "²"]),
    }


def text_form(maker: FormMaker) -> dict[str, str]:
    sid = maker.sid(maker.rng.choice(["SM", "MM"]))
    form = {
        "AccountSid": ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
        "MessageSid": sid,
        "SmsSid": sid,
        "SmsMessageSid": sid,
        "From": maker.rng.choice(NUMBERS),
        "To": LINE,
        "Body": maker.rng.choice(["REPORT", "hello", "STOP", "START", "HELP", "yes", "They shouted at me " * 3]),
        "NumMedia": "0",
        "NumSegments": "1",
    }
    for index in range(maker.rng.choice([0, 0, 0, 1, 2])):
        form["NumMedia"] = str(index + 1)
        form[f"MediaUrl{index}"] = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Media/ME{index}"
        form[f"MediaContentType{index}"] = maker.rng.choice(["image/jpeg", "image/" + "x" * 150])
    if maker.rng.random() < 0.1:
        form["OptOutType"] = maker.rng.choice(["STOP", "START", "HELP"])
    return form


def status_form(maker: FormMaker) -> dict[str, str]:
    sid = maker.sid("SM")
    status = maker.rng.choice(["queued", "sent", "delivered", "undelivered", "failed", "read"])
    return {"AccountSid": ACCOUNT_SID, "MessageSid": sid, "MessageStatus": status, "ErrorCode": "30003"}


def step_paths(maker: FormMaker) -> str:
    address = maker.rng.choice([*phone_flows().steps, "main.nowhere"])
    flow, step = address.split(".")
    attempt = maker.rng.choice(["1", "2", "3", "²", "-1", "99999999999", ""])
    return f"/twilio/voice/step/{flow}/{step}?attempt={attempt}"


ROUTES: dict[str, tuple[Callable[[FormMaker], str], Callable[[FormMaker], dict[str, str]]]] = {
    "voice": (lambda _: "/twilio/voice", call_form),
    "step": (step_paths, step_form),
    "status": (
        lambda _: "/twilio/voice/status",
        lambda m: call_form(m) | {"CallStatus": m.rng.choice(["completed", "busy", "no-answer", "ringing"])},
    ),
    "recording": (
        lambda m: "/twilio/voice/recording?purpose=" + m.rng.choice(["account", "location", "x" * 30]),
        lambda m: call_form(m) | recording_fields(m) | {"RecordingStatus": "completed"},
    ),
    "transcription": (
        lambda _: "/twilio/voice/transcription",
        lambda m: (
            call_form(m)
            | {"RecordingSid": m.sid("RE"), "TranscriptionStatus": "completed", "TranscriptionText": "they shouted"}
        ),
    ),
    "dial-result": (
        lambda _: "/twilio/voice/dial-result",
        lambda m: call_form(m) | {"DialCallStatus": m.rng.choice(["completed", "no-answer", "busy"])},
    ),
    "connect": (lambda _: "/twilio/voice/connect", lambda m: call_form(m) | {"Digits": "0"}),
    "fallback": (lambda _: "/twilio/voice/fallback", lambda m: call_form(m) | {"ErrorCode": "11200"}),
    "sms": (lambda _: "/twilio/sms", text_form),
    "sms-status": (lambda _: "/twilio/sms/status", status_form),
}


def post_signed(client: Any, validator: RequestValidator, path: str, form: dict[str, str]) -> Any:
    signature = validator.compute_signature(f"{PUBLIC_BASE_URL}{path}", form)
    return client.post(path, data=form, headers={"X-Twilio-Signature": signature})


@pytest.mark.parametrize("route", list(ROUTES))
def test_no_signed_body_gets_a_5xx_or_anything_but_twiml(client, route):
    path_for, base = ROUTES[route]
    maker = FormMaker(f"webhook-fuzz-{route}", base)
    validator = RequestValidator(AUTH_TOKEN)
    statuses: Counter[int] = Counter()
    accepted_texts: set[str] = set()
    for _ in range(BODIES_PER_ROUTE):
        path, form = path_for(maker), maker.form()
        response = post_signed(client, validator, path, form)
        body = response.get_data(as_text=True)
        assert response.status_code < 500, (path, form)
        assert response.mimetype == "text/xml", (path, form, body[:200])
        assert ET.fromstring(body).tag == "Response", (path, form, body[:200])
        statuses[response.status_code] += 1
        if route == "sms" and response.status_code == 200:
            accepted_texts.add(form.get("MessageSid") or form.get("SmsSid", ""))
    assert statuses[200] > BODIES_PER_ROUTE // 3, f"too few bodies reached the code behind the checks: {statuses}"
    assert statuses[403] > 0, "some bodies name another account"
    if route == "sms":
        stored = select(func.count()).select_from(InboundMessage).where(InboundMessage.message_sid.in_(accepted_texts))
        assert db.session.scalar(stored) == len(accepted_texts), "every text answered 200 is stored"
