"""A phone call's answers in words for staff: which questions the caller answered, and what they said (no Flask).

A call's answers are keyed by the flow's step ids (ivr_flows/). Some answers are personal or special
category data (why it happened, a health need, the number to call back), so each step names the field of
the case its answer belongs to, and a role that may not read that field (`app.staff.access.fields_for`)
sees only that the question was answered. Steps not listed here are shown by name, their answers only
to roles that read the whole case.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.casework.risk import RISK_LABELS
from app.phones import shown_number


@dataclass(frozen=True)
class CallStep:
    label: str
    field: str  # the case field (as `fields_for` names it) a role must read to hear the answer


CALL_STEPS = {
    **{question: CallStep(label, "risk") for question, label in RISK_LABELS.items()},
    "needs_adjustment": CallStep("Needs an interpreter or other help to talk", "needs_adjustment"),
    "strand": CallStep("Because of", "strands"),
    "callback_choice": CallStep("Number to call back", "callback_phone"),
    "callback_number": CallStep("Number keyed to call back", "callback_phone"),
    "safe_to_text": CallStep("Safe to text", "safe_to_text"),
    "visit_requested": CallStep("Asked for a visit", "visit_requested"),
    "referral_consent": CallStep("Agreed to be referred to support agencies", "referral_consent"),
    "graffiti_offensive": CallStep("Graffiti offensive", "graffiti_offensive"),
    "reference": CallStep("Case reference keyed", "reference"),
}
CALLBACK_CHOICES = {"calling_number": "the number they called from", "other_number": "another number"}


def words(name: str | None) -> str:
    """'risk_assessment_callback' -> 'risk assessment callback'."""
    return (name or "").replace("_", " ")


def _answer(step_id: str, value: Any) -> str:
    if value is None:
        return "no answer"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if step_id == "callback_number":
        return shown_number(str(value))
    if step_id == "callback_choice":
        return CALLBACK_CHOICES.get(str(value), words(str(value)))
    return words(str(value))


_POSITION = {step_id: position for position, step_id in enumerate(CALL_STEPS)}


def _asked_order(answer: tuple[str, Any]) -> int:
    """The steps this module knows in the order the flows ask them, then any other: a database may keep a
    call's answers in its own order (PostgreSQL's jsonb does), not the order they were given."""
    return _POSITION.get(answer[0], len(_POSITION))


def answered_steps(answers: Mapping[str, Any], allowed: tuple[str, ...] | None) -> list[str]:
    """Each answered step as a line: 'Happened before: yes', or only the question when the role may not hear it."""
    lines = []
    for step_id, value in sorted(answers.items(), key=_asked_order):
        step = CALL_STEPS.get(step_id, CallStep(words(step_id).capitalize(), step_id))
        may_hear = allowed is None or (step_id in CALL_STEPS and step.field in allowed)
        lines.append(f"{step.label}: {_answer(step_id, value)}" if may_hear else f"{step.label} (answered)")
    return lines
