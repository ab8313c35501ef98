"""The staff account forms: create an account, change one, reset its password (GOV.UK widgets and wording).

Each field is checked by the same rule the command line uses (`app.staff.accounts`), so a mobile, a
patch or working hours mean the same wherever they are typed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    Field,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3: no stub yet
from wtforms.form import BaseForm
from wtforms.validators import EqualTo, InputRequired, Length, StopValidation, ValidationError

from app.phones import shown_number
from app.staff.accounts import (
    EMAIL,
    LONGEST_EMAIL,
    LONGEST_NAME,
    StaffError,
    WorkingPattern,
    read_mobile,
    read_patch,
    working_pattern,
)
from app.staff.changes import AccountDetails
from app.staff.models import StaffMember
from app.staff.passwords import LONGEST

ROLE_CHOICES = [
    SelectChoice("contact_centre", "Contact centre"),
    SelectChoice("officer", "Officer"),
    SelectChoice("manager", "Manager"),
    SelectChoice("admin", "Admin"),
    SelectChoice("integration", "Integration (the API only: cannot sign in to the console)"),
]
DAY_CHOICES = [
    SelectChoice(str(day), name)
    for day, name in enumerate(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"))
]
ACTIVE_CHOICES = [
    SelectChoice("yes", "Active: can sign in and be given tasks"),
    SelectChoice("no", "Deactivated: cannot sign in"),
]
NO_MANAGER = SelectChoice("", "No manager")


def strip(words: object) -> object:
    return words.strip() if isinstance(words, str) else words


def sentence(error: StaffError) -> str:
    """A StaffError as the Design System words an error: a sentence starting with a capital."""
    words = str(error)
    return words[:1].upper() + words[1:]


class CheckedChoices:
    """Radios, a select or checkboxes that say in words what is missing or not on the list."""

    missing: str | None
    invalid: str
    raw_data: list[Any] | None
    choices: Any

    def pre_validate(self, form: BaseForm) -> None:
        chosen = [value for value in self.raw_data or [] if value]
        if not chosen and self.missing:
            raise StopValidation(self.missing)
        allowed = {choice.value for choice in self.choices}
        if any(value not in allowed for value in chosen):
            raise StopValidation(self.invalid)


class ChoiceRadios(CheckedChoices, RadioField):
    def __init__(self, label: str, *, missing: str, invalid: str, **options: Any) -> None:
        super().__init__(label, widget=GovRadioInput(), **options)
        self.missing, self.invalid = missing, invalid


class ChoiceSelect(CheckedChoices, SelectField):
    def __init__(self, label: str, *, invalid: str, **options: Any) -> None:
        super().__init__(label, widget=GovSelect(), **options)
        self.missing, self.invalid = None, invalid


class ChoiceCheckboxes(CheckedChoices, SelectMultipleField):
    def __init__(self, label: str, *, missing: str, invalid: str, **options: Any) -> None:
        super().__init__(label, widget=GovCheckboxesInput(), **options)
        self.missing, self.invalid = missing, invalid


def checked_by(rule: Callable[[str], object]) -> Callable[[BaseForm, Field], None]:
    """A WTForms validator from one of the staff rules: its StaffError becomes the field's error."""

    def validate(_form: BaseForm, field: Field) -> None:
        try:
            rule(str(field.data or ""))
        except StaffError as error:
            raise ValidationError(sentence(error)) from error

    return validate


# Made before the shared fields, so each form lists them first (WTForms orders fields as they were made):
# the pages, and so their error summaries, start with the person's name and email, or the account's state.
NAME = StringField(
    "Full name",
    widget=GovTextInput(),
    filters=[strip],
    validators=[
        InputRequired("Enter their full name"),
        Length(max=LONGEST_NAME, message=f"Full name must be {LONGEST_NAME} characters or fewer"),
    ],
)
EMAIL_ADDRESS = StringField(
    "Email address",
    widget=GovTextInput(),
    description="Their council email address: they sign in with it",
    filters=[strip],
    validators=[
        InputRequired("Enter their email address"),
        Length(max=LONGEST_EMAIL, message=f"Email address must be {LONGEST_EMAIL} characters or fewer"),
    ],
)
ACTIVE = ChoiceRadios(
    "Account",
    choices=ACTIVE_CHOICES,
    missing="Select active or deactivated",
    invalid="Select active or deactivated",
)


