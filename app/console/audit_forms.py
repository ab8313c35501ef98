"""The audit log's filter: a case reference and/or a member of staff's email (a GET form: it changes nothing)."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import Field, StringField
from wtforms.validators import Length, Optional, ValidationError

from app.casework.references import looks_like_reference
from app.console.form_fields import GetForm, stripped


class AuditFilterForm(GetForm):
    """Both fields optional: neither shows every event."""

    case = StringField(
        "Case reference",
        widget=GovTextInput(),
        description="For example, HC-123456",
        filters=[stripped],
        validators=[Optional(), Length(max=20, message="Case reference must be 20 characters or fewer")],
    )
    staff = StringField(
        "Staff email address",
        widget=GovTextInput(),
        filters=[stripped],
        validators=[Optional(), Length(max=200, message="Staff email address must be 200 characters or fewer")],
    )

    def validate_case(self, field: Field) -> None:
        if not looks_like_reference(str(field.data)):
            raise ValidationError("Enter a case reference like HC-123456")
