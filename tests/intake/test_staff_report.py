"""A report taken by staff becomes the same Report the phone line builds (no database)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.intake.staff_report import StaffAnswers, read_postcode, staff_report, where
from app.staff.models import StaffMember

ANSWERS = StaffAnswers(
    how="letter",
    risk_answers={"danger_now": False, "happened_before": True, "unsafe_at_home": None, "support_needs": False},
    needs_adjustment=True,
    adjustments="Polish interpreter",
    strand="disability",
    description="Name-calling on the bus.",
    location="Number 50 bus",
    postcode="B12 9AA",
    occurred="Tuesday morning",
    callback_phone="+447911123456",
    safe_to_text=False,
    visit_requested=True,
    referral_consent=None,
)


@pytest.mark.parametrize(
    ("typed", "read"),
    [("B10 0AA", "B10 0AA"), ("b100aa", "B10 0AA"), ("  sw1a  1aa ", "SW1A 1AA"), ("M1 1AE", "M1 1AE")],
)
def test_a_whole_postcode_is_read_in_its_usual_form(typed: str, read: str) -> None:
    assert read_postcode(typed) == read


@pytest.mark.parametrize("typed", ["", "B10", "B10 0A", "10 0AA", "B10 0AAA", "B10-0AA", None])
def test_anything_else_is_not_a_postcode(typed: str | None) -> None:
    assert read_postcode(typed) is None


@pytest.mark.parametrize(
    ("location", "postcode", "kept"),
    [
        ("Coventry Road", "B10 0AA", "Coventry Road, B10 0AA"),
        (None, "B10 0AA", "B10 0AA"),
        ("Outside 12 Coventry Road, b10 0aa", "B10 0AA", "Outside 12 Coventry Road, b10 0aa"),
        ("Coventry Road", None, "Coventry Road"),
        (None, None, None),
    ],
)
def test_the_postcode_joins_the_place_once(location: str | None, postcode: str | None, kept: str | None) -> None:
    assert where(location, postcode) == kept


def test_the_report_is_the_phone_lines_on_the_staff_channel_with_who_took_it() -> None:
    taken_by = StaffMember(id=7, email="c@birmingham.gov.uk", name="Chris", role="contact_centre")
    report = staff_report(ANSWERS, taken_by)
    assert (report.kind, report.channel, report.taken_by_id, report.taken_how) == ("hate_crime", "staff", 7, "letter")
    assert report.caller_phone == report.callback_phone == "+447911123456"
    assert report.strands == ["disability"] and report.risk_answers == ANSWERS.risk_answers
    assert report.location == "Number 50 bus, B12 9AA" and report.adjustments == "Polish interpreter"
    assert report.confirm_by_text and report.call_sid is None and not report.incomplete_call


def test_what_they_need_is_kept_only_when_they_need_something() -> None:
    taken_by = StaffMember(id=7, email="c@birmingham.gov.uk", name="Chris", role="contact_centre")
    assert staff_report(replace(ANSWERS, needs_adjustment=False), taken_by).adjustments is None
