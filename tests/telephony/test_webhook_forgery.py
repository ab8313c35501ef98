"""Signed is not enough: a webhook must name our account and carry SIDs in Twilio's format.

Twilio's signature joins keys and values with no separator, so a captured
request whose SID absorbs the next key's name and value still validates.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from sqlalchemy import func, select

from app.casework.models import PhoneCall, Recording
from app.extensions import db
from app.messaging.models import InboundMessage
from tests.conftest import ACCOUNT_SID, PUBLIC_BASE_URL
from tests.telephony.test_report_call import report_everything

ANOTHER_ACCOUNT = "AC" + "2" * 32


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def resplit(form: dict[str, str], sid_key: str, absorbed_key: str) -> dict[str, str]:
    """`form` with `sid_key`'s value extended by the next key's name and value, and that key dropped."""
    keys = sorted(form)
    assert keys[keys.index(sid_key) + 1] == absorbed_key, "the absorbed key must follow the SID's"
    forged = {key: value for key, value in form.items() if key != absorbed_key}
    forged[sid_key] = form[sid_key] + absorbed_key + form[absorbed_key]
    return forged


def post_as_twilio(client, validator, path: str, form: dict[str, str]):
    signature = validator.compute_signature(f"{PUBLIC_BASE_URL}{path}", form)
    return client.post(path, data=form, headers={"X-Twilio-Signature": signature})


def is_twiml(response) -> bool:
    return response.mimetype == "text/xml" and ET.fromstring(response.get_data(as_text=True)).tag == "Response"


# -- texts --------------------------------------------------------------------------------


def test_a_replayed_text_whose_message_sid_absorbed_the_next_field_is_refused(texter):
    texter.send("hello")
    forged = resplit(texter.last_form, "MessageSid", "NumMedia")
    url = f"{PUBLIC_BASE_URL}/twilio/sms"
    assert texter.validator.compute_signature(url, forged) == texter.validator.compute_signature(url, texter.last_form)
    response = post_as_twilio(texter.client, texter.validator, "/twilio/sms", forged)
    assert response.status_code == 400 and is_twiml(response)
    assert count(InboundMessage) == 1, "not stored as a second message"


def test_a_signed_text_for_another_account_is_refused(texter):
    form = {**texter.last_form, "MessageSid": "SM" + "a" * 32, "AccountSid": ANOTHER_ACCOUNT, "Body": "hi"}
    response = post_as_twilio(texter.client, texter.validator, "/twilio/sms", form)
    assert response.status_code == 403 and is_twiml(response)
    del form["AccountSid"]
    assert post_as_twilio(texter.client, texter.validator, "/twilio/sms", form).status_code == 403
    assert count(InboundMessage) == 0


def test_a_status_callback_with_a_malformed_message_sid_is_refused(texter):
    form = {"AccountSid": ACCOUNT_SID, "MessageSid": "SM" + "a" * 31 + "MessageStatus", "MessageStatus": "failed"}
    response = post_as_twilio(texter.client, texter.validator, "/twilio/sms/status", form)
    assert response.status_code == 400 and is_twiml(response)


# -- calls --------------------------------------------------------------------------------


def test_a_replayed_call_whose_call_sid_absorbed_the_next_field_gets_the_apology_and_stores_nothing(phone):
    form = {"AccountSid": ACCOUNT_SID, "CallSid": phone.call_sid, "Direction": "inbound", "From": phone.from_number}
    forged = resplit(form, "CallSid", "Direction")
    response = post_as_twilio(phone.client, phone.validator, "/twilio/voice", forged)
    assert response.status_code == 200 and is_twiml(response)
    assert "something went wrong" in response.get_data(as_text=True)
    assert count(PhoneCall) == 0


def test_a_call_without_a_call_sid_hears_the_apology_not_twilios_error(phone):
    form = {"AccountSid": ACCOUNT_SID, "From": phone.from_number, "To": "+441214647269"}
    response = post_as_twilio(phone.client, phone.validator, "/twilio/voice", form)
    assert response.status_code == 200 and is_twiml(response)
    assert "call 999" in response.get_data(as_text=True)
    step = post_as_twilio(phone.client, phone.validator, "/twilio/voice/step/main/menu?attempt=1", form)
    assert step.status_code == 200 and is_twiml(step) and count(PhoneCall) == 0


def test_a_callback_without_a_call_sid_is_refused_with_twiml(phone):
    form = {"AccountSid": ACCOUNT_SID, "CallStatus": "completed"}
    response = post_as_twilio(phone.client, phone.validator, "/twilio/voice/status", form)
    assert response.status_code == 400 and is_twiml(response)


def test_a_replayed_recording_callback_whose_recording_sid_absorbed_the_status_stores_nothing_new(phone):
    report_everything(phone)
    path = "/twilio/voice/recording?purpose=account"
    form = {
        "AccountSid": ACCOUNT_SID,
        "CallSid": phone.call_sid,
        **phone.last_recording,
        "RecordingStatus": "completed",
    }
    forged = resplit(form, "RecordingSid", "RecordingStatus")  # a missing status reads as "completed"
    response = post_as_twilio(phone.client, phone.validator, path, forged)
    assert response.status_code == 400 and is_twiml(response)
    assert count(Recording) == 1


def test_a_signed_call_for_another_account_is_refused(phone):
    response = phone.post(f"{phone.base}/twilio/voice", {"AccountSid": ANOTHER_ACCOUNT})
    assert response.status_code == 403 and is_twiml(response)
    assert count(PhoneCall) == 0


def test_a_step_that_no_longer_exists_apologises_instead_of_a_404(phone):
    """A release that renames a step mid-call: the caller still hears what to do."""
    phone.dial()
    phone._play(f"{phone.base}/twilio/voice/step/main/renamed_step?attempt=1", {"Digits": "1"})
    assert phone.hears("something went wrong") and phone.hears("call 999")
