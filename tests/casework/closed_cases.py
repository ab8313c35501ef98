"""Closed cases with their surveys, as the closure step leaves them (the case's closing fields written directly)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.casework.closure import survey_for, survey_link
from app.casework.models import Case, SurveyResponse
from app.casework.reopening import CLOSED
from app.casework.report import Report
from app.casework.service import open_case
from app.casework.surveys import SURVEY_TEXT
from app.extensions import db
from app.messaging import templates
from app.messaging.outbox import queue_text
from tests.conftest import PUBLIC_BASE_URL, RESIDENT

RISK_ANSWERS = {"danger_now": False, "happened_before": False, "unsafe_at_home": False, "support_needs": False}


def closed_case(
    opened_at: datetime,
    closed_at: datetime,
    phone: str = RESIDENT,
    kind: str = "hate_crime",
    resident_name: str | None = None,
    **details: Any,
) -> Case:
    """A resident's report on the website, opened at `opened_at` and closed at `closed_at` (texts safe,
    standard risk), its callback having reached them on its number; `details` are the report's."""
    fields: dict[str, Any] = {
        "caller_phone": phone,
        "risk_answers": dict(RISK_ANSWERS),
        "safe_to_text": True,
        "description": "Someone shouted at me at the bus stop on Ladypool Road.",
        "location": "Ladypool Road, B12 8JY",
        "confirm_by_text": False,
        **details,
    }
    case = open_case(db.session(), Report(kind=kind, channel="web", **fields), received_at=opened_at)
    for task in case.tasks:
        task.status, task.outcome = "done", "spoke_to_resident"
    case.status, case.closed_at, case.closed_reason = CLOSED, closed_at, "resolved"
    case.resident_name = resident_name
    db.session.commit()
    return case


def with_survey(case: Case, closure_text_at: datetime | None = None) -> SurveyResponse:
    """The case's survey as closing makes it; with `closure_text_at`, the closure text (with its link) sent then."""
    survey = survey_for(db.session(), case)
    survey.created_at = case.closed_at
    if closure_text_at is not None:
        body = templates.closure_survey(case.reference, survey_link(PUBLIC_BASE_URL, survey.token))
        text = queue_text(db.session(), to=str(case.callback_phone), body=body, purpose=SURVEY_TEXT, case_id=case.id)
        text.created_at = closure_text_at
    db.session.commit()
    return survey
