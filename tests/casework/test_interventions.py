"""The interventions' fixed lists and the ASB Case Review threshold, on their own (no Flask, no database)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.casework.interventions import (
    CATEGORIES,
    KIND_CATEGORY,
    InterventionDraft,
    intervention_problems,
    meets_case_review_threshold,
    months_before,
)
from tests.conftest import london

AS_OF = london("2026-12-01 11:00")
TODAY = date(2026, 12, 1)


def draft(kind: str, status: str | None = "considered", **rest) -> InterventionDraft:
    return InterventionDraft(
        kind=kind, status=status, other=rest.get("other"), note=rest.get("note"), on=rest.get("on", TODAY)
    )


def test_the_lists_hold_what_the_service_standard_names():
    assert set(CATEGORIES["informal"].kinds) == {
        "mediation",
        "acceptable_behaviour_contract",
        "good_neighbour_agreement",
        "warning_letter",
    }
    assert set(CATEGORIES["legal"].kinds) == {
        "community_protection_notice",
        "civil_injunction",
        "closure_order",
        "possession_proceedings",
        "other",
    }
    assert set(CATEGORIES["partner"].kinds) == {
        "police",
        "social_services",
        "mental_health",
        "housing",
        "schools",
        "victim_support",
    }
    assert len(KIND_CATEGORY) == sum(len(category.kinds) for category in CATEGORIES.values()), "each kind in one list"


@pytest.mark.parametrize(
    ("kind", "status", "problem"),
    [
        ("mediation", "considered", None),
        ("police", "used", None),
        ("multi_agency_meeting", None, None),
        ("asb_case_review", None, None),
        ("mediation", None, "Say whether it was considered or used"),
        ("mediation", "attended", "Say whether it was considered or used"),
        ("multi_agency_meeting", "used", "Say whether it was attended"),
        ("fly_to_the_moon", "used", "Choose what was considered or used from the list"),
    ],
)
def test_a_kind_and_status_must_come_from_the_lists(kind, status, problem):
    problems = intervention_problems(draft(kind, status), TODAY)
    assert next(iter(problems.values()), None) == problem


def test_another_legal_power_must_say_what_it_is():
    assert intervention_problems(draft("other"), TODAY) == {"other": "Say what the other legal power is"}
    assert intervention_problems(draft("other", other="Dispersal order"), TODAY) == {}


def test_the_date_is_required_and_not_in_the_future():
    assert intervention_problems(draft("mediation", on=None), TODAY) == {"on": "Enter the date"}
    assert intervention_problems(draft("mediation", on=TODAY + timedelta(days=1)), TODAY) == {
        "on": "The date must be today or in the past"
    }


def test_three_reports_in_six_months_meet_the_threshold_and_two_do_not():
    two = [london("2026-07-01 09:00"), london("2026-11-30 09:00")]
    assert not meets_case_review_threshold(two, AS_OF)
    assert meets_case_review_threshold([*two, london("2026-09-15 18:00")], AS_OF)


def test_the_six_month_window_includes_its_first_moment_and_nothing_before():
    assert months_before(AS_OF, 6) == london("2026-06-01 11:00")
    recent = [london("2026-10-01 09:00"), london("2026-11-01 09:00")]
    assert meets_case_review_threshold([*recent, london("2026-06-01 11:00")], AS_OF)
    assert not meets_case_review_threshold([*recent, london("2026-06-01 10:59")], AS_OF)
    assert not meets_case_review_threshold([*recent, london("2026-12-01 11:01")], AS_OF), "not a future report"


@pytest.mark.parametrize(
    ("as_of", "since"),
    [
        ("2026-08-31 12:00", "2026-02-28 12:00"),
        ("2028-08-31 12:00", "2028-02-29 12:00"),
        ("2027-03-15 08:00", "2026-09-15 08:00"),
    ],
)
def test_six_months_back_from_a_day_that_month_lacks_is_its_last_day(as_of, since):
    assert months_before(london(as_of), 6) == london(since)
