"""The risk level a report gets from the caller's answers to the risk-assessment questions."""

from __future__ import annotations

import pytest

from app.casework.risk import RiskAssessment, assess_risk

HIGH = RiskAssessment("high", priority=True, duty_officer_flag=True)
MEDIUM = RiskAssessment("medium", priority=False, duty_officer_flag=False)
STANDARD = RiskAssessment("standard", priority=False, duty_officer_flag=False)


def answers(
    danger_now: bool | None = False,
    happened_before: bool | None = False,
    unsafe_at_home: bool | None = False,
    support_needs: bool | None = False,
) -> dict[str, bool | None]:
    """A caller's answers; by default "no" to every question."""
    return {
        "danger_now": danger_now,
        "happened_before": happened_before,
        "unsafe_at_home": unsafe_at_home,
        "support_needs": support_needs,
    }


def test_no_to_every_question_is_standard_risk() -> None:
    assert assess_risk(answers()) == STANDARD


def test_danger_now_is_high_risk_and_flagged_for_the_duty_officer() -> None:
    assert assess_risk(answers(danger_now=True)) == HIGH


def test_danger_now_is_high_risk_even_when_the_other_questions_went_unanswered() -> None:
    assert assess_risk({"danger_now": True}) == HIGH


def test_unsafe_at_home_after_a_repeat_incident_is_high_risk() -> None:
    assert assess_risk(answers(unsafe_at_home=True, happened_before=True)) == HIGH


def test_unsafe_at_home_with_a_vulnerable_household_is_high_risk() -> None:
    assert assess_risk(answers(unsafe_at_home=True, support_needs=True)) == HIGH


@pytest.mark.parametrize("question", ["unsafe_at_home", "happened_before", "support_needs"])
def test_any_one_risk_factor_alone_is_medium_risk(question: str) -> None:
    assert assess_risk(answers(**{question: True})) == MEDIUM


def test_repeat_incident_with_a_vulnerable_household_but_safe_at_home_is_medium_risk() -> None:
    assert assess_risk(answers(happened_before=True, support_needs=True)) == MEDIUM


def test_unanswered_danger_question_is_medium_risk_because_danger_cannot_be_ruled_out() -> None:
    assert assess_risk(answers(danger_now=None)) == MEDIUM


def test_no_answers_at_all_is_medium_risk() -> None:
    assert assess_risk({}) == MEDIUM


@pytest.mark.parametrize("question", ["unsafe_at_home", "happened_before", "support_needs"])
def test_an_unanswered_question_other_than_danger_does_not_raise_the_risk(question: str) -> None:
    assert assess_risk(answers(**{question: None})) == STANDARD


def test_unsafe_at_home_with_unanswered_repeat_and_support_questions_is_medium_not_high() -> None:
    """Only a yes counts towards high risk; an unanswered question is not a yes."""
    assert assess_risk(answers(unsafe_at_home=True, happened_before=None, support_needs=None)) == MEDIUM