class AccountDetailsForm(FlaskForm):
    """What both the new account and the change forms set."""

    role = ChoiceRadios("Role", choices=ROLE_CHOICES, missing="Select a role", invalid="Select a role from the list")
    mobile = StringField(
        "Mobile number (optional)",
        widget=GovTextInput(),
        description="Texts about their tasks go here. A UK mobile, for example 07911 123456",
        filters=[strip],
        validators=[Length(max=30, message="Mobile number must be 30 characters or fewer"), checked_by(read_mobile)],
    )
    patch = StringField(
        "Patch (optional)",
        widget=GovTextInput(),
        description="The postcode districts they cover, separated by commas, for example B10, B11",
        filters=[strip],
        validators=[
            Length(max=300, message="Patch must be 300 characters or fewer"),
            checked_by(lambda words: read_patch(words.split(","))),
        ],
    )
    working_days = ChoiceCheckboxes(
        "Working days",
        choices=DAY_CHOICES,
        missing="Select at least one working day",
        invalid="Select working days from the list",
    )
    works_from = StringField(
        "Starts work at",
        widget=GovTextInput(),
        description="London time on the 24-hour clock, for example 09:00",
        filters=[strip],
        validators=[InputRequired("Enter the time they start work"), Length(max=5, message="Enter a time like 09:00")],
    )
    works_until = StringField(
        "Finishes work at",
        widget=GovTextInput(),
        description="For example, 17:00",
        filters=[strip],
        validators=[
            InputRequired("Enter the time they finish work"),
            Length(max=5, message="Enter a time like 17:00"),
        ],
    )
    manager = ChoiceSelect(
        "Manager (optional)",
        description="Their overdue tasks are escalated to this manager",
        invalid="Select a manager from the list",
    )
    duty_manager = BooleanField(
        "Duty manager: receives high-risk alerts",
        description="Only a manager can be a duty manager",
        widget=GovCheckboxInput(),
    )

    def offer_managers(self, managers: Sequence[StaffMember]) -> None:
        """The managers to choose from (by email, as the command line names them)."""
        self.manager.choices = [NO_MANAGER, *(SelectChoice(manager.email, manager.name) for manager in managers)]

    def validate_works_until(self, field: Field) -> None:
        if self.works_from.errors or not self.works_from.data or not field.data:
            return
        try:
            working_pattern([0], str(self.works_from.data), str(field.data))
        except StaffError as error:
            raise ValidationError("Enter times like 09:00 and 17:00, finishing after starting") from error

    def pattern(self) -> WorkingPattern:
        return working_pattern(
            (int(day) for day in self.working_days.data or []), str(self.works_from.data), str(self.works_until.data)
        )

    def details(self, active: bool = True) -> AccountDetails:
        """What was chosen, for `app.staff.changes` (call after the form validated)."""
        return AccountDetails(
            role=str(self.role.data),
            mobile=str(self.mobile.data or "") or None,
            patch=tuple(str(self.patch.data or "").split(",")),
            pattern=self.pattern(),
            manager_email=str(self.manager.data or "") or None,
            duty_manager=bool(self.duty_manager.data),
            active=active,
        )

    def refuse(self, error: StaffError) -> None:
        """Show a refusal from the staff rules beside the field it is about."""
        field = {"hours": "works_until"}.get(error.field or "", error.field or "role")
        getattr(self, field, self.role).errors = [sentence(error)]


class NewAccountForm(AccountDetailsForm):
    name = NAME
    email = EMAIL_ADDRESS
    submit = SubmitField("Create account", widget=GovSubmitInput())

    def validate_email(self, field: Field) -> None:
        if not EMAIL.fullmatch(str(field.data)):
            raise ValidationError("Enter an email address in the correct format, like name@birmingham.gov.uk")


class ChangeAccountForm(AccountDetailsForm):
    active = ACTIVE
    submit = SubmitField("Save changes", widget=GovSubmitInput())

    @classmethod
    def of(cls, member: StaffMember, managers: Sequence[StaffMember], formdata: Any = None) -> ChangeAccountForm:
        """The form filled in from the account, or from `formdata` (the form sent) when there is one."""
        form = cls(
            formdata=formdata,
            data={
                "role": member.role,
                "active": "yes" if member.active else "no",
                "mobile": shown_number(member.mobile),
                "patch": ", ".join(member.patch),
                "working_days": [str(day) for day in member.working_days],
                "works_from": member.works_from,
                "works_until": member.works_until,
                "manager": member.manager.email if member.manager else "",
                "duty_manager": member.duty_manager,
            },
        )
        form.offer_managers(managers)
        return form


class PasswordResetForm(FlaskForm):
    password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description="At least 12 characters. Three random words are easy to remember and hard to guess",
        validators=[
            InputRequired("Enter the new password"),
            Length(max=LONGEST, message=f"Password must be {LONGEST} characters or fewer"),
        ],
    )
    confirm = PasswordField(
        "Type the new password again",
        widget=GovPasswordInput(),
        validators=[InputRequired("Type the new password again"), EqualTo("password", "The passwords do not match")],
    )
    submit = SubmitField("Reset password", widget=GovSubmitInput())
