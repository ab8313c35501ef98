"""When a manager's fortnightly review is due: 14 days on, at 5pm on a working day (past weekends, bank holidays)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from alembic import command

from app.casework.reviews import next_review_refusal, review_due
from app.clock import frozen_at
from app.migrate import alembic_config
from tests.conftest import london


@pytest.mark.parametrize(
    ("opened", "due"),
    [
        ("2026-11-30 09:15", "2026-12-14 17:00"),  # a Monday: a Monday two weeks on
        (
            "2026-12-11 10:00",
            "2026-12-29 17:00",
        ),  # the 25th is Christmas Day, then the weekend, then Boxing Day's substitute
        ("2026-12-12 10:00", "2026-12-29 17:00"),  # Saturday 26th
        ("2026-12-14 10:00", "2026-12-29 17:00"),  # Monday 28th, the Boxing Day substitute
        ("2026-12-15 10:00", "2026-12-29 17:00"),  # Tuesday 29th itself
        ("2027-03-12 10:00", "2027-03-30 17:00"),  # Good Friday 26 March, the weekend, Easter Monday
        ("2027-03-15 10:00", "2027-03-30 17:00"),  # Easter Monday 29 March
        ("2026-08-17 09:00", "2026-09-01 17:00"),  # Monday 31 August, the summer bank holiday
        ("2026-11-27 23:30", "2026-12-11 17:00"),  # late on a Friday is still Friday in London
    ],
)
def test_a_review_is_due_14_days_on_at_5pm_on_the_next_working_day(opened: str, due: str) -> None:
    assert review_due(london(opened)) == london(due)


def test_a_report_late_on_a_summer_evening_counts_from_its_london_date() -> None:
    """23:30 UTC on Monday 17 August is already Tuesday in London: due Tuesday 1 September, not the bank holiday."""
    assert review_due(london("2026-08-18 00:30")) == london("2026-09-01 17:00")


TODAY = date(2026, 12, 10)


@pytest.mark.parametrize(
    ("chosen", "refusal"),
    [
        (date(2026, 12, 10), "must be in the future"),
        (date(2026, 12, 1), "must be in the future"),
        (date(2027, 1, 8), "must be within 28 days, by 7 January 2027"),
        (date(2026, 12, 25), "must be a working day: 25 December 2026 is a bank holiday"),
        (date(2026, 12, 28), "must be a working day: 28 December 2026 is a bank holiday"),
        (date(2026, 12, 19), "must be a working day: 19 December 2026 is a weekend"),
    ],
)
def test_a_next_review_date_in_the_past_too_far_ahead_or_on_a_holiday_is_refused(chosen: date, refusal: str) -> None:
    assert refusal in (next_review_refusal(chosen, TODAY) or "")


@pytest.mark.parametrize("chosen", [date(2026, 12, 11), date(2026, 12, 29), date(2027, 1, 7)])
def test_a_working_day_within_28_days_may_be_chosen(chosen: date) -> None:
    assert next_review_refusal(chosen, TODAY) is None


def test_the_migration_gives_every_open_case_its_first_review_date(tmp_path) -> None:
    """Cases opened before reviews existed: open ones are due 14 days after they opened; closed ones get none;
    those already overdue are in the queue without a reminder text each (a backlog, not a flood)."""
    url = f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"
    command.upgrade(alembic_config(url), "0007")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for number, (status, opened) in enumerate(
            [("open", "2026-12-11 09:00:00"), ("closed", "2026-12-11 09:00:00"), ("overdue", "2026-10-01 09:00:00")]
        ):
            connection.execute(
                sa.text(
                    "INSERT INTO cases (reference, reference_digits, kind, channel, status, created_at, strands,"
                    " risk_answers, risk_level, priority, duty_officer_flag, incomplete_call, contact_by_phone_only)"
                    " VALUES (:reference, :digits, 'hate_crime', 'phone', :status, :opened, '[]', '{}', 'standard',"
                    " 0, 0, 0, 0)"
                ),
                {
                    "reference": f"HC-10000{number}",
                    "digits": f"10000{number}",
                    "status": "open" if status == "overdue" else status,
                    "opened": opened,
                },
            )
    with frozen_at(london("2026-12-14 09:00")):  # the first case's review is still to come, the third's overdue
        command.upgrade(alembic_config(url), "0008")
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT reference, next_review_due, review_reminded_at FROM cases")).all()
    engine.dispose()
    by_reference = {reference: (due, reminded is not None) for reference, due, reminded in rows}
    assert by_reference == {
        "HC-100000": ("2026-12-29 17:00:00.000000", False),
        "HC-100001": (None, False),
        "HC-100002": ("2026-10-15 16:00:00.000000", True),  # 5pm in British Summer Time
    }
