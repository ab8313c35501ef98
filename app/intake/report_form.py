"""Reports posted by the council's website form and the BRUM Account, checked field by field.

The same questions the phone line asks, as JSON. Every bad field gets its own
message (all of them at once, so an integration fixes its form in one go),
and an unknown field is an error, so a typo in a field name is noticed rather
than silently dropped. Messages never echo what was sent: they may be logged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.casework.report import Report
from app.casework.risk import RISK_QUESTIONS
from app.phones import to_e164

KINDS = ("hate_crime", "graffiti")
STRANDS = ("race", "religion", "sexual_orientation", "disability", "transgender", "other")
DESCRIPTION_MAX = 5000
LOCATION_MAX = 500
OCCURRED_MAX = 200
YES_NO_FIELDS = (*RISK_QUESTIONS, "needs_adjustment", "safe_to_text", "visit_requested", "referral_consent")
FIELDS = frozenset(
    {"kind", "caller_phone", "callback_phone", "strands", "description", "location", "occurred", "graffiti_offensive"}
    | set(YES_NO_FIELDS)
    # "strand" (one, as the phone asks it) and "channel" (always "web" here) are accepted too.
    | {"strand", "channel"}
)


class InvalidReport(ValueError):
    """A posted report that cannot be accepted; `errors` has one message per bad field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(f"invalid report: {', '.join(errors)}")
        self.errors = errors


class _Fields:
    """Reads one payload's fields, collecting an error for each bad one instead of stopping."""

    def __init__(self, payload: Mapping[str, Any]) -> None:
        self.payload = payload
        self.errors: dict[str, str] = {}
        self.report_kind: str | None = None

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def given(self, name: str) -> Any:
        """The value sent for `name`; None when absent or null."""
        return self.payload.get(name)

    def kind(self) -> str | None:
        """The report's kind (hate_crime when not given), or None when it is not one we take."""
        value = self.given("kind")
        if value is None:
            self.report_kind = "hate_crime"
        elif isinstance(value, str) and value.strip() in KINDS:
            self.report_kind = value.strip()
        else:
            self.fail("kind", 'must be "hate_crime" or "graffiti"')
        return self.report_kind

    def wrong_kind(self, name: str, only_in: str | None) -> bool:
        """True (and an error) when `name` was answered but belongs to the other kind of report."""
        if only_in is None or self.report_kind in (None, only_in):
            return False
        self.fail(name, f"is only for {only_in} reports")
        return True

    def yes_no(self, name: str, only_in: str | None = None) -> bool | None:
        """A yes/no answer: JSON true or false, or null for not answered."""
        value = self.given(name)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.fail(name, "must be true, false or null")
            return None
        return None if self.wrong_kind(name, only_in) else value

    def text(self, name: str, max_length: int, required: bool = False) -> str | None:
        """A stripped string; blank counts as not given."""
        value = self.given(name)
        if value is not None and not isinstance(value, str):
            self.fail(name, "must be a string")
            return None
        stripped = (value or "").strip()
        if not stripped:
            if required:
                self.fail(name, "is required")
            return None
        if len(stripped) > max_length:
            self.fail(name, f"must be at most {max_length} characters")
            return None
        return stripped

    def phone(self, name: str, required: bool = False) -> str | None:
        """A valid phone number in any UK format (or international with +), as E.164."""
        value = self.given(name)
        if value is not None and not isinstance(value, str):
            self.fail(name, "must be a phone number, as a string")
            return None
        if not (value or "").strip():
            if required:
                self.fail(name, "is required")
            return None
        e164 = to_e164(value)
        if e164 is None:
            self.fail(name, "must be a valid phone number")
        return e164

    def strands(self) -> list[str]:
        """What the incident was motivated by: known strands, each once; none is fine."""
        value = self.given("strands")
        if value is None and isinstance(self.given("strand"), str):
            value = [self.given("strand")]
        if value is None or value == []:
            return []
        if self.wrong_kind("strands", "hate_crime"):
            return []
        if not isinstance(value, list) or not all(isinstance(s, str) and s.strip() in STRANDS for s in value):
            self.fail("strands", f"must be a list of: {', '.join(STRANDS)}")
            return []
        strands = [s.strip() for s in value]
        if len(set(strands)) != len(strands):
            self.fail("strands", "must not list a strand twice")
            return []
        return strands


def parse_web_report(payload: object) -> Report:
    """The Report a website or BRUM Account submission describes; raises InvalidReport."""
    if not isinstance(payload, Mapping):
        raise InvalidReport({"_payload": "must be a JSON object"})
    fields = _Fields(payload)
    for name in payload:
        if name not in FIELDS:
            fields.fail(str(name), "unknown field")
    if fields.given("channel") not in (None, "web"):
        fields.fail("channel", 'must be "web" (or left out)')
    kind = fields.kind()
    # With an unrecognised kind only the kind is reported; the kind-specific rules wait for a valid one.
    report = Report(
        kind=kind or "hate_crime",
        channel="web",
        caller_phone=fields.phone("caller_phone", required=True),
        callback_phone=fields.phone("callback_phone"),
        strands=fields.strands(),
        risk_answers={name: fields.yes_no(name) for name in RISK_QUESTIONS},
        needs_adjustment=fields.yes_no("needs_adjustment"),
        safe_to_text=fields.yes_no("safe_to_text"),
        visit_requested=fields.yes_no("visit_requested"),
        referral_consent=fields.yes_no("referral_consent"),
        graffiti_offensive=fields.yes_no("graffiti_offensive", only_in="graffiti"),
        description=fields.text("description", DESCRIPTION_MAX, required=kind == "hate_crime"),
        location=fields.text("location", LOCATION_MAX, required=kind == "graffiti"),
        occurred=fields.text("occurred", OCCURRED_MAX),
    )
    if fields.errors:
        raise InvalidReport(fields.errors)
    return report
