"""Reports taken by staff in the console: the phone line's questions, asked by a person, opened like any other.

The console reads what the member of staff entered into `StaffAnswers`; this module turns them into the same
`Report` the phone line builds and opens the case as every channel does (`open_case`, received now), so the
risk level, the callback task and its deadline follow the same rules. The case's channel is `staff`; who took
the report and how it reached them are kept on the case and in the audit log, in the commit that opens it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.audit.records import CONSOLE_REPORT_TAKEN, cases_opened_by
from app.casework.models import Case
from app.casework.report import Report
from app.casework.service import open_case
from app.clock import now
from app.staff.models import StaffMember

# How the report reached the member of staff.
HOW = {"phone": "By phone", "walk_in": "In person (walk-in)", "email": "By email", "letter": "By letter"}
# A whole UK postcode, as typed: "B10 0AA", "b100aa", " B10  0AA ".
_POSTCODE = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})")


def read_postcode(text: str | None) -> str | None:
    """'b100aa' -> 'B10 0AA'; None when it is not a whole UK postcode."""
    found = _POSTCODE.fullmatch((text or "").strip().upper())
    return f"{found.group(1)} {found.group(2)}" if found else None


@dataclass(frozen=True)
class StaffAnswers:
    """The answers a member of staff took down; None where the resident did not say."""

    how: str
    risk_answers: dict[str, bool | None]
    needs_adjustment: bool | None
    adjustments: str | None
    strand: str
    description: str
    location: str | None
    postcode: str | None  # as `read_postcode` gives it
    occurred: str | None
    callback_phone: str  # E.164
    safe_to_text: bool | None
    visit_requested: bool | None
    referral_consent: bool | None


def where(location: str | None, postcode: str | None) -> str | None:
    """The place as the case keeps it: the postcode joined to the words unless they already carry it.

    The case keeps one "where", and its postcode district (assignment) and search read the postcode from it.
    """
    if not postcode:
        return location
    if location and postcode.replace(" ", "") in location.upper().replace(" ", ""):
        return location
    return f"{location}, {postcode}" if location else postcode


def staff_report(answers: StaffAnswers, taken_by: StaffMember) -> Report:
    """The report as the phone line would have built it from the same answers."""
    return Report(
        kind="hate_crime",
        channel="staff",
        caller_phone=answers.callback_phone,
        callback_phone=answers.callback_phone,
        strands=[answers.strand],
        risk_answers=dict(answers.risk_answers),
        needs_adjustment=answers.needs_adjustment,
        adjustments=answers.adjustments if answers.needs_adjustment else None,
        safe_to_text=answers.safe_to_text,
        visit_requested=answers.visit_requested,
        referral_consent=answers.referral_consent,
        description=answers.description,
        location=where(answers.location, answers.postcode),
        occurred=answers.occurred,
        taken_by_id=taken_by.id,
        taken_how=answers.how,
    )


def take_report(session: Session, staff: StaffMember, answers: StaffAnswers, address: str | None) -> Case:
    """Open the case (its callback task, deadline and, where safe, confirmation text) and audit who took it."""
    with cases_opened_by(session, staff, address, action=CONSOLE_REPORT_TAKEN):
        return open_case(session, staff_report(answers, staff), received_at=now())
