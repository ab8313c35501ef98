"""The form staff take a report on: the phone line's questions, in the same order, in GOV.UK's words."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import Field, StringField, SubmitField
from wtforms.validators import Length, ValidationError

from app.console.form_fields import YES_NO, YES_NO_NOT_ANSWERED, Choice, as_bool, stripped, text
from app.intake.report_form import DESCRIPTION_MAX, LOCATION_MAX, OCCURRED_MAX
from app.intake.staff_report import HOW, StaffAnswers, read_postcode
from app.phones import callback_number

ADJUSTMENTS_MAX = 500
PHONE_MAX = 30
POSTCODE_MAX = 10
NOT_A_POSTCODE = "Enter a real postcode, like B10 0AA, or leave it blank"
STRANDS = [
    ("race", "Race or ethnicity"),
    ("religion", "Religion or belief"),
    ("sexual_orientation", "Sexual orientation"),
    ("disability", "Disability"),
    ("transgender", "Transgender identity"),
    ("other", "Something else, or they are not sure"),
]


def _yes_no(label: str, message: str, hint: str = "") -> Choice:
    return Choice(label, YES_NO, message, description=hint)


def _risk(label: str, message: str, hint: str = "") -> Choice:
    return Choice(label, YES_NO_NOT_ANSWERED, message, description=hint)


class TakeReportForm(FlaskForm):
    how = Choice("How did the report reach you?", list(HOW.items()), "Select how the report reached you")
    danger_now = _risk(
        "Is anyone in danger right now?",
        "Select whether anyone is in danger right now",
        "If yes, tell them to call 999 now.",
    )
    happened_before = _risk(
        "Has this happened to them or their household before?", "Select whether this has happened before"
    )
    unsafe_at_home = _risk("Do they feel unsafe in their home?", "Select whether they feel unsafe in their home")
    support_needs = _risk(
        "Does anyone in their household have a disability, an illness or a support need?",
        "Select whether anyone in their household has a disability, an illness or a support need",
    )
    needs_adjustment = _yes_no(
        "Do they need an interpreter, or any other help to talk to us?",
        "Select whether they need an interpreter or other help",
    )
    adjustments = text(
        "What do they need? (optional)",
        ADJUSTMENTS_MAX,
        "What they need",
        "For example, an Urdu interpreter, British Sign Language, or large print letters",
    )
    strand = Choice("Was it because of", STRANDS, "Select what they think it was because of")
    description = text("What happened", DESCRIPTION_MAX, "What happened", area=True)
    location = text(
        "Where it happened (optional)", LOCATION_MAX, "Where it happened", "A street, a place or a bus route"
    )
    postcode = StringField(
        "Postcode (optional)",
        widget=GovTextInput(),
        description="The postcode where it happened, for example B10 0AA",
        filters=[stripped],
        validators=[Length(max=POSTCODE_MAX, message=NOT_A_POSTCODE)],
    )
    occurred = text("When it happened (optional)", OCCURRED_MAX, "When it happened", "For example, last Friday night")
    callback_phone = text(
        "Phone number for the officer to call back",
        PHONE_MAX,
        "Phone number",
        "Any UK number, for example 0121 496 0000 or 0121 464 7269",
    )
    safe_to_text = _yes_no(
        "Is it safe to send them text messages about their case?",
        "Select whether it is safe to text them",
        "Say no if someone else may read their texts.",
    )
    visit_requested = _yes_no(
        "Would they like an officer to visit them, at home or at a place they choose?",
        "Select whether they would like a visit",
    )
    referral_consent = _yes_no(
        "May we pass their details to agencies who support people affected by hate crime?",
        "Select whether we may pass their details to support agencies",
    )
    submit = SubmitField("Take the report", widget=GovSubmitInput())

    def validate_description(self, field: Field) -> None:
        if not field.data:
            raise ValidationError("Enter what happened")

    def validate_postcode(self, field: Field) -> None:
        if field.data and len(field.data) <= POSTCODE_MAX and read_postcode(field.data) is None:
            raise ValidationError(NOT_A_POSTCODE)

    def validate_callback_phone(self, field: Field) -> None:
        if not field.data:
            raise ValidationError("Enter a phone number for the officer to call back")
        if callback_number(field.data) is None:
            raise ValidationError("Enter a UK phone number, like 0121 496 0000 or 0121 464 7269")

    def answers(self) -> StaffAnswers:
        """What was entered, read (call after `validate`)."""
        return StaffAnswers(
            how=self.how.data,
            risk_answers={
                name: as_bool(getattr(self, name).data)
                for name in ("danger_now", "happened_before", "unsafe_at_home", "support_needs")
            },
            needs_adjustment=as_bool(self.needs_adjustment.data),
            adjustments=self.adjustments.data or None,
            strand=self.strand.data,
            description=self.description.data,
            location=self.location.data or None,
            postcode=read_postcode(self.postcode.data),
            occurred=self.occurred.data or None,
            callback_phone=str(callback_number(self.callback_phone.data)),
            safe_to_text=as_bool(self.safe_to_text.data),
            visit_requested=as_bool(self.visit_requested.data),
            referral_consent=as_bool(self.referral_consent.data),
        )
