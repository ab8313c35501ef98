"""Option 3 with unknown references: three enquiries a day per calling number, then the same words and nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from app.casework.models import Case, Task
from app.extensions import db

PROBER = "+447912345678"


def enquiries() -> int:
    return db.session.scalar(select(func.count(Case.id)).where(Case.kind == "enquiry")) or 0


def tasks() -> int:
    return db.session.scalar(select(func.count(Task.id))) or 0


def ask_about(call_from, number: str, digits: str):
    return call_from(number).dial().press("3").press(digits)


def test_after_three_unknown_references_in_a_day_a_number_opens_nothing_more(call_from, at):
    with at("2026-11-25 09:00"):
        first = ask_about(call_from, PROBER, "100000")
        for n in range(1, 3):
            ask_about(call_from, PROBER, f"10000{n}")
    assert enquiries() == 3 and tasks() == 3
    with at("2026-11-25 23:59"):
        later = [ask_about(call_from, PROBER, f"20000{n}") for n in range(5)]
    assert enquiries() == 3 and tasks() == 3, "no enquiry and no officer task for the fourth and after"
    assert all(
        call.transcript.replace(f"20000{n}", "") == first.transcript.replace("100000", "")
        for n, call in enumerate(later)
    ), "the caller hears exactly what they heard before"


def test_the_count_is_per_number_and_per_london_day(call_from, at):
    with at("2026-11-25 09:00"):
        for n in range(4):
            ask_about(call_from, PROBER, f"10000{n}")
        ask_about(call_from, "+447911123456", "100009")
    assert enquiries() == 4, "three from the prober, one from another number"
    with at("2026-11-26 00:01"):
        ask_about(call_from, PROBER, "100005")
    assert enquiries() == 5, "a new day in London"


def test_withheld_numbers_share_one_count(call_from, at):
    """An enquiry from a withheld number cannot be called back anyway: three a day in all."""
    with at("2026-11-25 09:00"):
        for n in range(5):
            ask_about(call_from, "anonymous", f"10000{n}")
    assert enquiries() == 3


def test_a_real_reference_still_reaches_its_officer_after_the_limit(phone, call_from, at):
    from tests.telephony.test_report_call import report_everything

    with at("2026-11-25 09:00"):
        report_everything(phone)
        case = db.session.scalars(select(Case)).one()
        for n in range(4):
            ask_about(call_from, PROBER, f"10000{n}" if f"10000{n}" != case.reference_digits else "199999")
        ask_about(call_from, PROBER, case.reference_digits)
    assert db.session.scalar(select(func.count(Task.id)).where(Task.kind == "update_callback")) == 1
