"""The texts we send: discreet, cheap (two GSM-7 parts at most) and always with the 999 advice."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from app.messaging.segments import count_segments, is_gsm7
from app.messaging.templates import report_confirmation

LONDON = ZoneInfo("Europe/London")
REFERENCE = "HC-482913"
# Wednesday and September are the longest day and month names; 12:30pm is the longest time.
LONGEST_DEADLINES = [
    datetime(2026, 9, 30, 17, tzinfo=LONDON),
    datetime(2026, 9, 30, 12, 30, tzinfo=LONDON),
]


@pytest.fixture(params=LONGEST_DEADLINES, ids=["5pm", "12:30pm"])
def confirmation(request: pytest.FixtureRequest) -> str:
    return report_confirmation(REFERENCE, request.param)


def test_confirmation_fits_in_two_gsm7_parts_for_the_longest_date(confirmation: str) -> None:
    assert is_gsm7(confirmation)
    assert count_segments(confirmation) <= 2


def test_confirmation_gives_the_reference_and_when_the_officer_will_call() -> None:
    text = report_confirmation(REFERENCE, datetime(2026, 11, 30, 17, tzinfo=LONDON))
    assert REFERENCE in text
    assert "5pm on Monday 30 November" in text


def test_confirmation_tells_the_resident_to_call_999_in_danger(confirmation: str) -> None:
    assert "call 999" in confirmation


def test_confirmation_never_says_hate_crime(confirmation: str) -> None:
    """Someone else in the household may read the text."""
    assert "hate crime" not in confirmation.lower()


@pytest.mark.parametrize("channel", ["phone", "web"])
@pytest.mark.parametrize("kind", ["hate_crime", "graffiti"])
def test_every_confirmation_variant_is_discreet_and_fits_two_parts(channel: str, kind: str) -> None:
    text = report_confirmation(REFERENCE, LONGEST_DEADLINES[1], channel, kind)
    assert is_gsm7(text) and count_segments(text) <= 2
    assert "hate" not in text.lower()
    assert ("call" in text) == (channel == "phone" or kind == "hate_crime")


def test_a_website_report_is_not_thanked_for_a_call() -> None:
    assert "your call" not in report_confirmation(REFERENCE, LONGEST_DEADLINES[0], "web")
