"""Fields the console's casework forms share: radios that must be answered, yes or no, trimmed text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput
from wtforms import Field, RadioField
from wtforms.form import BaseForm
from wtforms.validators import StopValidation

YES_NO = [("yes", "Yes"), ("no", "No")]
# The phone line's risk questions may go unanswered (None), which the risk rules treat on purpose.
YES_NO_NOT_ANSWERED = [*YES_NO, ("not_answered", "Not answered")]


def stripped(words: Any) -> Any:
    """Surrounding spaces off what was typed (nothing typed stays as it is)."""
    return words.strip() if isinstance(words, str) else words


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
