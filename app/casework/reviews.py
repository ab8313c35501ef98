"""The manager's fortnightly review: when one is due, and which next dates a manager may choose (no Flask, no database).

A review is due 14 days after the case opened and 14 days after each review, by 17:00 London time on
that day. A day that is not a working day (a weekend, a bank holiday of England and Wales) moves to
the next working day: a case opened on Friday 11 December 2026 is due its review on Tuesday
29 December, after Christmas Day, the weekend and the Boxing Day substitute. Past 17:00 on its day
a review is overdue and the manager is reminded, as at a task's deadline.

A manager recording a review chooses the next date: after today, no more than 28 days ahead (the
standard's fortnight, with room for leave), and on a working day (the form suggests the rule's date).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from app.calendar import end_of_day, is_bank_holiday, is_working_day, london_date, next_working_day

REVIEW_INTERVAL = timedelta(days=14)
LATEST_NEXT_REVIEW = timedelta(days=28)


def working_day_from(day: date) -> date:
    """`day` if it is a working day, else the next working day after it."""
    return day if is_working_day(day) else next_working_day(day)


def review_day_after(instant: datetime) -> date:
    """The day the next review is due after a case opened or was reviewed at `instant`."""
    return working_day_from(london_date(instant) + REVIEW_INTERVAL)


def review_due(instant: datetime) -> datetime:
    """17:00 London time on the review day after `instant` (a case opening, or a review)."""
    return end_of_day(review_day_after(instant))


def next_review_refusal(chosen: date, today: date) -> str | None:
    """Why a manager may not set the next review for `chosen` (in words for them); None when they may."""
    if chosen <= today:
        return "The next review date must be in the future"
    latest = today + LATEST_NEXT_REVIEW
    if chosen > latest:
        return f"The next review date must be within 28 days, by {latest.day} {latest:%B %Y}"
    if not is_working_day(chosen):
        why = "a bank holiday" if is_bank_holiday(chosen) else "a weekend"
        return f"The next review date must be a working day: {chosen.day} {chosen:%B %Y} is {why}"
    return None
