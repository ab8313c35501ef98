"""Every way through the phone line other than the straight report."""

from __future__ import annotations

from sqlalchemy import func, select

from app.casework.models import Case, PhoneCall, Recording, Task
from app.extensions import db
from app.messaging.models import OutboundMessage
from tests.conftest import AUTH_TOKEN, CONTACT_CENTRE, PUBLIC_BASE_URL, RESIDENT
from tests.phone import Phone
from tests.telephony.test_report_call import report_everything, the_case


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# -- silence and wrong keys -----------------------------------------------------------


def test_invalid_key_repeats_the_question_then_carries_on_as_unknown(phone):
    phone.dial().press("1")
    phone.press("7")
    assert phone.hears("Sorry, I didn't catch that") and phone.hears("danger right now")
    phone.press("9")
    assert phone.hears("danger right now")
    phone.press("*")  # a third wrong answer: we move on rather than drop the caller
    assert phone.hears("happened to you or your household before")
    call = db.session.scalars(select(PhoneCall)).one()
    assert call.answers["danger_now"] is None


def test_silence_repeats_twice_then_moves_on(phone):
    phone.dial().press("1")
    phone.stay_silent()
    assert phone.hears("didn't catch that") and phone.hears("danger right now")
    phone.stay_silent().stay_silent()
    assert phone.hears("happened to you or your household before")


def test_silence_is_handled_even_when_twilio_follows_the_redirect(phone):
    """A Gather that times out without calling its action falls through to our <Redirect>."""
    phone.dial().press("1")
    redirect = phone.verb("Redirect").text
    phone._play(redirect)
    assert phone.hears("didn't catch that") and phone.hears("danger right now")


def test_caller_silent_at_the_menu_gets_999_advice_a_reference_and_a_callback(phone):
    phone.dial().stay_silent().stay_silent().stay_silent()
    case = the_case()
    assert case.incomplete_call and case.caller_phone == RESIDENT
    assert phone.hears("call 999") and phone.hears(", ".join(case.reference.replace("-", "")))
    assert phone.hung_up
    assert db.session.scalars(select(Task)).one().phone == RESIDENT


def test_a_caller_pressing_keys_we_do_not_offer_is_called_back_and_not_told_they_said_nothing(phone):
    phone.dial().press("9").press("*").press("4")
    case = the_case()
    assert case.incomplete_call and db.session.scalars(select(Task)).one().phone == RESIDENT
    assert phone.hears("could not understand the keys you pressed") and phone.hears("call this number back")
    assert not phone.hears("We have not heard anything from you") and phone.hears("call 999")


def test_silent_through_every_question_still_ends_with_reference_and_999(phone):
    phone.dial().press("1")
    for _ in range(60):
        if phone.hung_up:
            break
        phone.stay_silent()
    case = the_case()
    assert phone.hears("call 999") and phone.hears("reference is")
    assert case.risk_level == "medium", "danger not ruled out"
    assert case.safe_to_text is None
    assert count(OutboundMessage) == 0, "no text unless the caller said texts are safe"


def test_an_empty_recording_asks_again_then_moves_on(phone):
    phone.dial().press("1")
    for key in "22222":
        phone.press(key)
    phone.press("6")
    assert phone.verb("Record") is not None
    phone.stay_silent()  # Twilio skips the action of an empty recording; our Redirect follows
    assert phone.hears("didn't catch that") and phone.verb("Record") is not None
    phone.stay_silent().stay_silent()
    assert phone.hears("called on the number you are calling from")


# -- callback number ---------------------------------------------------------------------


def test_caller_can_key_in_a_different_callback_number(phone):
    phone.dial().press("1")
    for key in "22222":
        phone.press(key)
    phone.press("6").record().press("2")
    phone.press("12345#")
    assert phone.hears("that is not a full UK phone number") and not phone.hears("didn't catch that")
    phone.press("07912345678#")
    assert phone.hears("You keyed 0, 7, 9, 1, 2, 3, 4, 5, 6, 7, 8. If that is right, press 1")
    phone.press("1")  # that is right
    for key in "111":
        phone.press(key)
    case = the_case()
    assert case.caller_phone == RESIDENT and case.callback_phone == "+447912345678"
    message = db.session.scalars(select(OutboundMessage)).one()
    assert message.to_phone == "+447912345678"


