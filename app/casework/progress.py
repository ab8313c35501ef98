"""The fortnightly promise: every open case hears from us at least every two weeks.

`next_update_due` is the last contact with the resident plus 14 days. On
working days from 10:00 London, every open case due before the next working
day's run is contacted by the agreed method: a text where texts are safe,
otherwise a "progress call due" task for the officer, due by the end of the
promised day (the working day before, when that day is not one). One
ProgressContact row per case and round makes a second run, a second scheduler
or a retry a no-op.

A round that never reaches the resident (three unanswered calls, then a letter
or a visit) leaves the clock where it was: the case stays on the managers'
"no contact" list, and a fortnight after the missed round's due date the next
round is raised, and so on until somebody reaches them. Only contact resets
the clock; a round raised is not a round kept.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.calendar import LONDON, end_of_day, is_working_day, london_date, next_working_day, next_working_day_deadline
from app.casework.contact import UPDATE_INTERVAL, may_text_now, record_contact
from app.casework.lifecycle import is_open, still_open
from app.casework.models import Case, ProgressContact, Task
from app.casework.tasks import CALL_KINDS, LETTER_OR_VISIT, add_task
from app.clock import now
from app.messaging import templates
from app.messaging.outbox import queue_text

log = logging.getLogger(__name__)

DAILY_RUN = time(10, 0)
LEAST_NOTICE = timedelta(hours=2)  # a call task due sooner than this after it is raised moves to the next working day


def selection_cutoff(as_of: datetime) -> datetime | None:
    """Cases due before the next working day's 10:00 run are contacted now; None outside run hours."""
    local = as_of.astimezone(LONDON)
    if not is_working_day(local.date()) or local.time() < DAILY_RUN:
        return None
    return datetime.combine(next_working_day(local.date()), DAILY_RUN, tzinfo=LONDON)


def due_case_ids(session: Session, as_of: datetime) -> list[int]:
    """Open cases (closure proposed and reopened too) due for their update: an indexed range query on
    (status, next_update_due)."""
    cutoff = selection_cutoff(as_of)
    if cutoff is None:
        return []
    query = select(Case.id).where(still_open(), Case.next_update_due < cutoff).order_by(Case.next_update_due)
    return list(session.scalars(query))


def contact_for_update(session: Session, case_id: int, selected_at: datetime) -> str:
    """Send one case its fortnightly update by the agreed method, once per due date.

    `selected_at` is when the run chose the case (so `flask jobs run --as-of` means the same to the job).
    """
    case = session.get(Case, case_id)
    cutoff = selection_cutoff(selected_at)
    if case is None or not is_open(case) or case.next_update_due is None or cutoff is None:
        return "not due"
    if case.next_update_due >= cutoff:
        return "not due"
    round_due = latest_round_due(case.next_update_due, cutoff)
    method = _agreed_method(session, case)
    if method != "text" and session.scalar(_OPEN_TASK_TO_REACH_THEM, {"case_id": case.id}) is not None:
        method = ALREADY_TRYING  # somebody is already trying to reach them: no second task beside it
    session.add(ProgressContact(case_id=case.id, due_at=round_due, method=method))  # the round, as it fell due
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return "already contacted"
    if method == "text":
        _text_progress(session, case)
    elif method != ALREADY_TRYING:
        add_task(
            session,
            case,
            LETTER_OR_VISIT if method == LETTER_OR_VISIT else "progress_call",
            f"progress:{london_date(round_due).isoformat()}",
            call_due_by(round_due, now()),
            assignee_id=case.officer_id,
            note=BY_AGREED_METHOD.get(str(case.contact_method)),
        )
    session.commit()
    log.info("case %s: fortnightly update by %s", case.reference, method)
    return method


# A round that fell due while a task to reach the resident was already open: recorded (it fell due), no task.
ALREADY_TRYING = "already_trying"
BY_AGREED_METHOD = {
    "letter": "The fortnightly update is due: write to the resident, as agreed with them.",
    "visit": "The fortnightly update is due: visit the resident, as agreed with them.",
}


def _agreed_method(session: Session, case: Case) -> str:
    """How this round reaches the resident: the method agreed with them (service standard: 'a communication
    method that you both agree on'); a text only where they agreed texts, or agreed nothing, and texts are safe."""
    if case.contact_method in BY_AGREED_METHOD:
        return LETTER_OR_VISIT
    if case.contact_method in (None, "text") and may_text_now(session, case):
        return "text"
    return "call_task"


def latest_round_due(next_update_due: datetime, cutoff: datetime) -> datetime:
    """The due date of the latest round before `cutoff`: rounds fall every fortnight from `next_update_due`
    until somebody reaches the resident (which moves `next_update_due` itself)."""
    missed_rounds = (cutoff - next_update_due - timedelta.resolution) // UPDATE_INTERVAL  # rounds due before it
    return next_update_due + missed_rounds * UPDATE_INTERVAL


def call_due_by(round_due: datetime, raised_at: datetime) -> datetime:
    """When the officer's progress call is due: by 5pm on the promised day, or on the last working day
    before it; a round already late (or a day nearly over) gets until the end of the next working day."""
    day = london_date(round_due)
    while not is_working_day(day):
        day -= timedelta(days=1)
    due = end_of_day(day)
    return due if due - raised_at >= LEAST_NOTICE else next_working_day_deadline(raised_at)


# A call (a callback, a progress call, a call instead of a failed text) or the letter or visit after three
# unanswered calls: each is already an officer's task to reach the resident.
_OPEN_TASK_TO_REACH_THEM = select(Task.id).where(
    Task.case_id == bindparam("case_id"), Task.kind.in_([*CALL_KINDS, LETTER_OR_VISIT]), Task.status == "open"
)


def send_update_now(session: Session, case: Case) -> bool:
    """An officer sends the progress text early; False when texting this resident is not allowed."""
    if not is_open(case) or not may_text_now(session, case):
        return False
    _text_progress(session, case)
    session.commit()
    return True


def _text_progress(session: Session, case: Case) -> None:
    """Queue the progress text (the officer's name and how to reach them) and reset the clock."""
    officer = case.officer.name if case.officer else None
    body = templates.progress_update(case.reference, officer)
    queue_text(
        session, to=str(case.callback_phone), body=body, purpose="progress_update", case_id=case.id, daytime_only=True
    )
    case.officer_told_id = case.officer_id or case.officer_told_id  # the text named them
    record_contact(case, now())
