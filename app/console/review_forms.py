"""The manager's fortnightly review form: notes, decisions, the next review date and, optionally, a new officer."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import Field, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # newer than types-WTForms 3.2
from wtforms.validators import ValidationError

from app.casework.reassignment import OfficerChoice
from app.console.form_fields import DayMonthYear, text

LONGEST_NOTES = 4000
KEEP_OFFICER = ""


class ReviewForm(FlaskForm):
    """What the manager found and decided, when the next review is, and whether another officer takes the case."""

    notes = text(
        "What you found",
        LONGEST_NOTES,
        "Notes",
        "Progress against the action plan, contact with the resident, risk",
        area=True,
    )
    decisions = text("What you decided", LONGEST_NOTES, "Decisions", "Actions for the officer, and by when", area=True)
    next_review = DayMonthYear("Next review date", "The next review date")
    officer = SelectField("Officer", widget=GovSelect(), validate_choice=False)
    submit = SubmitField("Record the review", widget=GovSubmitInput())

    def __init__(self, officers: list[OfficerChoice], keep: str, suggested: date, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.officers = {str(o.id): o.label for o in officers}
        self.officer.choices = [SelectChoice(KEEP_OFFICER, keep)] + [
            SelectChoice(value, label) for value, label in self.officers.items()
        ]
        if not self.is_submitted():
            self.next_review.data = suggested

    def validate_notes(self, field: Field) -> None:
        if not field.data and not self.decisions.data:
            raise ValidationError("Enter what you found or what you decided")

    def validate_officer(self, field: Field) -> None:
        if field.data not in (KEEP_OFFICER, *self.officers):
            raise ValidationError("Choose an officer from the list")

    @property
    def next_review_on(self) -> date:
        """The date chosen (a form that validated has one)."""
        chosen = self.next_review.data
        assert isinstance(chosen, date)
        return chosen

    @property
    def new_officer_id(self) -> int | None:
        return int(self.officer.data) if self.officer.data else None
