"""The monthly report's month (a GET form: it changes nothing)."""

from __future__ import annotations

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import Field, StringField
from wtforms.validators import DataRequired, ValidationError

from app.casework.performance import month_named
from app.console.form_fields import GetForm, stripped


class MonthForm(GetForm):
    month = StringField(
        "Month",
        widget=GovTextInput(),
        description="Year and month, for example 2026-11",
        filters=[stripped],
        validators=[DataRequired(message="Enter a month, for example 2026-11")],
    )

    def validate_month(self, field: Field) -> None:
        if month_named(str(field.data)) is None:
            raise ValidationError("Enter a month as the year and month, for example 2026-11")

    def first_day(self) -> date:
        first = month_named(str(self.month.data))
        assert first is not None, "validated"
        return first
