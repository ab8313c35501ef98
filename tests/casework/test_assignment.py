"""Who gets a new callback task, and when the next call attempt and fortnightly run fall (pure rules)."""

from __future__ import annotations

import pytest

from app.casework.assignment import Candidate, choose_officer, is_on_duty, postcode_district, works_before
from app.casework.progress import selection_cutoff
from app.casework.tasks import next_attempt_due, outcome_named
from tests.conftest import london


def officer(officer_id: int, patch=(), on_duty=True, open_tasks=0, in_time=True) -> Candidate:
    return Candidate(officer_id, frozenset(patch), on_duty, open_tasks, in_time)


def test_the_officer_whose_patch_covers_the_postcode_gets_it_even_if_busier():
    assert choose_officer("B10", [officer(1, open_tasks=0), officer(2, patch={"B10"}, open_tasks=7)]) == 2


def test_among_patch_officers_the_one_on_duty_then_the_least_loaded():
    team = [
        officer(1, {"B10"}, on_duty=False, open_tasks=0),
        officer(2, {"B10"}, open_tasks=5),
        officer(3, {"B10"}, open_tasks=2),
    ]
    assert choose_officer("B10", team) == 3


def test_without_a_patch_match_the_least_loaded_officer_on_duty():
    team = [officer(1, {"B21"}, open_tasks=3), officer(2, open_tasks=1, on_duty=False), officer(3, open_tasks=2)]
    assert choose_officer("B10", team) == 3
    assert choose_officer(None, team) == 3


def test_nobody_on_duty_goes_to_the_least_loaded_officer():
    assert choose_officer(None, [officer(1, on_duty=False, open_tasks=4), officer(2, on_duty=False, open_tasks=1)]) == 2


def test_an_officer_off_until_after_the_deadline_is_passed_over_even_for_their_own_patch():
    team = [officer(1, {"B12"}, on_duty=False, in_time=False), officer(2, open_tasks=6)]
    assert choose_officer("B12", team) == 2
    assert choose_officer("B12", [officer(1, {"B12"}, in_time=False), officer(2, on_duty=False, open_tasks=3)]) == 2


def test_when_nobody_works_before_the_deadline_the_rule_runs_over_everyone():
    team = [officer(1, on_duty=False, open_tasks=2, in_time=False), officer(2, {"B12"}, on_duty=False, in_time=False)]
    assert choose_officer("B12", team) == 2


MONDAY_TO_WEDNESDAY, WEEKENDS = [0, 1, 2], [5, 6]


@pytest.mark.parametrize(
    ("days", "instant", "deadline", "in_time"),
    [
        (MONDAY_TO_WEDNESDAY, "2026-11-26 10:00", "2026-11-27 17:00", False),  # Thursday: back on Monday
        (MONDAY_TO_WEDNESDAY, "2026-11-25 10:00", "2026-11-26 17:00", True),  # Wednesday: the rest of today
        (MONDAY_TO_WEDNESDAY, "2026-11-25 16:30", "2026-11-26 17:00", False),  # half an hour left today
        (WEEKENDS, "2026-11-28 10:00", "2026-11-30 17:00", True),  # Saturday, due Monday
        (WEEKENDS, "2026-11-29 16:30", "2026-11-30 17:00", False),  # late on Sunday
        ([0, 1, 2, 3, 4], "2026-12-24 16:30", "2026-12-29 17:00", True),  # over Christmas: Tuesday the 29th
        ([0, 1, 2, 3, 4], "2026-12-24 16:45", "2026-12-29 09:30", False),  # three quarters of an hour in all
    ],
)
def test_an_officer_works_in_time_with_an_hour_of_their_pattern_before_the_deadline(days, instant, deadline, in_time):
    assert works_before(days, "09:00", "17:00", london(instant), london(deadline)) is in_time


def test_ties_go_to_the_first_officer_and_no_officers_means_nobody():
    assert choose_officer(None, [officer(5), officer(3)]) == 3
    assert choose_officer("B10", []) is None


@pytest.mark.parametrize(
    ("text", "district"),
    [
        ("12 Coventry Road, B10 0AA", "B10"),
        ("b100aa", "B10"),
        ("near B1 1BB", "B1"),
        ("SW1A 1AA", "SW1A"),
        ("Coventry Road", None),
        ("B10", None),
        (None, None),
    ],
)
def test_postcode_district_only_from_a_full_postcode(text, district):
    assert postcode_district(text) == district


def test_on_duty_follows_the_working_pattern_and_bank_holidays():
    weekdays = [0, 1, 2, 3, 4]
    assert is_on_duty(weekdays, "09:00", "17:00", london("2026-11-25 09:00"))
    assert not is_on_duty(weekdays, "09:00", "17:00", london("2026-11-25 17:00"))
    assert not is_on_duty(weekdays, "09:00", "17:00", london("2026-11-28 10:00")), "a Saturday"
    assert not is_on_duty(weekdays, "09:00", "17:00", london("2026-12-25 10:00")), "Christmas Day"
    assert is_on_duty([5, 6], "09:00", "17:00", london("2026-11-28 10:00"))


def test_three_attempts_over_two_working_days():
    assert next_attempt_due(london("2026-11-27 15:00"), 1) == london("2026-11-30 12:00"), "Friday, then Monday noon"
    assert next_attempt_due(london("2026-11-30 11:00"), 2) == london("2026-11-30 17:00")
    assert next_attempt_due(london("2026-11-30 15:30"), 2) == london("2026-12-01 17:00"), "under two hours left"
    assert next_attempt_due(london("2026-12-24 11:00"), 1) == london("2026-12-29 12:00")


def test_the_fortnightly_run_covers_everything_due_before_the_next_run():
    assert selection_cutoff(london("2026-11-27 10:00")) == london("2026-11-30 10:00"), "Friday covers the weekend"
    assert selection_cutoff(london("2026-12-24 10:00")) == london("2026-12-29 10:00"), "Christmas Eve covers Christmas"
    assert selection_cutoff(london("2026-11-27 09:59")) is None, "not before 10:00"
    assert selection_cutoff(london("2026-11-28 10:30")) is None, "not on a Saturday"


@pytest.mark.parametrize(
    ("said", "outcome"),
    [
        ("spoke to resident", "spoke_to_resident"),
        ("No answer — try again", "no_answer"),
        ("wrong-number", "wrong_number"),
        ("Resident declined", "resident_declined"),
        ("declined", "resident_declined"),
        ("SPOKE", "spoke_to_resident"),
    ],
)
def test_outcomes_are_understood_as_officers_write_them(said, outcome):
    assert outcome_named(said) == outcome
