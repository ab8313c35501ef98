"""STOP and START, HELP, STATUS, and texts that reply to a case."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.casework.models import Attachment, Case, Task
from app.extensions import db
from app.messaging.models import InboundMessage, OutboundMessage, PhoneOptOut
from app.messaging.outbox import queue_text
from app.staff.accounts import create_staff, issue_token
from tests.conftest import RESIDENT
from tests.telephony.test_report_call import report_everything
from tests.workers.test_confirmation_text import run_worker


def phone_report(phone) -> Case:
    report_everything(phone)
    return db.session.scalars(select(Case).order_by(Case.id.desc())).first()


def case_json(client, reference: str) -> dict:
    create_staff(db.session, "admin@example.org", "Admin", "admin")
    token = issue_token(db.session, "admin@example.org")
    return client.get(f"/api/v1/cases/{reference}", headers={"Authorization": f"Bearer {token}"}).get_json()


# -- STOP / START -----------------------------------------------------------------------


@pytest.mark.parametrize("body", ["STOP", "stop", " Stop ", "STOPALL", "unsubscribe", "Cancel", "END", "quit", "stop."])
def test_stop_keywords_opt_the_number_out_and_get_no_reply(texter, body):
    assert texter.send(body) is None
    assert db.session.get(PhoneOptOut, RESIDENT).opted_out


@pytest.mark.parametrize("body", ["stop it happening", "please stop them", "I want it to end"])
def test_free_text_with_stop_in_it_is_not_an_opt_out(texter, body):
    assert texter.send(body) is not None
    assert db.session.get(PhoneOptOut, RESIDENT) is None


def test_after_stop_no_text_of_any_kind_is_sent_and_the_officer_is_told_to_phone(
    app, client, phone, texter, redis, twilio_api
):
    case = phone_report(phone)
    redis.flushdb()  # the confirmation text has not gone yet
    texter.send("STOP")
    assert db.session.get(Case, case.id).contact_by_phone_only
    refused = queue_text(db.session, to=RESIDENT, body="Your officer is Sam.", purpose="progress", case_id=case.id)
    db.session.commit()
    assert refused.status == "refused" and refused.error_code == "opted_out"
    assert texter.send("hello?") is None, "no reply to an opted-out number either"
    from app.background.sweeps import sweep_outbox

    sweep_outbox()
    run_worker(app, redis)
    assert twilio_api.sent == [], "not even the confirmation queued before STOP"
    assert case_json(client, case.reference)["opted_out"] is True


def test_start_opts_back_in(texter):
    texter.send("STOP")
    reply = texter.send("START")
    assert "again" in reply and "STOP" in reply
    assert not db.session.get(PhoneOptOut, RESIDENT).opted_out
    assert texter.send("hello") is not None


def test_yes_opts_back_in_only_when_opted_out(texter):
    texter.send("STOP")
    assert "again" in texter.send("yes")
    texter.send("graffiti")
    texter.send("On the railway bridge on Warwick Road")
    assert "reference" in texter.send("YES").lower(), "mid-conversation YES is an answer"


def test_twilio_advanced_opt_out_parameter_is_honoured(texter):
    assert texter.send("Arret", OptOutType="STOP") is None
    assert db.session.get(PhoneOptOut, RESIDENT).opted_out
    assert texter.send("Reprendre", OptOutType="START") is None, "Twilio sends its own reply"
    assert not db.session.get(PhoneOptOut, RESIDENT).opted_out


def test_stop_mid_report_keeps_what_was_said_as_an_incomplete_case(texter):
    texter.send("REPORT")
    texter.send("My neighbour put a threatening note through my door")
    texter.send("STOP")
    case = db.session.scalars(select(Case)).one()
    assert case.incomplete_call and case.contact_by_phone_only
    assert case.description.startswith("My neighbour")


def test_error_21610_from_twilio_marks_the_number_opted_out(app, phone, redis, twilio_api):
    twilio_api.refuse(RESIDENT, 21610)
    case = phone_report(phone)
    run_worker(app, redis)
    assert db.session.get(PhoneOptOut, RESIDENT).opted_out
    assert db.session.get(Case, case.id).contact_by_phone_only


# -- HELP and STATUS ------------------------------------------------------------------------


def test_help_explains_the_line_999_101_and_how_to_stop(texter):
    reply = texter.send("help")
    assert "999" in reply and "101" in reply and "STOP" in reply
    assert "hate" not in reply.lower()


def test_status_lists_only_the_senders_own_open_cases(phone, texter, text_from, at):
    with at("2026-11-25 10:00"):
        mine = phone_report(phone)
        reply = texter.send("status")
    assert mine.reference in reply and "open" in reply and "5pm on Thursday 26 November" in reply
    stranger = text_from("+447912345678")
    nothing = stranger.send(f"STATUS {mine.reference}")
    assert mine.reference not in nothing and "could not find" in nothing
    assert stranger.send(f"status {mine.reference_digits}") == nothing
    assert mine.reference in texter.send(f"Status {mine.reference.lower()}")
    for asked in ("Status please", "STATUS update", "status of my case?"):
        assert mine.reference in texter.send(asked), "words after STATUS that name no case: their own cases"
    assert "could not find" in stranger.send("status please")


def test_a_case_not_safe_to_text_is_never_named_in_a_reply_and_its_officer_phones_instead(phone, texter, at):
    """Someone else may read the resident's phone: whoever holds it learns neither reference nor progress."""
    with at("2026-11-25 10:00"):
        report_everything(phone, safe_to_text="2")
        case = db.session.scalars(select(Case).order_by(Case.id.desc())).first()
        status = texter.send("STATUS")
        added = texter.send("hi")
    assert case.safe_to_text is False
    for reply in (status, added):
        assert case.reference not in reply and case.reference_digits not in reply and "5pm" not in reply
    assert "officer will phone you" in status and "999" in status and "999" in added
    callback = db.session.scalars(select(Task).where(Task.case_id == case.id, Task.kind == "update_callback")).one()
    assert callback.phone == case.callback_phone and callback.status == "open"


