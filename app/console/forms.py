"""The console's forms: GOV.UK widgets from govuk-frontend-wtf, messages in the Design System's words."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import Field, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from app.casework.search import LONGEST_SEARCH, SearchTerm, read_search
from app.console.form_fields import GetForm

# The same words whichever part was wrong, so the page never says which email addresses have accounts.
REFUSED = "Enter a correct email address and password"


class SignInForm(FlaskForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter your email address"),
            Length(max=200, message="Email address must be 200 characters or fewer"),
        ],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired("Enter your password"),
            Length(max=256, message="Password must be 256 characters or fewer"),
        ],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())

    def refuse(self) -> None:
        """Show the one refusal message, against the email field."""
        self.email.errors = [REFUSED]


class SearchForm(GetForm):
    """The search box (?q=)."""

    q = StringField(
        "Case reference, phone number or postcode",
        widget=GovTextInput(),
        description="For example, HC-123456, 07700 900123 or B10 0AA",
        filters=[lambda words: words.strip() if isinstance(words, str) else words],
        validators=[
            DataRequired("Enter a case reference, phone number or postcode"),
            Length(max=LONGEST_SEARCH, message=f"Search must be {LONGEST_SEARCH} characters or fewer"),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.term: SearchTerm | None = None

    def validate_q(self, field: Field) -> None:
        self.term = read_search(str(field.data))
        if self.term is None:
            raise ValidationError("Enter a case reference like HC-123456, a UK phone number or a postcode like B10 0AA")
