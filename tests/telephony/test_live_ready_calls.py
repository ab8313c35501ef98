"""What a caller hears must be true and safe; nothing they gave us is lost (issue 8, phone items)."""

from __future__ import annotations

import logging

from sqlalchemy import select

from app.casework.models import Case, Task
from app.extensions import db
from app.messaging.models import OutboundMessage, PhoneOptOut
from tests.api.test_cases_api import get, token  # noqa: F401  (the API token fixture)
from tests.conftest import AUTH_TOKEN, PUBLIC_BASE_URL, RESIDENT
from tests.phone import Phone
from tests.telephony.test_report_call import FULL_REPORT, report_everything
from tests.workers.test_confirmation_text import run_worker

UNKNOWN_TO_THE_NUMBERING_PLAN = "+447700900123"  # Ofcom's drama range: real E.164, "invalid" to phonenumbers


def the_case() -> Case:
    return db.session.scalars(select(Case)).one()


def report_with_danger(phone: Phone) -> Phone:
    phone.dial().press("1").press("1")  # someone is in danger now
    for key in FULL_REPORT[1:]:
        phone.press(key)
    phone.press("1").record(seconds=30).press("1").press("1").press("2").press("1")
    return phone


def test_yes_to_danger_now_gets_the_999_advice_before_the_next_question(phone):
    phone.dial().press("1").press("1")
    said = phone.transcript
    assert "hang up and call 999" in said and "press 55" in said
    assert said.index("press 55") < said.index("happened to you or your household before")


def test_no_to_danger_now_goes_straight_to_the_next_question(phone):
    phone.dial().press("1").press("2")
    assert not phone.hears("press 55") and phone.hears("happened to you or your household before")


def test_a_high_risk_caller_hears_only_what_is_true_when_no_duty_manager_exists(app, phone, redis, caplog):
    report_with_danger(phone)
    assert phone.hears("marked your case as a priority")
    assert not phone.hears("has been told"), "nobody has been told anything yet"
    with caplog.at_level(logging.ERROR):
        run_worker(app, redis)
    case = the_case()
    db.session.refresh(case)
    assert case.risk_level == "high" and case.duty_alert_failed_at is not None
    assert any(r.levelno == logging.ERROR and case.reference in r.getMessage() for r in caplog.records)
    listed = app.test_cli_runner().invoke(args=["jobs", "failed"]).output
    assert f"case {case.reference}" in listed and "no duty manager could be told" in listed


def test_a_high_risk_case_told_to_the_duty_manager_is_not_raised(app, officers, phone, redis):
    report_with_danger(phone)
    run_worker(app, redis)
    case = the_case()
    db.session.refresh(case)
    assert case.duty_alert_failed_at is None
    assert "needs attention" not in app.test_cli_runner().invoke(args=["jobs", "failed"]).output


def test_a_number_the_numbering_plan_does_not_know_is_kept_and_can_be_called(client, call_from, token):  # noqa: F811
    caller = call_from(UNKNOWN_TO_THE_NUMBERING_PLAN)
    report_everything(caller)
    case = the_case()
    assert case.caller_phone == UNKNOWN_TO_THE_NUMBERING_PLAN == case.callback_phone
    assert db.session.scalars(select(Task)).one().phone == UNKNOWN_TO_THE_NUMBERING_PLAN
    shown = get(client, f"/api/v1/cases/{case.reference}", token).get_json()
    assert shown["caller_phone"] == UNKNOWN_TO_THE_NUMBERING_PLAN and shown["caller_phone_verified"] is False
    found = get(client, f"/api/v1/cases?phone={UNKNOWN_TO_THE_NUMBERING_PLAN}", token).get_json()
    assert [c["reference"] for c in found["cases"]] == [case.reference]


WITHHELD = "+7378742833"  # one of Twilio's placeholders for a withheld number


def reported_up_to_the_callback(phone: Phone) -> Phone:
    phone.dial().press("1")
    for key in FULL_REPORT:
        phone.press(key)
    return phone.press("1").record(seconds=35)