def test_no_text_to_a_landline_even_when_the_caller_says_texts_are_safe(call_from):
    landline = call_from("+441214960000")
    report_everything(landline, safe_to_text="1")
    assert the_case().safe_to_text is True
    assert count(OutboundMessage) == 0
    assert not landline.hears("send you a text")


# -- risk --------------------------------------------------------------------------------


def test_danger_now_makes_a_high_risk_priority_case_for_the_duty_officer(phone):
    phone.dial().press("1").press("1")
    for key in "2222":
        phone.press(key)
    phone.press("3").record()
    for key in "1222":
        phone.press(key)
    case = the_case()
    assert case.risk_level == "high" and case.priority and case.duty_officer_flag
    assert case.strands == ["sexual_orientation"]
    assert db.session.scalars(select(Task)).one().priority
    assert phone.hears("priority")


# -- hanging up half way -----------------------------------------------------------------


def test_hang_up_mid_report_becomes_an_incomplete_case_with_a_callback(phone):
    phone.dial().press("1").press("2").press("1")
    assert count(Case) == 0
    phone.hang_up()
    case = the_case()
    assert case.incomplete_call and case.caller_phone == RESIDENT
    assert case.risk_answers["danger_now"] is False and case.risk_answers["happened_before"] is True
    task = db.session.scalars(select(Task)).one()
    assert task.kind == "risk_assessment_callback" and task.phone == RESIDENT


def test_recording_made_before_a_hang_up_is_attached_to_the_incomplete_case(phone):
    phone.dial().press("1")
    for key in "22222":
        phone.press(key)
    phone.press("1")
    record = phone.verb("Record")
    phone.recording_status(
        record,
        {"RecordingSid": "RE" + "a" * 32, "RecordingUrl": "https://api.twilio.com/rec/1", "RecordingDuration": "50"},
    )
    phone.hang_up()
    recording = db.session.scalars(select(Recording)).one()
    assert recording.case_id == the_case().id and recording.duration_seconds == 50


def test_hang_up_straight_after_choosing_to_report_is_an_incomplete_case(phone):
    phone.dial().press("1")
    phone.hang_up("canceled")
    case = the_case()
    assert case.incomplete_call and case.kind == "hate_crime" and case.risk_level == "medium"


def test_hang_up_at_the_menu_opens_no_case(phone):
    phone.dial().hang_up()
    assert count(Case) == 0
    assert db.session.scalars(select(PhoneCall)).one().end_status == "completed"


def test_status_callback_after_a_finished_report_changes_nothing(phone):
    report_everything(phone)
    phone.hang_up()
    assert count(Case) == 1 and not the_case().incomplete_call


# -- duplicates --------------------------------------------------------------------------


def test_twilio_retrying_the_last_step_creates_no_second_case_or_task(phone):
    report_everything(phone)
    first = phone.response.get_data(as_text=True)
    again = phone.redeliver()
    assert again.status_code == 200
    assert count(Case) == 1 and count(Task) == 1 and count(OutboundMessage) == 1
    assert again.get_data(as_text=True) == first, "the caller hears the same reference again"


def test_duplicate_status_callbacks_open_one_incomplete_case(phone):
    phone.dial().press("1").press("2")
    phone.hang_up()
    phone.hang_up()
    assert count(Case) == 1 and count(Task) == 1


def test_duplicate_recording_callbacks_store_one_recording(phone):
    report_everything(phone)
    record_url = f"{phone.base}/twilio/voice/recording?purpose=account"
    for _ in range(2):
        phone.post(record_url, {**phone.last_recording, "RecordingStatus": "completed"})
    assert count(Recording) == 1


def test_transcription_is_stored_when_it_arrives(phone):
    report_everything(phone)
    phone.post(
        f"{phone.base}/twilio/voice/transcription",
        {
            "RecordingSid": phone.last_recording["RecordingSid"],
            "TranscriptionStatus": "completed",
            "TranscriptionText": "they shouted at me",
        },
    )
    assert db.session.scalars(select(Recording)).one().transcription == "they shouted at me"


# -- signatures --------------------------------------------------------------------------


