"""The survey's questions as a WTForms form (no Flask-WTF: the page sets no cookie, see the package docstring)."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovCheckboxesInput, GovSubmitInput
from wtforms import Form, SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import Length

from app.casework.surveys import COMMENTS_LIMIT, GET_INVOLVED, SATISFACTION, YES_PARTLY_NO, SurveyAnswers
from app.console.form_fields import Choice, stripped


class Checkboxes(GovCheckboxesInput):
    """GOV.UK checkboxes whose legend is the question, at the size of the page's other questions."""

    def map_gov_params(self, field: Any, **kwargs: Any) -> dict[str, Any]:
        params: dict[str, Any] = super().map_gov_params(field, **kwargs)
        params["fieldset"]["legend"]["classes"] = "govuk-fieldset__legend--s"
        return params


class SurveyForm(Form):
    satisfaction = Choice(
        "Overall, how satisfied are you with how we dealt with your report?",
        [(str(score), label) for score, label in SATISFACTION.items()],
        "Select how satisfied you are",
    )
    kept_informed = Choice(
        "Were you kept informed about what was happening? (optional)",
        list(YES_PARTLY_NO.items()),
        "Select yes, partly or no",
        required=False,
    )
    listened_to = Choice(
        "Did you feel listened to? (optional)", list(YES_PARTLY_NO.items()), "Select yes, partly or no", required=False
    )
    get_involved = SelectMultipleField(
        "Would you like to get involved in your community? (optional)",
        choices=dict(GET_INVOLVED),
        description="Select all that apply.",
        widget=Checkboxes(),
    )
    comments = TextAreaField(
        "Is there anything else you would like to tell us? (optional)",
        widget=GovCharacterCount(),
        filters=[stripped],
        validators=[Length(max=COMMENTS_LIMIT, message=f"Your answer must be {COMMENTS_LIMIT} characters or fewer")],
    )
    send = SubmitField("Send your answers", widget=GovSubmitInput())

    def answers(self) -> SurveyAnswers:
        """The validated answers as the survey stores them."""
        return SurveyAnswers(
            satisfaction=int(self.satisfaction.data),
            kept_informed=self.kept_informed.data,
            listened_to=self.listened_to.data,
            get_involved=[choice for choice in GET_INVOLVED if choice in (self.get_involved.data or [])],
            comments=self.comments.data or None,
        )
