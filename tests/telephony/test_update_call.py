"""Option 3: an update on an existing case, only ever read to the number on the case."""

from __future__ import annotations

from sqlalchemy import select

from app.casework.models import Case, Task
from app.extensions import db
from tests.conftest import RESIDENT
from tests.telephony.test_report_call import report_everything


def reported_case(phone, at) -> Case:
    with at("2026-11-25 10:00"):
        report_everything(phone)
    return db.session.scalars(select(Case)).one()


def test_the_resident_hears_their_case_status_and_callback_time(phone, call_from, at):
    case = reported_case(phone, at)
    again = call_from(RESIDENT)
    with at("2026-11-25 15:00"):
        again.dial().press("3").press(case.reference_digits)
    assert again.hears("is open") and again.hears("will be named when they first contact you")
    assert not again.hears("not been assigned")
    assert again.hears("call you by 5pm on Thursday 26 November")
    assert again.hears("call 999") and again.hung_up
    assert len(db.session.scalars(select(Task)).all()) == 1, "a verified caller creates no extra task"


def test_another_number_hears_no_case_detail_and_the_officer_is_asked_to_call(phone, call_from, at):
    case = reported_case(phone, at)
    stranger = call_from("+447912345678")
    with at("2026-11-25 15:00"):
        stranger.dial().press("3").press(case.reference_digits)
    assert stranger.hears("We will ask the officer for that case to call you back")
    assert not stranger.hears("open") and not stranger.hears("Thursday")
    task = db.session.scalars(select(Task).where(Task.kind == "update_callback")).one()
    assert task.case_id == case.id
    assert task.phone == RESIDENT, "the officer calls the number on the case, not the unverified caller"
    assert task.due_at.isoformat() == "2026-11-26T17:00:00+00:00"


def test_an_unknown_reference_sounds_exactly_like_someone_elses(phone, call_from, at):
    """Nobody can learn by trying numbers whether a reference exists."""
    case = reported_case(phone, at)
    stranger = call_from("+447912345678")
    stranger.dial().press("3").press(case.reference_digits)
    prober = call_from("+447912345678")
    unused = "100000" if case.reference_digits != "100000" else "100001"
    prober.dial().press("3").press(unused)
    assert stranger.transcript.replace(case.reference_digits, "") == prober.transcript.replace(unused, "")
    enquiry = db.session.scalars(select(Case).where(Case.kind == "enquiry")).one()
    assert enquiry.caller_phone == "+447912345678"


def test_a_withheld_number_is_never_treated_as_the_resident(phone, call_from, at):
    case = reported_case(phone, at)
    withheld = call_from("anonymous")
    withheld.dial().press("3").press(case.reference_digits)
    assert withheld.hears("ask the officer for that case to call you back")


def test_a_retried_update_request_creates_one_task(phone, call_from, at):
    case = reported_case(phone, at)
    stranger = call_from("+447912345678")
    stranger.dial().press("3").press(case.reference_digits)
    stranger.redeliver()
    assert len(db.session.scalars(select(Task).where(Task.kind == "update_callback")).all()) == 1


def test_too_few_digits_asks_again(phone):
    phone.dial().press("3").press("123")
    assert phone.hears("didn't catch that") and phone.hears("six numbers")


def test_a_resident_ringing_within_28_days_of_closure_is_called_back_about_reopening(phone, call_from, at):
    """The closure letter: "ring us by <the 28th day> and quote your reference: we will reopen your case"."""
    from tests.casework.closed_cases import closed_case
    from tests.conftest import london

    closed = closed_case(london("2026-10-05 11:00"), london("2026-11-30 15:00"), phone=RESIDENT)
    rings = call_from(RESIDENT)
    with at("2026-12-28 16:00"):  # the letter's last day, later in the day than the case closed
        rings.dial().press("3").press(closed.reference_digits)
    assert rings.hears("is closed") and rings.hears("call you back by 5pm on Tuesday 29 December")
    assert rings.hears("reopening it") and rings.hung_up
    task = db.session.scalars(select(Task).where(Task.kind == "update_callback")).one()
    assert (task.case_id, task.phone, task.status) == (closed.id, RESIDENT, "open") and "reopen" in task.note
    late = call_from(RESIDENT)
    with at("2026-12-29 09:00"):
        late.dial().press("3").press(closed.reference_digits)
    assert late.hears("is closed") and not late.hears("reopening")
