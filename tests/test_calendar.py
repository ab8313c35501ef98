"""Working days and the "within one working day" callback deadline, as a resident in England would count them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from app.calendar import (
    is_within_hours,
    is_working_day,
    next_texting_time,
    next_working_day,
    next_working_day_deadline,
    spoken_day_and_time,
    working_minutes_between,
)

LONDON = ZoneInfo("Europe/London")
UTC = UTC
OPENS, CLOSES = time(9, 0), time(17, 0)


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def assert_deadline(received_at: datetime, expected_utc: datetime) -> None:
    """The deadline is an aware instant equal to `expected_utc` and falls at 5pm on the wall clock in London."""
    deadline = next_working_day_deadline(received_at)
    assert deadline.tzinfo is not None and deadline.utcoffset() is not None
    assert deadline == expected_utc
    assert deadline.astimezone(LONDON).time() == time(17, 0)


# --- working days ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [date(2026, 11, 30), date(2026, 12, 4), date(2027, 1, 4)],
    ids=["monday", "friday", "first_monday_of_2027"],
)
def test_weekdays_that_are_not_bank_holidays_are_working_days(day: date) -> None:
    assert is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 11, 28),  # Saturday
        date(2026, 11, 29),  # Sunday
        date(2026, 12, 25),  # Christmas Day, Friday
        date(2026, 12, 28),  # Boxing Day substitute, Monday
        date(2027, 1, 1),  # New Year's Day, Friday
        date(2027, 3, 26),  # Good Friday
        date(2027, 3, 29),  # Easter Monday
        date(2026, 8, 31),  # summer bank holiday
        date(2022, 6, 3),  # Platinum Jubilee, one-off
        date(2023, 5, 8),  # coronation of King Charles III, one-off
    ],
)
def test_weekends_and_bank_holidays_are_not_working_days(day: date) -> None:
    assert not is_working_day(day)


def test_next_working_day_is_strictly_after_a_working_day() -> None:
    assert next_working_day(date(2026, 11, 30)) == date(2026, 12, 1)


def test_next_working_day_skips_christmas_and_boxing_day_substitute() -> None:
    assert next_working_day(date(2026, 12, 24)) == date(2026, 12, 29)


# --- next working day deadline --------------------------------------------------------------------


def test_report_on_monday_morning_is_due_tuesday_5pm() -> None:
    assert_deadline(london(2026, 11, 30, 9), utc(2026, 12, 1, 17))


def test_report_on_friday_evening_is_due_monday_5pm() -> None:
    assert_deadline(london(2026, 11, 27, 19, 45), utc(2026, 11, 30, 17))


@pytest.mark.parametrize("received_at", [london(2026, 11, 28, 11), london(2026, 11, 29, 22, 30)], ids=["sat", "sun"])
def test_report_at_the_weekend_is_due_monday_5pm(received_at: datetime) -> None:
    assert_deadline(received_at, utc(2026, 11, 30, 17))


def test_report_on_christmas_eve_evening_is_due_after_the_christmas_bank_holidays() -> None:
    """Thu 24 Dec 2026: Fri 25 is Christmas, Mon 28 is the Boxing Day substitute, so Tuesday 29."""
    assert_deadline(london(2026, 12, 24, 17, 30), utc(2026, 12, 29, 17))


def test_report_on_new_years_eve_is_due_monday_4_january() -> None:
    """1 January 2027 is a Friday bank holiday, then the weekend."""
    assert_deadline(london(2026, 12, 31, 10), utc(2027, 1, 4, 17))


def test_report_on_maundy_thursday_is_due_the_tuesday_after_easter() -> None:
    """Thu 25 March 2027: Good Friday, the weekend and Easter Monday are skipped."""
    assert_deadline(london(2027, 3, 25, 10), utc(2027, 3, 30, 16))


def test_report_on_bank_holiday_weekend_saturday_is_due_tuesday() -> None:
    """Sat 29 August 2026: Monday 31 is the summer bank holiday."""
    assert_deadline(london(2026, 8, 29, 10), utc(2026, 9, 1, 16))


def test_report_before_the_platinum_jubilee_holiday_is_due_the_following_monday() -> None:
    """Thu 2 June 2022 was itself a bank holiday and Fri 3 June a one-off one."""
    assert_deadline(london(2022, 6, 2, 10), utc(2022, 6, 6, 16))


def test_report_before_the_coronation_holiday_is_due_tuesday() -> None:
    """Fri 5 May 2023: Monday 8 May was the one-off coronation bank holiday."""
    assert_deadline(london(2023, 5, 5, 10), utc(2023, 5, 9, 16))


def test_report_before_the_clocks_go_back_is_due_5pm_gmt() -> None:
    """Fri 23 Oct 2026 in BST; the clocks go back on Sun 25 Oct, so Monday 5pm is 17:00 UTC."""
    assert_deadline(london(2026, 10, 23, 12), utc(2026, 10, 26, 17))


def test_report_before_the_clocks_go_forward_is_due_5pm_bst() -> None:
    """Fri 27 March 2026 in GMT; the clocks go forward on Sun 29 March, so Monday 5pm is 16:00 UTC."""
    assert_deadline(london(2026, 3, 27, 12), utc(2026, 3, 30, 16))


def test_report_on_good_friday_as_the_clocks_go_forward_is_due_tuesday_5pm_bst() -> None:
    """Fri 26 March 2027 is Good Friday, the clocks go forward on Sun 28, and Mon 29 is Easter Monday."""
    assert_deadline(london(2027, 3, 26, 12), utc(2027, 3, 30, 16))


def test_report_late_on_a_summer_thursday_in_utc_is_already_friday_in_london() -> None:
    """23:30 UTC on Thu 16 July 2026 is 00:30 BST on Friday, so the next working day is Monday."""
    assert_deadline(utc(2026, 7, 16, 23, 30), utc(2026, 7, 20, 16))


def test_deadline_does_not_depend_on_the_timezone_the_instant_is_given_in() -> None:
    instant = london(2026, 11, 27, 19, 45)
    assert next_working_day_deadline(instant.astimezone(UTC)) == next_working_day_deadline(instant)


# --- spoken times ---------------------------------------------------------------------------------


def test_deadline_on_the_hour_is_spoken_without_minutes() -> None:
    assert spoken_day_and_time(london(2026, 11, 30, 17)) == "5pm on Monday 30 November"


def test_time_with_minutes_is_spoken_with_minutes() -> None:
    assert spoken_day_and_time(london(2026, 11, 30, 9, 30)) == "9:30am on Monday 30 November"


def test_single_digit_minutes_keep_their_leading_zero() -> None:
    assert spoken_day_and_time(london(2026, 12, 1, 14, 5)) == "2:05pm on Tuesday 1 December"


def test_noon_is_spoken_as_12pm() -> None:
    assert spoken_day_and_time(london(2026, 12, 1, 12)) == "12pm on Tuesday 1 December"


def test_spoken_time_is_london_time_for_a_utc_instant_in_summer() -> None:
    assert spoken_day_and_time(utc(2026, 7, 20, 16)) == "5pm on Monday 20 July"


def test_spoken_day_is_the_london_day_just_after_midnight_bst() -> None:
    assert spoken_day_and_time(utc(2026, 7, 16, 23, 30)) == "12:30am on Friday 17 July"


# --- opening hours --------------------------------------------------------------------------------


def test_contact_centre_is_open_on_a_working_day_from_9am() -> None:
    assert is_within_hours(london(2026, 11, 30, 9), OPENS, CLOSES)


def test_contact_centre_is_closed_at_5pm() -> None:
    assert not is_within_hours(london(2026, 11, 30, 17), OPENS, CLOSES)


def test_contact_centre_is_closed_before_9am() -> None:
    assert not is_within_hours(london(2026, 11, 30, 8, 59), OPENS, CLOSES)


def test_contact_centre_hours_are_london_hours_in_summer() -> None:
    """08:30 UTC in July is 09:30 BST: open."""
    assert is_within_hours(utc(2026, 7, 20, 8, 30), OPENS, CLOSES)


@pytest.mark.parametrize(
    "instant", [london(2026, 11, 28, 11), london(2026, 12, 25, 11), london(2026, 8, 31, 11)], ids=["sat", "xmas", "aug"]
)
def test_contact_centre_is_closed_all_day_at_weekends_and_on_bank_holidays(instant: datetime) -> None:
    assert not is_within_hours(instant, OPENS, CLOSES)


def london_time(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        ("2026-11-27 16:00", "2026-11-27 17:00", 60),  # the last hour of a Friday
        ("2026-11-27 16:00", "2026-11-30 17:00", 60 + 8 * 60),  # a weekend counts for nothing
        ("2026-11-28 10:00", "2026-11-30 12:30", 3 * 60 + 30),  # from a Saturday to Monday lunchtime
        ("2026-11-30 07:00", "2026-11-30 08:59", 0),  # before the working day starts
        ("2026-12-24 16:30", "2026-12-29 09:30", 30 + 30),  # Christmas Day and Boxing Day (Monday 28th) off
        ("2026-11-30 12:00", "2026-11-30 11:00", 0),  # the end is before the start
        ("2026-03-27 16:00", "2026-03-30 10:00", 60 + 60),  # the clocks go forward on the Sunday
    ],
)
def test_working_minutes_count_only_nine_to_five_on_working_days(start, end, minutes):
    assert working_minutes_between(london_time(start), london_time(end)) == minutes


# --- texting hours -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("queued", "sent"),
    [
        (london(2026, 11, 25, 14, 0), london(2026, 11, 25, 14, 0)),  # the afternoon: at once
        (london(2026, 11, 25, 8, 0), london(2026, 11, 25, 8, 0)),
        (london(2026, 11, 25, 20, 0), london(2026, 11, 26, 8, 0)),  # 8pm: the next morning
        (london(2026, 11, 26, 3, 0), london(2026, 11, 26, 8, 0)),  # 3am: that morning
        (london(2026, 11, 28, 23, 30), london(2026, 11, 29, 8, 0)),  # any day of the week
        (utc(2026, 3, 28, 23, 30), london(2026, 3, 29, 8, 0)),  # the night the clocks go forward: 8am BST
    ],
)
def test_a_text_we_start_waits_for_texting_hours(queued: datetime, sent: datetime) -> None:
    assert next_texting_time(queued) == sent
