"""The contact log's form on the case page, and the closure page's form (propose, agree, close, reopen)."""

from __future__ import annotations

import re
from datetime import datetime

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import Field, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, ValidationError

from app.calendar import LONDON, london_date
from app.casework.contact_log import DIRECTIONS, METHODS, NOTE_MAX, OUTCOMES, Contact
from app.casework.lifecycle import CLOSURE_REASONS, REASON_TEXT_MAX
from app.clock import now
from app.console.form_fields import YES_NO, Choice, as_bool, stripped, text

# '14:30' (today), or '27/11/2026 14:30' (also with dashes or dots); London time.
_WHEN = re.compile(r"(?:(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s+)?(\d{1,2})[:.](\d{2})")


def read_when(text: str | None, instant: datetime) -> datetime | None:
    """'14:30' today or '27/11/2026 14:30', London time; None for nothing typed. Raises ValueError."""
    if not text:
        return None
    found = _WHEN.fullmatch(text.strip())
    if found is None:
        raise ValueError(text)
    day, month, year, hour, minute = found.groups()
    on = london_date(instant) if day is None else datetime(int(year), int(month), int(day)).date()
    return datetime(on.year, on.month, on.day, int(hour), int(minute), tzinfo=LONDON)


class ContactForm(FlaskForm):
    method = Choice("How were you in contact?", list(METHODS.items()), "Select how you were in contact")
    direction = Choice("Who contacted whom?", list(DIRECTIONS.items()), "Select who contacted whom")
    outcome = Choice("What happened?", list(OUTCOMES.items()), "Select what happened")
    closure_discussion = Choice(
        "Was it about closing the case?",
        YES_NO,
        "Select whether it was about closing the case",
        description="Closing a case needs a closure discussion that reached the resident, or 3 attempts at one.",
    )
    when = StringField(
        "When (optional)",
        widget=GovTextInput(),
        description="Leave empty for now. Or a time today, like 14:30, or a date and time, like 27/11/2026 14:30",
        filters=[stripped],
    )
    contact_note = TextAreaField(  # not `note`: the case page's note form has that id
        "Note (optional)",
        widget=GovTextArea(),
        filters=[stripped],
        validators=[Length(max=NOTE_MAX, message=f"The note must be {NOTE_MAX} characters or fewer")],
    )
    log_contact = SubmitField("Log the contact", widget=GovSubmitInput())

    def validate_when(self, field: Field) -> None:
        try:
            at = read_when(field.data, now())
        except ValueError:
            raise ValidationError("Enter the time like 14:30, or the date and time like 27/11/2026 14:30") from None
        if at is not None and at > now():
            raise ValidationError("The time of the contact must be now or in the past")

    def contact(self) -> Contact:
        return Contact(
            method=self.method.data,
            direction=self.direction.data,
            outcome=self.outcome.data,
            closure_discussion=bool(as_bool(self.closure_discussion.data)),
            note=self.contact_note.data or None,
            at=read_when(self.when.data, now()),
        )


class ClosureForm(FlaskForm):
    """One form, one button per action; the reason is read only when closing."""

    reason = Choice(
        "Why is the case closing?", list(CLOSURE_REASONS.items()), "Select why the case is closing", required=False
    )
    reason_text = text(
        "More about the reason (optional)",
        REASON_TEXT_MAX,
        "The reason",
        "It is printed in the closure letter to the resident",
        area=True,
    )
    propose = SubmitField("Propose closure", widget=GovSubmitInput())
    withdraw = SubmitField("Keep the case open", widget=GovSubmitInput())
    agree = SubmitField("Agree to closing the case", widget=GovSubmitInput())
    close = SubmitField("Close the case", widget=GovSubmitInput())
    reopen = SubmitField("Reopen the case", widget=GovSubmitInput())

    ACTIONS = ("propose", "withdraw", "agree", "close", "reopen")

    def action(self) -> str | None:
        """Which button was pressed."""
        return next((name for name in self.ACTIONS if self[name].data), None)
