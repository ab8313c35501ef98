"""The console's words for times and answers, and how long a session lasts (pure functions)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.console.auth import safe_next
from app.console.sessions import SIGNED_OUT, SIGNED_OUT_IDLE, SIGNED_OUT_LONG, why_session_ended
from app.console.wording import london_time, working_time_left, yes_no
from tests.conftest import london


@pytest.mark.parametrize(
    ("instant", "shown"),
    [
        ("2026-11-30 17:00", "Mon 30 Nov 2026 at 5pm"),
        ("2026-06-15 09:30", "Mon 15 Jun 2026 at 9:30am"),  # British Summer Time, stored as 08:30 UTC
        ("2026-10-25 01:30", "Sun 25 Oct 2026 at 1:30am"),  # the night the clocks go back
        ("2026-12-01 00:00", "Tue 1 Dec 2026 at 12am"),
    ],
)
def test_times_are_shown_in_london_time(instant, shown):
    assert london_time(london(instant)) == shown
    assert london_time(None) == ""


@pytest.mark.parametrize(
    ("now", "due", "left"),
    [
        ("2026-11-30 10:00", "2026-11-30 17:00", "7 hours"),
        ("2026-11-30 16:15", "2026-11-30 17:00", "45 minutes"),
        ("2026-11-30 10:00", "2026-12-01 17:00", "1 day 7 hours"),
        ("2026-11-27 16:00", "2026-11-30 17:00", "1 day 1 hour"),  # Friday afternoon: the weekend is not working time
        ("2026-11-27 18:30", "2026-11-30 17:00", "1 day"),
        ("2026-11-30 10:00", "2026-11-30 12:30", "2 hours 30 minutes"),
    ],
)
def test_time_left_is_working_time(now, due, left):
    assert working_time_left(london(due), london(now)) == left


def test_answers_read_as_yes_no_or_not_answered():
    assert [yes_no(True), yes_no(False), yes_no(None)] == ["Yes", "No", "Not answered"]


def test_a_session_lasts_30_minutes_idle_and_10_hours_in_all():
    signed_in = london("2026-11-30 08:00")
    assert why_session_ended(signed_in, signed_in, signed_in + timedelta(minutes=30)) is None
    assert why_session_ended(signed_in, signed_in, signed_in + timedelta(minutes=31)) == SIGNED_OUT_IDLE
    busy = signed_in + timedelta(hours=9, minutes=59)
    assert why_session_ended(signed_in, busy, busy + timedelta(minutes=1)) is None
    assert why_session_ended(signed_in, busy, busy + timedelta(minutes=2)) == SIGNED_OUT_LONG
    assert why_session_ended(None, signed_in, signed_in) == SIGNED_OUT, "a session without its times has ended"


@pytest.mark.parametrize(
    ("target", "followed"),
    [
        ("/console/cases/HC-123456", "/console/cases/HC-123456"),
        ("/console/search?q=B10+0AA", "/console/search?q=B10+0AA"),
        (None, "/console/"),
        ("", "/console/"),
        ("/console", "/console/"),
        ("/console/sign-in", "/console/"),
        ("/console/sign-out", "/console/"),
        ("https://evil.example/console/", "/console/"),
        ("//evil.example/console/", "/console/"),
        ("///evil.example/console/", "/console/"),
        ("/\\evil.example", "/console/"),
        ("/console/\\\\evil.example", "/console/"),
        ("/console/\nSet-Cookie: x", "/console/"),
        ("/api/v1/cases", "/console/"),
        ("javascript:alert(1)", "/console/"),
        ("/console/" + "a" * 2001, "/console/"),
    ],
)
def test_next_is_followed_only_to_a_console_page_on_this_site(target, followed):
    assert safe_next(target, "/console/") == followed
