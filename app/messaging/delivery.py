"""Claiming, retrying and sweeping outbox rows, for texts and emails alike.

A row is claimed by one atomic UPDATE (pending -> sending) before the
provider is called, so two jobs for the same row, a retried job or a second
sweep can never send it twice. A send whose outcome is unknown is marked
``uncertain`` and never resent automatically.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TypeVar, cast

from sqlalchemy import BindParameter, ColumnElement, ScalarSelect, Update, bindparam, select, update
from sqlalchemy.orm import Session

from app.calendar import next_texting_time
from app.clock import now
from app.extensions import each_statement_committed
from app.jobs import JobName, JobRequest
from app.messaging import models as m
from app.messaging.models import OutboundEmail, OutboundMessage

log = logging.getLogger(__name__)

RETRY_DELAYS = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(minutes=30))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
CLAIM_EXPIRES_AFTER = timedelta(minutes=5)

Row = OutboundMessage | OutboundEmail  # each a Deliverable (app/messaging/models.py)
Model = type[OutboundMessage] | type[OutboundEmail]
RowT = TypeVar("RowT", OutboundMessage, OutboundEmail)


def job_id(kind: str, row_id: int, attempt: int) -> str:
    return f"send-{kind}-{row_id}-{attempt}"


# Built once per kind of row, the instant and the row as parameters: every text sent is claimed, and building
# the statement cost about as much as running it.
_NOW: BindParameter[datetime] = bindparam("now")


def _claiming(model: Model, *which: ColumnElement[bool]) -> Update:
    """The UPDATE that claims the row `which` picks if it is still waiting to be sent, returning it loaded."""
    return (
        update(model)
        .where(*which, model.status == m.RETRYABLE)
        .values(status=m.CLAIMED, claimed_at=_NOW, attempts=model.attempts + 1)
        .returning(model)
        .execution_options(populate_existing=True)
    )


def _longest_waiting(model: Model) -> ScalarSelect[int]:
    return (
        select(model.id)
        .where(model.status == m.RETRYABLE, model.next_attempt_at <= _NOW)
        .order_by(model.next_attempt_at, model.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )


_CLAIM_BY_ID = {
    model: _claiming(model, model.id == bindparam("row_id"), model.next_attempt_at <= _NOW)
    for model in (OutboundMessage, OutboundEmail)
}
# PostgreSQL skips a row another worker is claiming, so two draining workers never queue behind one row;
# SQLite runs one writer at a time.
_CLAIM_NEXT_DUE = {
    model: _claiming(model, model.id == _longest_waiting(model)) for model in (OutboundMessage, OutboundEmail)
}


def claim(session: Session, model: type[RowT], row_id: int) -> RowT | None:
    """Take a due row for sending; None if another job has it, it is done, or it is not due yet."""
    return _claim(session, model, _CLAIM_BY_ID, {"row_id": row_id})


def claim_next_due(session: Session, model: type[RowT]) -> RowT | None:
    """Take the longest-waiting due row for sending in one statement; None if nothing is due."""
    return _claim(session, model, _CLAIM_NEXT_DUE, {})


def _claim(session: Session, model: type[RowT], claims: dict[Model, Update], params: dict[str, object]) -> RowT | None:
    """Run a claim: one UPDATE, committed as it runs, that returns the row loaded (or None). From there until
    the session commits, each statement commits as it runs too (the opt-out check, the outcome): a row's
    send is three round trips to the database, not six."""
    session.commit()  # what the session held before is its own business: the claim is committed on its own
    each_statement_committed(session)
    return cast("RowT | None", session.scalars(claims[model], {**params, "now": now()}).first())


def next_try(row: Row, at: datetime) -> datetime:
    """When to try `row` again from `at`: a text we started never at night (app.calendar.TEXTING_HOURS)."""
    return next_texting_time(at) if isinstance(row, OutboundMessage) and row.daytime_only else at


def schedule_retry(row: Row, code: str | None) -> None:
    """After a temporary failure: try again later with back-off, or give up after the last attempt."""
    row.error_code = code
    if row.attempts >= MAX_ATTEMPTS:
        row.status = m.FAILED
        log.warning("%s %s failed after %s attempts", row.__tablename__, row.id, row.attempts)
        return
    row.status = m.RETRYABLE
    row.next_attempt_at = next_try(row, now() + RETRY_DELAYS[row.attempts - 1])
    log.info("%s %s attempt %s failed; next try at %s", row.__tablename__, row.id, row.attempts, row.next_attempt_at)


ACCOUNT_RETRY_DELAY = timedelta(minutes=5)


def wait_for_the_account(row: OutboundMessage, code: str | None) -> None:
    """Twilio refused the service's account, not the text: try again in a while, for as long as it takes
    (fixing the credentials sends everything that waited). The attempt still counts, so each try has a send
    job of its own (job ids carry the attempt); only a later failure of the text itself is limited by it."""
    row.status, row.error_code = m.RETRYABLE, code
    row.next_attempt_at = next_try(row, now() + ACCOUNT_RETRY_DELAY)


def due_jobs(session: Session, model: Model, name: JobName, kind: str, as_of: datetime) -> list[JobRequest]:
    """Send jobs for rows that are due, after releasing claims a killed worker left behind.

    A claim older than CLAIM_EXPIRES_AFTER whose worker died before calling the
    provider cannot be told apart from one that died after: it becomes
    ``uncertain`` rather than risk sending twice.
    """
    session.execute(
        update(model)
        .where(model.status == m.CLAIMED, model.claimed_at < as_of - CLAIM_EXPIRES_AFTER)
        .values(status=m.UNCERTAIN)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    rows = session.execute(
        select(model.id, model.attempts).where(model.status == m.RETRYABLE, model.next_attempt_at <= as_of)
    ).all()
    return [JobRequest(name, (row.id,), job_id(kind, row.id, row.attempts)) for row in rows]
