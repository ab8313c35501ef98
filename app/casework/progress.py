"""The fortnightly promise: every open case hears from us at least every two weeks.

`next_update_due` is the last contact with the resident plus 14 days. On
working days from 10:00 London, every open case due before the next working
day's run is contacted by the agreed method: a text where texts are safe,
otherwise a "progress call due" task for the officer. One ProgressContact row
per case and due date makes a second run, a second scheduler or a retry a no-op.
"""

from __future__ import annotations

import logging
from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.calendar import LONDON, is_working_day, london_date, next_working_day, next_working_day_deadline
from app.casework.contact import may_text_now, record_contact
from app.casework.lifecycle import is_open, still_open
from app.casework.models import Case, ProgressContact
from app.casework.tasks import add_task
from app.clock import now
from app.messaging import templates
from app.messaging.outbox import queue_text

log = logging.getLogger(__name__)

DAILY_RUN = time(10, 0)


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
    method = "text" if may_text_now(session, case) else "call_task"
    session.add(ProgressContact(case_id=case.id, due_at=case.next_update_due, method=method))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return "already contacted"
    if method == "text":
        _text_progress(session, case)
    else:
        add_task(
            session,
            case,
            "progress_call",
            f"progress:{london_date(case.next_update_due).isoformat()}",
            next_working_day_deadline(now()),
            assignee_id=case.officer_id,
        )
    session.commit()
    log.info("case %s: fortnightly update by %s", case.reference, method)
    return method


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
    queue_text(session, to=str(case.callback_phone), body=body, purpose="progress_update", case_id=case.id)
    case.officer_told_id = case.officer_id or case.officer_told_id  # the text named them
    record_contact(case, now())
