"""The forms of a case's casework pages: action plan items, witnesses and interventions.

Each page may show more than one form, so each button has its own name (and so its own id).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import SelectField, SubmitField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3: no stub yet
from wtforms.validators import StopValidation

from app.casework.action_plans import WHAT_MAX, WHO_MAX, PlanItemDraft
from app.casework.interventions import CATEGORIES, NOTE_MAX, OTHER_MAX, STATUSES, InterventionDraft, kind_label
from app.casework.models import Witness
from app.casework.witnesses import CONTACT_MAX, NAME_MAX, RELATIONSHIP_MAX, WitnessDetails
from app.console.form_fields import YES_NO, Choice, DayMonthYear, as_answer, as_bool, text


class PlanItemForm(FlaskForm):
    what = text("What will be done", WHAT_MAX, "What will be done", area=True)
    who = text("Who will do it", WHO_MAX, "Who will do it")
    due_on = DayMonthYear("Due by", "The date it is due by")
    agreed = Choice("Has the resident agreed the plan with this item?", YES_NO, "Select whether the resident agreed")
    add_item = SubmitField("Add to the plan", widget=GovSubmitInput())

    def validate_what(self, field: Any) -> None:
        if not field.data:
            raise StopValidation("Enter what will be done")

    def validate_who(self, field: Any) -> None:
        if not field.data:
            raise StopValidation("Enter who will do it")

    def draft(self) -> PlanItemDraft:
        return PlanItemDraft(self.what.data or "", self.who.data or "", self.due_on.data)


class DueDateForm(FlaskForm):
    due_on = DayMonthYear("New due date", "The new due date")
    agreed = Choice("Has the resident agreed the new date?", YES_NO, "Select whether the resident agreed")
    change_due_date = SubmitField("Change the due date", widget=GovSubmitInput())


class WitnessForm(FlaskForm):
    name = text("Name", NAME_MAX, "The name")
    contact = text("How to contact them (optional)", CONTACT_MAX, "Contact details", "A phone number, email or address")
    relationship_to_resident = text(
        "Relationship to the resident (optional)",
        RELATIONSHIP_MAX,
        "The relationship",
        "For example, neighbour, friend, shop owner",
    )
    statement_taken = Choice("Has a statement been taken?", YES_NO, "Select whether a statement has been taken")
    consent_to_contact = Choice(
        "Have they agreed to be contacted?", YES_NO, "Select whether they agreed to be contacted"
    )
    save_witness = SubmitField("Save witness", widget=GovSubmitInput())

    def validate_name(self, field: Any) -> None:
        if not field.data:
            raise StopValidation("Enter the witness's name")

    @classmethod
    def showing(cls, witness: Witness) -> WitnessForm:
        data = {
            "name": witness.name,
            "contact": witness.contact,
            "relationship_to_resident": witness.relationship_to_resident,
            "statement_taken": as_answer(witness.statement_taken),
            "consent_to_contact": as_answer(witness.consent_to_contact),
        }
        return cls(formdata=None, data=data)

    def details(self) -> WitnessDetails:
        return WitnessDetails(
            name=self.name.data or "",
            contact=self.contact.data or None,
            relationship_to_resident=self.relationship_to_resident.data or None,
            statement_taken=bool(as_bool(self.statement_taken.data)),
            consent_to_contact=bool(as_bool(self.consent_to_contact.data)),
        )


KIND_CHOICES = [SelectChoice("", "Choose one")] + [
    SelectChoice(kind, kind_label(kind)) for category in CATEGORIES.values() for kind in category.kinds
]


class InterventionForm(FlaskForm):
    kind = SelectField("What was considered or used", choices=KIND_CHOICES, widget=GovSelect(), validate_choice=False)
    other = text("If another legal power, which one", OTHER_MAX, "The other legal power")
    status = Choice(
        "Was it considered or used?",
        [(name, label) for name, label in STATUSES.items() if name in ("considered", "used")],
        "Select considered or used",
        required=False,
        description="Leave this for a multi-agency meeting (attended) or an ASB Case Review (requested)",
    )
    on = DayMonthYear("Date", "The date")
    note = text("Note (optional)", NOTE_MAX, "The note", area=True)
    record_intervention = SubmitField("Record it", widget=GovSubmitInput())

    def draft(self) -> InterventionDraft:
        return InterventionDraft(
            kind=self.kind.data or "",
            status=self.status.data or None,
            other=self.other.data or None,
            note=self.note.data or None,
            on=self.on.data if isinstance(self.on.data, date) else None,
        )