# -- texts that reply to a case --------------------------------------------------------------


def test_a_reply_to_our_text_lands_on_the_case_it_was_about(app, phone, call_from, texter, redis, twilio_api):
    older = phone_report(call_from(RESIDENT))
    newer = phone_report(phone)
    queue_text(db.session, to=RESIDENT, body="An update on your case.", purpose="progress", case_id=older.id)
    db.session.commit()
    reply = texter.send("Thanks. They came back again last night and shouted at my kids")
    assert older.reference in reply and newer.reference not in reply
    inbound = db.session.scalars(select(InboundMessage)).one()
    assert inbound.case_id == older.id
    task = db.session.scalars(select(Task).where(Task.kind == "resident_message")).one()
    assert task.case_id == older.id
    texter.send("and again this morning")
    assert len(db.session.scalars(select(Task).where(Task.kind == "resident_message")).all()) == 1


def test_inbound_texts_appear_in_the_case_json(client, phone, texter, at):
    with at("2026-11-30 10:00"):
        case = phone_report(phone)
    with at("2026-11-30 10:05"):  # the text and its reply at one instant: the reply still comes second
        texter.send("The van is parked outside again")
        messages = case_json(client, case.reference)["messages"]
    assert [m["direction"] for m in messages] == ["outbound", "inbound", "outbound"]
    assert messages[1]["body"] == "The van is parked outside again" and messages[1]["from"] == RESIDENT


def test_pictures_sent_with_a_text_are_kept_on_the_case_to_fetch(phone, texter):
    case = phone_report(phone)
    texter.send(
        "photo of the graffiti",
        media=[("https://api.twilio.com/media/ME1", "image/jpeg"), ("https://api.twilio.com/media/ME2", "image/png")],
    )
    attachments = db.session.scalars(select(Attachment)).all()
    assert [(a.case_id, a.content_type, a.status) for a in attachments] == [
        (case.id, "image/jpeg", "to_fetch"),
        (case.id, "image/png", "to_fetch"),
    ]


def test_the_reply_we_send_is_recorded_in_the_outbox(texter):
    reply = texter.send("hello")
    row = db.session.scalars(select(OutboundMessage)).one()
    assert row.status == "replied" and row.body == reply and row.to_phone == RESIDENT and row.segments <= 2