def test_a_withheld_caller_is_asked_for_a_number_and_never_offered_the_one_we_cannot_see(call_from):
    phone = reported_up_to_the_callback(call_from(WITHHELD))
    assert phone.hears("We cannot see the number you are calling from") and phone.hears("key in the phone number")
    assert not phone.hears("the number you are calling from, press 1")
    phone.press("07912345678#").press("1")  # the number, and yes, that is right
    phone.press("2").press("2").press("1")  # phone only; no visit; referral
    assert phone.hears("An investigating officer will call you back by")
    case = the_case()
    assert case.caller_phone is None and case.callback_phone == "+447912345678"


def test_a_withheld_caller_who_keys_no_number_is_not_promised_a_call_and_the_officer_knows(call_from):
    phone = reported_up_to_the_callback(call_from(WITHHELD))
    for _ in range(3):
        phone.press("123#")
    phone.press("2").press("2").press("1")
    assert phone.hears("We do not have a number to call you back on") and phone.hears("0121 464 7269")
    assert not phone.hears("will call you back by")
    case = the_case()
    assert case.callback_phone is None and phone.hears("Your reference is"), "to quote when they call again"
    task = db.session.scalars(select(Task)).one()
    assert "no number to call back" in task.note


def test_a_silent_withheld_caller_is_not_told_we_will_call_this_number(call_from):
    phone = call_from(WITHHELD).dial()
    for _ in range(3):
        phone.stay_silent()
    assert phone.hears("we cannot see your number to call you back")
    assert not phone.hears("call this number back")


def test_a_call_swept_after_midnight_is_due_from_when_the_caller_rang(phone, app, at):
    """Rang at 23:45 on Thursday and dropped; the sweep opens the case on Friday, due Friday 5pm, not Monday."""
    with at("2026-11-26 23:45"):
        phone.dial().press("1").press("2").press("1")
    with at("2026-11-27 00:20"):
        result = app.test_cli_runner().invoke(args=["jobs", "run", "incomplete-calls"])
    assert result.exit_code == 0, result.output
    task = db.session.scalars(select(Task)).one()
    assert task.due_at.isoformat() == "2026-11-27T17:00:00+00:00"
    assert the_case().created_at.isoformat() == "2026-11-26T23:45:00+00:00"


def test_a_callback_number_is_read_back_and_can_be_keyed_again(phone):
    phone.dial().press("1")
    for key in FULL_REPORT:
        phone.press(key)
    phone.press("1").record().press("2")
    phone.stay_silent()
    assert phone.hears("didn't catch that"), "silence is not a wrong number"
    phone.press("0121464#")
    assert phone.hears("that is not a full UK phone number")
    phone.press("07912345678#")
    assert phone.hears("You keyed 0, 7, 9, 1, 2, 3, 4, 5, 6, 7, 8.")
    phone.press("2")  # key it again
    assert phone.hears("key in the phone number")
    phone.press("01214960000#").press("1")
    assert phone.hears("safe for us to send you text messages")
    phone.press("2").press("2").press("1")
    assert the_case().callback_phone == "+441214960000"


def keyed_and_read_back(phone: Phone, number: str = "07912345678#") -> Phone:
    phone.dial().press("1")
    for key in FULL_REPORT:
        phone.press(key)
    phone.press("1").record().press("2").press(number)
    assert phone.hears("You keyed 0, 7, 9, 1, 2, 3, 4, 5, 6, 7, 8.")
    return phone


def test_a_wrong_key_or_silence_at_the_read_back_asks_again_with_the_number(phone, caplog):
    keyed_and_read_back(phone)
    phone.press("3")
    assert phone.hears("didn't catch that") and phone.hears("You keyed 0, 7, 9, 1, 2, 3, 4, 5, 6, 7, 8.")
    phone.stay_silent()
    assert phone.hears("You keyed 0, 7, 9, 1, 2, 3, 4, 5, 6, 7, 8. If that is right, press 1")
    assert not phone.hears("something went wrong") and "Traceback" not in caplog.text
    phone.press("1").press("1").press("2").press("1")
    assert the_case().callback_phone == "+447912345678" and not the_case().incomplete_call


