"""A resident rings the line and reports a hate crime, start to finish."""

from __future__ import annotations

from sqlalchemy import select

from app.casework.models import Case, PhoneCall, Recording, Task
from app.extensions import db
from app.messaging.models import OutboundMessage
from tests.conftest import RESIDENT

FULL_REPORT = ["2", "1", "2", "2", "2"]  # danger now no, before yes, unsafe no, support no, adjustment no


def report_everything(phone, safe_to_text="1"):
    phone.dial().press("1")
    for key in FULL_REPORT:
        phone.press(key)
    phone.press("1")  # race or ethnicity
    phone.record(seconds=35)
    phone.press("1")  # call me on this number
    phone.press(safe_to_text)
    phone.press("2")  # no visit
    phone.press("1")  # consent to referral
    return phone


def the_case() -> Case:
    return db.session.scalars(select(Case)).one()


def test_greeting_gives_the_999_advice_before_the_menu(phone):
    phone.dial()
    assert phone.heard[0].startswith("If you are in immediate danger, hang up and call 999.")
    gather = phone.verb("Gather")
    assert gather.get("language") == "en-GB"
    assert "press 1" in phone.transcript and "press 0" in phone.transcript
    assert phone.verb("Redirect").text == gather.get("action"), "no input must not end the call"


def test_full_report_creates_a_case_with_callback_due_next_working_day(phone, at):
    with at("2026-11-27 18:30"):  # a Friday evening
        report_everything(phone)
    case = the_case()
    assert case.reference.startswith("HC-") and len(case.reference) == 9
    assert case.channel == "phone" and case.caller_phone == RESIDENT == case.callback_phone
    assert case.strands == ["race"]
    assert case.risk_level == "medium"  # a repeat incident
    assert case.safe_to_text is True and case.visit_requested is False and case.referral_consent is True
    assert case.incomplete_call is False
    task = db.session.scalars(select(Task).where(Task.case_id == case.id)).one()
    assert task.kind == "risk_assessment_callback"
    assert task.due_at.isoformat() == "2026-11-30T17:00:00+00:00"  # Monday 5pm
    assert phone.hears("by 5pm on Monday 30 November")
    digits = ", ".join(case.reference[3:])
    assert phone.hears(f"H, C, {digits}")
    assert phone.hears("call 999") and phone.hung_up


def test_recording_url_and_duration_are_kept_on_the_case(phone):
    report_everything(phone)
    recording = db.session.scalars(select(Recording)).one()
    assert recording.case_id == the_case().id
    assert recording.url == phone.last_recording["RecordingUrl"]
    assert recording.duration_seconds == 35


def test_confirmation_text_is_queued_only_when_safe(phone, call_from):
    report_everything(phone, safe_to_text="1")
    message = db.session.scalars(select(OutboundMessage)).one()
    assert message.to_phone == RESIDENT and the_case().reference in message.body
    assert "hate crime" not in message.body.lower()
    assert phone.hears("send you a text")

    other = call_from("+447912345678")
    report_everything(other, safe_to_text="2")
    assert len(db.session.scalars(select(OutboundMessage)).all()) == 1
    assert not other.hears("send you a text")


def test_call_state_is_kept_in_the_database_not_cookies(phone):
    phone.dial().press("1").press("1")
    call = db.session.scalars(select(PhoneCall)).one()
    assert call.answers == {"danger_now": True}
    assert "Set-Cookie" not in phone.response.headers


def test_the_officer_is_told_what_to_arrange_for_the_call(phone):
    phone.dial().press("1")
    for key in ("2", "2", "2", "2", "1"):  # ... and yes, an interpreter is needed
        phone.press(key)
    phone.press("2").record().press("1").press("2").press("1").press("1")  # phone only, a visit, referral
    task = db.session.scalars(select(Task)).one()
    assert "An interpreter or another adjustment is needed" in task.note
    assert "a visit is requested" in task.note and "phone only: do not text" in task.note


def test_an_answer_to_a_call_whose_first_webhook_never_arrived_is_kept(phone):
    """Twilio's first request lost (a deploy, a timeout): the first answer we hear starts the call's row."""
    phone._play(f"{phone.base}/twilio/voice/step/report/danger_now", {"Digits": "2"})
    call = db.session.scalars(select(PhoneCall)).one()
    assert call.call_sid == phone.call_sid and call.from_phone == RESIDENT
    assert call.answers == {"danger_now": False} and call.flow == "report"
    assert phone.hears("Has this happened to you or your household before?")


def test_a_number_keyed_again_replaces_the_first_and_the_case_calls_the_second(phone):
    phone.dial().press("1")
    for key in FULL_REPORT:
        phone.press(key)
    phone.press("1").record().press("2")  # race; a recording; call me on another number
    phone.press("07912345678#")
    assert phone.hears("0, 7, 9, 1, 2, 3, 4, 5, 6, 7, 8")
    phone.press("2").press("07911123456#")  # no, key it again
    assert phone.hears("0, 7, 9, 1, 1, 1, 2, 3, 4, 5, 6")
    phone.press("1").press("1").press("2").press("1")  # right; safe to text; no visit; referral
    call = db.session.scalars(select(PhoneCall)).one()
    assert call.answers["callback_number"] == "+447911123456"
    assert the_case().callback_phone == "+447911123456"
