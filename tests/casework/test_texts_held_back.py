"""A text waiting to go never reaches a phone the resident has since said is not safe, or a number that
proved to be somebody else's; staff record the right number and texts go there instead."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.background.sweeps import sweep_outbox
from app.casework.models import Case, Task
from app.casework.notes import NotAllowed
from app.casework.preferences import ContactPreferences, NameAndAddress, change_contact_preferences
from app.casework.report import Report
from app.casework.service import open_case
from app.clock import frozen_at, now
from app.extensions import db
from app.messaging.models import OutboundMessage
from app.staff.accounts import find_staff
from tests.casework.test_fortnightly_updates import progress_texts, run_progress_updates
from tests.casework.test_officer_tasks import report, texts_to, the_task
from tests.conftest import RESIDENT
from tests.workers.test_confirmation_text import run_worker

RIGHT_NUMBER = "+447912345678"


def preferences(safe_to_text: bool, callback_phone: str | None = None) -> ContactPreferences:
    return ContactPreferences(
        "phone", None, safe_to_text, False, None, NameAndAddress(None, None), callback_phone=callback_phone
    )


def change(case: Case, wanted: ContactPreferences) -> dict:
    manager = find_staff(db.session, "manager@example.org")
    return change_contact_preferences(db.session, db.session.get(Case, case.id), manager, wanted, "192.0.2.7")


def rows(purpose: str) -> list[OutboundMessage]:
    query = select(OutboundMessage).where(OutboundMessage.purpose == purpose)
    return list(db.session.scalars(query.execution_options(populate_existing=True)))


def test_a_text_waiting_to_retry_is_held_back_when_staff_record_texts_are_not_safe(app, officers, redis, twilio_api):
    twilio_api.fail_next(503)
    case = report("B10 0AA")
    run_worker(app, redis)  # Twilio answered 503: the confirmation waits for its retry
    change(case, preferences(safe_to_text=False))  # the resident rang: "he reads my phone"
    with frozen_at(now() + timedelta(minutes=5)):
        sweep_outbox()
        run_worker(app, redis)
    assert texts_to(twilio_api, RESIDENT) == []
    [confirmation] = rows("report_confirmation")
    assert (confirmation.status, confirmation.error_code) == ("refused", "held_back")
    call = db.session.scalars(select(Task).where(Task.case_id == case.id, Task.kind == "progress_call")).one()
    assert "held back" in call.note and call.phone == RESIDENT


def test_a_wrong_number_gets_no_more_texts_until_staff_record_the_right_one(app, officers, redis, twilio_api, at):
    with at("2026-11-11 14:00"):
        case = report("B10 0AA")  # the number typed on the website was a stranger's
        run_worker(app, redis)
        app.test_cli_runner().invoke(args=["tasks", "complete", str(the_task(case).id), "--outcome", "wrong_number"])
    twilio_api.sent.clear()
    run_progress_updates(app, redis, at, "2026-11-25 10:00")
    assert texts_to(twilio_api, RESIDENT) == [], "the stranger is not texted the resident's reference"
    wrong = db.session.get(Case, case.id, populate_existing=True)
    assert (wrong.contact_by_phone_only, wrong.phone_only_reason) == (True, "wrong_number")
    visit = the_task(wrong, "letter_or_visit")
    assert visit.status == "open"

    with at("2026-11-26 11:00"):  # the visit found the resident, who gave their own number
        changed = change(case, preferences(safe_to_text=True, callback_phone="07912 345678"))
    assert changed["callback_phone"] == [RESIDENT, RIGHT_NUMBER]
    right = db.session.get(Case, case.id, populate_existing=True)
    assert (right.callback_phone, right.contact_by_phone_only, right.phone_only_reason) == (RIGHT_NUMBER, False, None)
    assert the_task(right, "letter_or_visit").phone == RIGHT_NUMBER, "an open task calls the new number"
    note = right.notes[-1].body
    assert "Callback number: given → given" in note and "345678" not in note and "Phone contact only: yes → no" in note


def test_a_number_that_is_not_a_phone_number_is_refused(app, officers):
    case = report("B10 0AA")
    with pytest.raises(NotAllowed, match="Enter a UK phone number"):
        change(case, preferences(safe_to_text=True, callback_phone="0800 FLOWER"))
    assert db.session.get(Case, case.id, populate_existing=True).callback_phone == RESIDENT


def test_graffiti_removed_is_not_texted_to_a_case_made_phone_only_by_a_stop(app, officers, redis, twilio_api, texter):
    other = "+447400123456"
    graffiti = Report(
        kind="graffiti",
        channel="phone",
        caller_phone=RESIDENT,
        callback_phone=other,
        location="Coventry Road B10 0AA",
        graffiti_offensive=True,
        safe_to_text=True,
    )
    case = open_case(db.session, graffiti, received_at=now())
    run_worker(app, redis)
    texter.send("STOP")  # from the number they rang from: the case becomes phone only
    twilio_api.sent.clear()
    app.test_cli_runner().invoke(
        args=["tasks", "complete", str(the_task(case, "graffiti_removal").id), "--outcome", "removed"]
    )
    run_worker(app, redis)
    assert texts_to(twilio_api, other) == []
    assert progress_texts(twilio_api) == []