def test_a_number_the_caller_said_was_wrong_is_never_the_one_called(phone, call_from):
    keyed_and_read_back(phone).press("2")  # no, key it again
    for _ in range(3):
        phone.press("0121#")  # and never manages a whole number
    assert phone.hears("safe for us to send you text messages")
    phone.press("1").press("2").press("1")
    assert the_case().callback_phone == RESIDENT, "the number they are calling from, not the one they rejected"

    dropped = call_from("+447700900123")
    keyed_and_read_back(dropped).press("2").hang_up()  # "key it again", then the line drops
    assert db.session.scalars(select(Case).where(Case.caller_phone == "+447700900123")).one().callback_phone == (
        "+447700900123"
    )


def test_option_3_names_the_officer_who_has_the_callback(officers, phone, call_from, at):
    with at("2026-11-25 10:00"):
        report_everything(phone)
    case = the_case()
    owner = db.session.scalars(select(Task)).one().assignee
    assert owner is not None and case.officer is None
    again = call_from(RESIDENT)
    with at("2026-11-25 15:00"):
        again.dial().press("3").press(case.reference_digits)
    assert again.hears(f"{owner.name} has your case and will call you")
    assert not again.hears("not been assigned")


def test_option_0_with_no_contact_centre_number_says_it_cannot_connect_and_offers_the_report(make_app, at):
    unconnected = make_app(CONTACT_CENTRE_NUMBER="")
    with unconnected.app_context():
        caller = Phone(unconnected.test_client(), PUBLIC_BASE_URL, AUTH_TOKEN, RESIDENT)
        with at("2026-11-25 14:00"):  # a Wednesday afternoon: the centre's hours
            caller.dial().press("0")
    assert caller.hears("cannot put you through to the contact centre")
    assert not caller.hears("closed") and not caller.hears("9am")
    assert caller.hears("To report a hate crime or incident, press 1")


def test_a_recording_longer_than_twilio_transcribes_says_to_listen(client, phone, token):  # noqa: F811
    phone.dial().press("1")
    for key in FULL_REPORT:
        phone.press(key)
    phone.press("1").record(seconds=150).press("1").press("1").press("2").press("1")
    case = the_case()
    shown = get(client, f"/api/v1/cases/{case.reference}", token).get_json()
    assert shown["recordings"][0]["transcription_note"] == "not transcribed: listen to the recording"


def test_the_case_json_says_why_the_case_has_its_risk_level(client, phone, token):  # noqa: F811
    report_with_danger(phone)
    risk = get(client, f"/api/v1/cases/{the_case().reference}", token).get_json()["risk"]
    assert risk["level"] == "high"
    assert risk["answers"] == {
        "danger_now": True,
        "happened_before": True,
        "unsafe_at_home": False,
        "support_needs": False,
        "needs_adjustment": False,
    }
    assert risk["reasons"] == ["Someone was in danger when they reported.", "It has happened before."]


def test_a_caller_whose_number_has_opted_out_is_not_promised_a_text(phone):
    """They said texts are safe, but the number sent STOP before: no text will come, so none is promised."""
    db.session.add(PhoneOptOut(phone=RESIDENT, opted_out=True, source="text_stop"))
    db.session.commit()
    report_everything(phone)
    assert phone.hears("reference")
    assert not phone.hears("send you a text")
    assert db.session.scalars(select(OutboundMessage).where(OutboundMessage.status == "pending")).all() == []


def test_a_caller_who_may_be_texted_is_promised_the_text_that_is_queued(phone):
    report_everything(phone)
    assert phone.hears("We will also send you a text with your reference.")
    assert len(db.session.scalars(select(OutboundMessage).where(OutboundMessage.status == "pending")).all()) == 1
