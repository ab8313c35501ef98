"""Working days and deadlines for England (no Flask, no database).

A working day is Monday to Friday except the bank holidays of England and
Wales, including substitute days and one-off holidays, as published in the
`holidays` package. Deadlines are decided on the calendar date in
Europe/London; deadlines are aware datetimes (stored in UTC by the database layer).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
START_OF_WORKING_DAY = time(9, 0)
END_OF_WORKING_DAY = time(17, 0)
# When a text we start (an update, an officer's name, a text staff chose) may reach a resident's phone: not
# at night, when it could wake the household or be read by whoever picks the phone up.
TEXTING_HOURS = (time(8, 0), time(20, 0))


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def next_working_day(day: date) -> date:
    """The first working day strictly after `day`."""
    candidate = day + timedelta(days=1)
    while not is_working_day(candidate):
        candidate += timedelta(days=1)
    return candidate


def london_date(instant: datetime) -> date:
    return instant.astimezone(LONDON).date()


def end_of_day(day: date) -> datetime:
    """17:00 Europe/London on `day`, as an aware datetime in London time."""
    return datetime.combine(day, END_OF_WORKING_DAY, tzinfo=LONDON)


def next_working_day_deadline(received_at: datetime) -> datetime:
    """17:00 London time on the next working day after the day of `received_at`.

    Used for the risk-assessment callback and graffiti removal: "within one
    working day" of the report, counted from the London calendar date.
    """
    return end_of_day(next_working_day(london_date(received_at)))


def clock_time(instant: datetime) -> str:
    """'5pm', '10:30am' (London time)."""
    local = instant.astimezone(LONDON)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def spoken_day_and_time(instant: datetime) -> str:
    """'5pm on Monday 30 November' (London time), as read out or texted."""
    local = instant.astimezone(LONDON)
    return f"{clock_time(local)} on {local:%A} {local.day} {local:%B}"


def is_within_hours(instant: datetime, opens: time, closes: time) -> bool:
    """True on a working day between `opens` and `closes`, London time."""
    local = instant.astimezone(LONDON)
    return is_working_day(local.date()) and opens <= local.time() < closes


def midday(day: date) -> datetime:
    """12:00 Europe/London on `day` (the reminder time on a task's due day)."""
    return datetime.combine(day, time(12, 0), tzinfo=LONDON)


def working_minutes_between(start: datetime, end: datetime) -> int:
    """Minutes of working time (09:00 to 17:00 London time on working days) from `start` to `end`; 0 if none."""
    minutes = 0
    day = london_date(start)
    while end > start and day <= london_date(end):
        if is_working_day(day):
            opens = max(start, datetime.combine(day, START_OF_WORKING_DAY, tzinfo=LONDON))
            closes = min(end, end_of_day(day))
            minutes += max(0, int((closes - opens).total_seconds()) // 60)
        day += timedelta(days=1)
    return minutes


def next_texting_time(instant: datetime) -> datetime:
    """`instant` if it is within texting hours (London time, any day), else the next time they open."""
    local = instant.astimezone(LONDON)
    opens, closes = TEXTING_HOURS
    if opens <= local.time() < closes:
        return instant
    day = local.date() if local.time() < opens else local.date() + timedelta(days=1)
    return datetime.combine(day, opens, LONDON)
