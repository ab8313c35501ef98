"""Fields the console's forms share: radios that must be answered, yes or no, trimmed text, a date in three boxes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovRadioInput, GovTextArea, GovTextInput
from wtforms import DateField, Field, RadioField, StringField, TextAreaField
from wtforms.form import BaseForm
from wtforms.utils import unset_value
from wtforms.validators import Length, StopValidation

YES_NO = [("yes", "Yes"), ("no", "No")]
# The phone line's risk questions may go unanswered (None), which the risk rules treat on purpose.
YES_NO_NOT_ANSWERED = [*YES_NO, ("not_answered", "Not answered")]


class GetForm(FlaskForm):
    """A form sent by GET (a search, a filter): it changes nothing, so it carries no CSRF token to leak into
    URLs and logs."""

    class Meta:
        csrf = False


def stripped(words: Any) -> Any:
    """Surrounding spaces off what was typed (nothing typed stays as it is)."""
    return words.strip() if isinstance(words, str) else words


def text(label: str, longest: int, what: str, hint: str = "", area: bool = False) -> Field:
    """Trimmed text (a text area if `area`) of at most `longest` characters: "<what> must be N characters or fewer"."""
    kind = TextAreaField if area else StringField
    widget = GovTextArea() if area else GovTextInput()
    too_long = Length(max=longest, message=f"{what} must be {longest} characters or fewer")
    return kind(label, widget=widget, description=hint, filters=[stripped], validators=[too_long])


def as_bool(answer: str | None) -> bool | None:
    """'yes' -> True, 'no' -> False, anything else (not answered) -> None."""
    return {"yes": True, "no": False}.get(answer or "")


def as_answer(value: bool | None) -> str | None:
    """The radio to show checked for a stored yes/no (None: neither)."""
    return None if value is None else "yes" if value else "no"


class Radios(GovRadioInput):
    """GOV.UK radios whose legend is the field's label (small, as one question of several) and with no empty hint."""

    def map_gov_params(self, field: Field, **kwargs: Any) -> dict[str, Any]:
        params: dict[str, Any] = super().map_gov_params(field, **kwargs)
        if not (params.get("hint") or {}).get("text"):
            params.pop("hint", None)
        legend = params.setdefault("fieldset", {}).setdefault("legend", {})
        legend.setdefault("text", field.label.text)
        legend.setdefault("classes", "govuk-fieldset__legend--s")
        return params


class Choice(RadioField):
    """GOV.UK radios; `required` ones say `message` when none is chosen (not WTForms' 'Not a valid choice')."""

    def __init__(
        self, label: str, choices: Sequence[tuple[str, str]], message: str, required: bool = True, **options: Any
    ) -> None:
        super().__init__(label, choices=dict(choices), widget=Radios(), **options)
        self.message = message
        self.required = required
        self.values = {value for value, _label in choices}

    def pre_validate(self, form: BaseForm) -> None:
        if self.data in (None, "", "None"):
            if self.required:
                raise StopValidation(self.message)
            self.data = None
            raise StopValidation()
        if self.data not in self.values:
            raise StopValidation(self.message)


class DayMonthYear(DateField):
    """GOV.UK's date input (day, month, year boxes), saying in words what is missing or wrong."""

    def __init__(self, label: str, what: str, **options: Any) -> None:
        super().__init__(label, format="%d %m %Y", widget=GovDateInput(), **options)
        self.what = what

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        """As a DateField, but a form sent without all three boxes (a script, a tampered page) is three boxes
        with some left empty: the page says what to enter rather than failing to draw them."""
        super().process(formdata, data, extra_filters)
        if self.raw_data is not None and len(self.raw_data) != 3:
            self.raw_data = [*self.raw_data, "", "", ""][:3]

    def process_formdata(self, valuelist: list[Any]) -> None:
        parts = [str(part).strip() for part in valuelist]
        if not any(parts):
            self.data = None
            return
        try:
            self.data = datetime.strptime(" ".join(parts), "%d %m %Y").date()
        except ValueError:
            self.data = None
            raise ValueError(f"{self.what} must be a real date, like 27 3 2027") from None

    def pre_validate(self, form: BaseForm) -> None:
        if self.data is None and not self.errors:
            raise StopValidation(f"Enter {self.what.lower()}")