def test_unsigned_or_wrongly_signed_requests_are_refused_and_store_nothing(phone, client):
    unsigned = phone.post(f"{phone.base}/twilio/voice", signed=False)
    assert unsigned.status_code == 403
    forged = client.post(
        "/twilio/voice",
        data={"CallSid": "CAforged", "From": RESIDENT},
        headers={"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},
    )
    assert forged.status_code == 403
    phone.dial().press("1").press("1")
    tampered = client.post(
        "/twilio/voice/status",
        data={"CallSid": phone.call_sid, "CallStatus": "completed"},
        headers={"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},
    )
    assert tampered.status_code == 403
    assert count(PhoneCall) == 1 and count(Case) == 0


def test_signature_is_checked_against_the_public_url_not_the_proxy_hop(phone, client):
    """Signed for http://localhost (what Flask sees behind a proxy) is not signed for the public URL."""
    form = {"CallSid": "CAproxy", "From": RESIDENT}
    signature = phone.validator.compute_signature("http://localhost/twilio/voice", form)
    assert client.post("/twilio/voice", data=form, headers={"X-Twilio-Signature": signature}).status_code == 403


# -- errors ------------------------------------------------------------------------------


def test_a_database_failure_still_gives_the_caller_valid_twiml(make_app, at, tmp_path):
    broken = make_app(DATABASE_URL=f"sqlite:///{tmp_path}/missing-dir/nowhere.sqlite3")
    with broken.app_context():
        caller = Phone(broken.test_client(), PUBLIC_BASE_URL, AUTH_TOKEN, RESIDENT)
        with at("2026-11-25 11:00"):
            caller.dial()
        assert caller.hears("something went wrong") and caller.hears("call 999")
        assert caller.hears("press 0")
        with at("2026-11-25 11:00"):
            caller.press("0")
        assert caller.verb("Dial").text == CONTACT_CENTRE
        with at("2026-11-25 21:00"):
            caller.dial()
        assert caller.twiml.find("Gather") is None, "no offer to connect when the contact centre is closed"
        assert caller.hears("call 999") and caller.hung_up


def test_fallback_url_apologises_and_gives_999_advice(phone):
    phone._play(f"{phone.base}/twilio/voice/fallback", {"ErrorCode": "11200"})
    assert phone.hears("something went wrong") and phone.hears("call 999")


# -- contact centre ----------------------------------------------------------------------


def test_zero_connects_to_the_contact_centre_in_hours(phone, at):
    with at("2026-11-25 10:00"):
        phone.dial().press("0")
    dial = phone.verb("Dial")
    assert dial.text == CONTACT_CENTRE and dial.get("action", "").endswith("/twilio/voice/dial-result")


def test_zero_out_of_hours_says_so_and_offers_to_take_a_report(phone, at):
    with at("2026-12-25 10:00"):  # Christmas Day
        phone.dial().press("0")
    assert phone.twiml.find("Dial") is None
    assert phone.hears("closed") and phone.hears("9am to 5pm")
    phone.press("1")
    assert phone.hears("danger right now")


def test_unanswered_contact_centre_offers_to_take_a_report(phone, at):
    with at("2026-11-25 10:00"):
        phone.dial().press("0")
        phone._play(phone.verb("Dial").get("action"), {"DialCallStatus": "no-answer"})
    assert phone.hears("nobody in the contact centre could take your call")
    phone.press("2")
    assert phone.hears("where the graffiti is")


# -- graffiti ----------------------------------------------------------------------------


def test_graffiti_report_creates_a_removal_job_due_next_working_day(phone, at):
    with at("2026-12-24 17:30"):
        phone.dial().press("2").record(seconds=15).press("1")
    case = the_case()
    assert case.kind == "graffiti" and case.reference.startswith("GR-") and case.graffiti_offensive is True
    task = db.session.scalars(select(Task)).one()
    assert task.kind == "graffiti_removal" and task.due_at.isoformat() == "2026-12-29T17:00:00+00:00"
    assert phone.hears("remove the graffiti by 5pm on Tuesday 29 December")
    assert db.session.scalars(select(Recording)).one().purpose == "location"
    assert count(OutboundMessage) == 0
