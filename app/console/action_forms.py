"""The case page's forms: a note, a signposting or referral, contact preferences, a text, the update now.

They share one page, so each button has its own name (and so its own id).
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import Field, HiddenField, SubmitField
from wtforms.validators import ValidationError

from app.casework.models import Case
from app.casework.notes import AGENCIES, DETAILS_MAX, NOTE_MAX
from app.casework.preferences import (
    ADJUSTMENTS_MAX,
    METHODS,
    POSTAL_ADDRESS_MAX,
    RESIDENT_NAME_MAX,
    SAFE_TIMES_MAX,
    ContactPreferences,
    NameAndAddress,
    problems,
)
from app.console.form_fields import YES_NO, Choice, as_answer, as_bool, text
from app.messaging.templates import STAFF_TEXTS
from app.phones import shown_number

KINDS = [
    ("signposting", "Signposting: we gave them the agency's details"),
    ("referral", "Referral: we passed their details to the agency"),
]


class NoteForm(FlaskForm):
    note = text("Note", NOTE_MAX, "The note", area=True)
    add_note = SubmitField("Add note", widget=GovSubmitInput())

    def validate_note(self, field: Field) -> None:
        if not field.data:
            raise ValidationError("Enter the note")


class SignpostingForm(FlaskForm):
    agency = Choice("Agency", list(AGENCIES.items()), "Select the agency")
    kind = Choice("What did you do?", KINDS, "Select signposting or referral")
    consent = Choice(
        "Did the resident agree to their details being passed to the agency?",
        YES_NO,
        "Select whether the resident agreed",
        required=False,
        description="A referral needs their consent. Signposting does not.",
    )
    details = text(
        "Details (optional)", DETAILS_MAX, "Details", "For example, the number you gave them or the agency's reference"
    )
    log_signposting = SubmitField("Log signposting or referral", widget=GovSubmitInput())


class ContactPreferencesForm(FlaskForm):
    contact_method = Choice("How do they want us to contact them?", list(METHODS.items()), "Select a contact method")
    safe_times = text(
        "When is it safe to contact them? (optional)",
        SAFE_TIMES_MAX,
        "Safe times",
        "For example, weekdays after 6pm, never on Saturdays",
    )
    safe_to_text = Choice("Is it safe to text them?", YES_NO, "Select whether it is safe to text them")
    needs_adjustment = Choice(
        "Do they need an interpreter or other adjustment?", YES_NO, "Select whether they need an adjustment"
    )
    adjustments = text(
        "What do they need? (optional)",
        ADJUSTMENTS_MAX,
        "The interpreter or adjustment",
        "For example, an Urdu interpreter, or British Sign Language",
    )
    callback_phone = text(
        "Phone number to call them on",
        30,
        "The phone number",
        "Change it when the resident gives us a new or corrected number",
    )
    resident_name = text("Resident's name (optional)", RESIDENT_NAME_MAX, "The name", "As it goes on a letter to them")
    postal_address = text(
        "Postal address (optional)",
        POSTAL_ADDRESS_MAX,
        "The postal address",
        "For letters: each part on its own line, with the postcode",
        area=True,
    )
    save_preferences = SubmitField("Save contact preferences", widget=GovSubmitInput())

    @classmethod
    def for_role(cls, reads_personal: bool, **options: Any) -> ContactPreferencesForm:
        """The form; without the name and address for a role that may not read personal details."""
        form = cls(**options)
        if not reads_personal:
            del form.callback_phone
            del form.resident_name
            del form.postal_address
        return form

    @classmethod
    def showing(cls, case: Case, reads_personal: bool) -> ContactPreferencesForm:
        """The form filled in with the case's current preferences (for the case page)."""
        data: dict[str, Any] = {
            "contact_method": case.contact_method,
            "safe_times": case.safe_times,
            "safe_to_text": as_answer(case.safe_to_text),
            "needs_adjustment": as_answer(case.needs_adjustment),
            "adjustments": case.adjustments,
        }
        if reads_personal:
            data |= {
                "callback_phone": shown_number(case.callback_phone),
                "resident_name": case.resident_name,
                "postal_address": case.postal_address,
            }
        return cls.for_role(reads_personal, formdata=None, data=data)

    def preferences(self) -> ContactPreferences:
        return ContactPreferences(
            contact_method=self.contact_method.data,
            safe_times=self.safe_times.data or None,
            safe_to_text=bool(as_bool(self.safe_to_text.data)),
            needs_adjustment=bool(as_bool(self.needs_adjustment.data)),
            adjustments=self.adjustments.data or None,
            name_and_address=NameAndAddress(self.resident_name.data, self.postal_address.data)
            if "resident_name" in self
            else None,
            callback_phone=self.callback_phone.data if "callback_phone" in self else None,
        )

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields, then the rules between them (texts chosen when texts are not safe)."""
        if not super().validate(extra_validators):
            return False
        for name, message in problems(self.preferences()).items():
            getattr(self, name).errors.append(message)
        return not self.errors


class TextForm(FlaskForm):
    message = Choice("Which text?", list(STAFF_TEXTS.items()), "Select which text to send")
    confirm = HiddenField()
    check_text = SubmitField("Check the text", widget=GovSubmitInput())


class UpdateForm(FlaskForm):
    send_update = SubmitField("Send the update now", widget=GovSubmitInput())
