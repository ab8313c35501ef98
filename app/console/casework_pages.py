"""What the casework pages (action plan, witnesses, interventions) share: finding the case, who may change it,
putting the domain's refusals on the form, and the links and ASB Case Review flag on the case page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import Flask, abort
from flask_wtf import FlaskForm

from app.casework.interventions import CaseReviewFlag, case_review_flag
from app.casework.letters import long_date
from app.casework.models import Case
from app.clock import now
from app.console.auth import signed_in_staff
from app.extensions import db
from app.staff.access import reads_casework, runs_case

CASEWORK_READERS = ("officer", "manager", "admin")  # the roles whose `fields_for` is the whole case


def changes_allowed(case: Case) -> bool:
    """The case's officer and managers change its action plan and interventions."""
    return runs_case(signed_in_staff(), case)


def require_changes_allowed(case: Case) -> None:
    if not changes_allowed(case):
        abort(403)


def accepted(form: FlaskForm, problems: Callable[[], dict[str, str]]) -> bool:
    """The form's own checks, then the domain's rules (`problems`, by field) on the fields that passed them;
    True when nothing is wrong. Every problem is shown at once, in the error summary and by its field."""
    valid: bool = form.validate()
    for name, message in problems().items():
        field = getattr(form, name)
        if not field.errors:
            field.errors = [message]
            valid = False
    return valid


@dataclass(frozen=True)
class CaseworkLinks:
    """On the case page: which casework pages the person may open, and the ASB Case Review flag."""

    action_plan: bool
    witnesses: bool
    interventions: bool
    case_review: CaseReviewFlag


def casework_links(case: Case) -> CaseworkLinks:
    staff = signed_in_staff()
    reads = reads_casework(staff)
    return CaseworkLinks(
        action_plan=reads,
        witnesses=runs_case(staff, case),
        interventions=reads,
        case_review=case_review_flag(db.session(), case, now()),
    )


def day(value: date | str | None) -> str:
    """A date (or an ISO 8601 date, as a plan's versions keep them) as '27 March 2027'; '' for none."""
    if not value:
        return ""
    return long_date(date.fromisoformat(value) if isinstance(value, str) else value)


def init_app(app: Flask) -> None:
    app.add_template_global(casework_links, "casework_links")
    app.add_template_filter(day, "day")
