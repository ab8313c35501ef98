"""Closing a case: the survey it opens, the text that invites it, and the closure letter (no Flask).

`close_case` checks the rules (`lifecycle.closing_refusal`), closes the case, makes its satisfaction
survey (an unguessable token for the link, a short code to quote) and, where the resident may be texted,
queues a discreet text with the link that also invites a reply of 1 to 5; all in one audited commit.
The survey page and the replies are answered elsewhere: this module only makes the row.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.audit.changes import changes_audited
from app.audit.records import CASE_CLOSED
from app.calendar import LONDON, london_date, next_working_day_deadline
from app.casework.contact import may_text_now
from app.casework.letters import addressed_to, render_letter
from app.casework.lifecycle import CLOSED, CLOSURE_LETTER, closing_refusal, closure_evidence, mark_closed
from app.casework.models import Case, SurveyResponse
from app.casework.notes import NotAllowed
from app.casework.surveys import SURVEY_TEXT
from app.casework.tasks import add_task
from app.clock import now
from app.messaging import templates
from app.messaging.outbox import queue_text
from app.staff.models import StaffMember

# No 0/O, 1/I/L or 5/S: a code read aloud over the phone or typed from a letter is not mistaken.
SHORT_CODE_ALPHABET = "ABCDEFGHJKMNPQRTUVWXYZ2346789"
SHORT_CODE_LENGTH = 8
TOKEN_BYTES = 16  # 128 random bits: a link nobody can guess, short enough for a text
REOPEN_WITHIN = timedelta(days=28)


def closed_since_to_reopen(instant: datetime) -> datetime:
    """A case closed at or after this reopens for the resident at `instant`: the letter promises the whole of
    the 28th day (ring "by 28 December" for a case closed at 3pm on 30 November), so the window opens at
    midnight London time 28 days before `instant`'s day."""
    return datetime.combine(london_date(instant) - REOPEN_WITHIN, time(0), LONDON)


def may_reopen(case: Case, instant: datetime) -> bool:
    """A closed case the resident may still ask us to reopen at `instant`."""
    return case.status == CLOSED and case.closed_at is not None and closed_since_to_reopen(instant) <= case.closed_at


# Each reason on the fixed list, as the letter tells the resident.
LETTER_REASONS = {
    "resolved": "The problem you reported has been resolved",
    "resident_asked": "You asked us to close your case",
    "no_further_action": "There is nothing further we can do at present",
    "referred_to_police": "Your case has been passed to the police, who will contact you",
    "not_contactable": "We have not been able to contact you, despite trying several times",
}


def survey_page(base_url: str) -> str:
    """The public survey's address, where the letter's short code is typed in."""
    return f"{base_url.rstrip('/')}/survey"


def survey_link(base_url: str, token: str) -> str:
    """The public survey page for `token`, as an absolute address for letters and texts."""
    return f"{survey_page(base_url)}/{token}"


def _unused(session: Session, column: InstrumentedAttribute[str], make: Callable[[], str]) -> str:
    """A fresh random value for a unique survey column (a clash is astronomically rare, but checked)."""
    while True:
        value = make()
        if session.scalar(select(SurveyResponse.id).where(column == value)) is None:
            return value


def new_short_code() -> str:
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))


def survey_for(session: Session, case: Case) -> SurveyResponse:
    """The case's survey, made the first time it closes (one per case: a case closed again keeps it)."""
    if case.survey is None:
        case.survey = SurveyResponse(
            case_id=case.id,
            token=_unused(session, SurveyResponse.token, lambda: secrets.token_urlsafe(TOKEN_BYTES)),
            short_code=_unused(session, SurveyResponse.short_code, new_short_code),
        )
        session.flush()
    return case.survey


def close_case(
    session: Session,
    case: Case,
    staff: StaffMember,
    reason: str | None,
    reason_text: str | None,
    base_url: str,
    address: str | None,
) -> SurveyResponse:
    """Close the case with its reason, make its survey and text the link where texts are safe; commits.

    Raises NotAllowed, saying why, when the rules do not allow closing it (`lifecycle.closing_refusal`).
    """
    if refusal := closing_refusal(case, staff, reason, reason_text):
        raise NotAllowed(refusal)
    with changes_audited(session, staff, CASE_CLOSED, address):
        mark_closed(session, case, staff, str(reason), reason_text)
        _letter_to_send(session, case, staff)
        survey = survey_for(session, case)
        if may_text_now(session, case):
            body = templates.closure_survey(case.reference, survey_link(base_url, survey.token))
            queue_text(
                session, to=str(case.callback_phone), body=body, purpose=SURVEY_TEXT, case_id=case.id, daytime_only=True
            )
        session.commit()
    return survey


def _letter_to_send(session: Session, case: Case, staff: StaffMember) -> None:
    """Every closure is followed by a letter: a task, due the next working day, until someone marks it sent.

    It goes to the case's officer (or whoever closed it); whoever closed it needs no text about it.
    """
    owner = case.officer_id or staff.id
    closures = 1 + sum(1 for task in case.tasks if task.kind == CLOSURE_LETTER)  # a case may close again
    add_task(
        session,
        case,
        CLOSURE_LETTER,
        f"closure:{closures}",
        next_working_day_deadline(now()),
        assignee_id=owner,
        notified_at=now() if owner == staff.id else None,
        note="Send the resident the closure letter (from the case page), then mark this task done.",
    )


def closure_letter(case: Case, base_url: str) -> bytes:
    """The closure letter as a PDF: why the case closed, who worked on it, how to reopen it, the survey.

    Raises NotAllowed for a case that is not closed (there is no letter to send yet).
    """
    if case.status != CLOSED or case.closed_at is None or case.survey is None:
        raise NotAllowed("The case is not closed: the closure letter is made when it closes.")
    return render_letter(
        "closure_letter.html",
        sent_at=case.closed_at,
        **addressed_to(case),
        reason=LETTER_REASONS.get(case.closed_reason or "", ""),
        reason_text=case.closed_reason_text,
        reopen_by=case.closed_at + REOPEN_WITHIN,
        survey_link=survey_link(base_url, case.survey.token),
        survey_page=survey_page(base_url),
        discussed=closure_evidence(case).discussed,
        short_code=case.survey.short_code,
    )
