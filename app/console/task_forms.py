"""The forms officers and managers use on tasks: completing one, and giving work to another officer."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput
from wtforms import Field, RadioField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # newer than types-WTForms 3.2
from wtforms.validators import ValidationError

from app.casework.reassignment import OfficerChoice
from app.casework.tasks import RISK_ASSESSMENT_CALLBACK, outcomes_for
from app.console.form_fields import text

SPOKE = "spoke_to_resident"
# Every outcome the API understands, in the order an officer reads them, in words.
OUTCOME_LABELS = {
    SPOKE: "Spoke to the resident",
    "no_answer": "No answer",
    "wrong_number": "Wrong number",
    "resident_declined": "The resident did not want to talk",
    "removed": "Graffiti removed",
    "not_found": "Graffiti not found",
    "done": "Done",
}
RISK_LEVELS = {"standard": "Standard", "medium": "Medium", "high": "High"}
LONGEST_NOTE = 2000


class CompleteTaskForm(FlaskForm):  # type: ignore[misc]
    """The outcome; after speaking to the resident on a risk-assessment callback, the risk level and why."""

    outcome = RadioField("What happened?", widget=GovRadioInput(), validate_choice=False)
    risk_level = RadioField(
        "Risk level you assessed",
        widget=GovRadioInput(),
        choices=[SelectChoice(value, label) for value, label in RISK_LEVELS.items()],
        validate_choice=False,
        description="Only if you spoke to the resident",
    )
    reasons = text(
        "Why this risk level",
        LONGEST_NOTE,
        "Reasons",
        "What the resident told you that makes the risk standard, medium or high",
        area=True,
    )
    note = text("Notes (optional)", LONGEST_NOTE, "Notes", area=True)
    submit = SubmitField("Complete task", widget=GovSubmitInput())

    def __init__(self, kind: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = outcomes_for(kind)
        self.outcomes = {name: label for name, label in OUTCOME_LABELS.items() if name in allowed}
        self.outcome.choices = [SelectChoice(name, label) for name, label in self.outcomes.items()]
        self.asks_risk = kind == RISK_ASSESSMENT_CALLBACK
        if not self.asks_risk:
            del self.risk_level
            del self.reasons

    @property
    def risk_assessed(self) -> bool:
        """A risk level is asked for, and wanted: the officer spoke to the resident."""
        return self.asks_risk and self.outcome.data == SPOKE

    def validate_outcome(self, field: Field) -> None:
        if not field.data:
            raise ValidationError("Select what happened")
        if field.data not in self.outcomes:
            raise ValidationError("Select what happened from the list")

    def validate_risk_level(self, field: Field) -> None:
        if self.risk_assessed and not field.data:
            raise ValidationError("Select the risk level you assessed")
        if self.risk_assessed and field.data not in RISK_LEVELS:
            raise ValidationError("Select standard, medium or high")

    def validate_reasons(self, field: Field) -> None:
        if self.risk_assessed and not field.data:
            raise ValidationError("Enter why you chose this risk level")

    def chosen_risk(self) -> str | None:
        """The risk level to set on the case: only when it was assessed."""
        return str(self.risk_level.data) if self.risk_assessed else None

    def task_note(self, existing: str | None) -> str | None:
        """The task's note with the reasons for the risk level and any notes added (what it said before is kept)."""
        added = [f"Risk assessed as {self.risk_level.data}: {self.reasons.data}"] if self.risk_assessed else []
        added += [str(self.note.data)] if self.note.data else []
        return "\n\n".join([existing, *added] if existing and added else added) or None


class ReassignForm(FlaskForm):  # type: ignore[misc]
    """One active officer, chosen from a list (the one who holds the work now is not offered)."""

    officer = SelectField("Officer", widget=GovSelect(), validate_choice=False)
    submit = SubmitField("Reassign", widget=GovSubmitInput())

    def __init__(self, officers: list[OfficerChoice], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.officers = {str(o.id): o.label for o in officers}
        self.officer.choices = [SelectChoice("", "Choose an officer")] + [
            SelectChoice(value, label) for value, label in self.officers.items()
        ]

    def validate_officer(self, field: Field) -> None:
        if not field.data:
            raise ValidationError("Choose the officer to take over")
        if field.data not in self.officers:
            raise ValidationError("Choose an officer from the list")

    @property
    def officer_id(self) -> int:
        return int(self.officer.data)
