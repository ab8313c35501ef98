"""The risk level from the risk-assessment answers.

Answers are True (yes), False (no) or None (not answered).

- high: danger now; or unsafe at home together with a repeat incident or a
  vulnerability (disability, illness or support need in the household).
  High risk gets a priority callback and is flagged for the duty officer.
- medium: any one of unsafe at home, a repeat incident or a vulnerability;
  also when "are you in danger now" went unanswered, because we could not
  rule it out.
- standard: otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

RISK_QUESTIONS = ("danger_now", "happened_before", "unsafe_at_home", "support_needs")
# Each risk question in words, for staff (the case page's risk answers, a call's steps on the timeline).
RISK_LABELS = {
    "danger_now": "Someone in danger now",
    "happened_before": "Happened before",
    "unsafe_at_home": "Feels unsafe at home",
    "support_needs": "Disability, illness or support need in the household",
}


@dataclass(frozen=True)
class RiskAssessment:
    level: str
    priority: bool
    duty_officer_flag: bool


def assess_risk(answers: Mapping[str, bool | None]) -> RiskAssessment:
    danger_now = answers.get("danger_now")
    repeat = answers.get("happened_before") is True
    unsafe = answers.get("unsafe_at_home") is True
    vulnerable = answers.get("support_needs") is True
    if danger_now is True or (unsafe and (repeat or vulnerable)):
        return RiskAssessment("high", priority=True, duty_officer_flag=True)
    if unsafe or repeat or vulnerable or danger_now is None:
        return RiskAssessment("medium", priority=False, duty_officer_flag=False)
    return RiskAssessment("standard", priority=False, duty_officer_flag=False)


def risk_reasons(answers: Mapping[str, bool | None]) -> list[str]:
    """Why the case has its level, in words an officer reads before ringing the resident."""
    danger_now = answers.get("danger_now")
    reasons = [
        "Someone was in danger when they reported." if danger_now is True else "",
        "Nobody answered whether anyone was in danger, so it could not be ruled out." if danger_now is None else "",
        "It has happened before." if answers.get("happened_before") is True else "",
        "They feel unsafe at home." if answers.get("unsafe_at_home") is True else "",
        "Someone in the household has a disability, illness or support need."
        if answers.get("support_needs") is True
        else "",
    ]
    return [reason for reason in reasons if reason]
