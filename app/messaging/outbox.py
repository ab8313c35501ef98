"""The outbox: every outbound text is a committed row first, then sent by a worker.

Claims, retries and sweeps work as described in app/messaging/delivery.py.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.calendar import next_texting_time
from app.clock import now
from app.jobs import JobName, JobRequest, carry_on, enqueue_after_commit
from app.messaging import models as m
from app.messaging.delivery import claim, claim_next_due, due_jobs, job_id, schedule_retry, wait_for_the_account
from app.messaging.models import OutboundMessage
from app.messaging.opt_outs import is_opted_out
from app.messaging.segments import UCS2, count_segments, encoding
from app.messaging.twilio_gateway import (
    AccountSendError,
    PermanentSendError,
    TemporarySendError,
    TwilioGateway,
    UncertainSendError,
)

log = logging.getLogger(__name__)

OPTED_OUT_CODE = "21610"  # Twilio: the number has replied STOP to us
# Twilio's statuses in the order they happen; a late callback never moves a row backwards.
STATUS_ORDER = {
    "accepted": 1,
    "scheduled": 1,
    "queued": 2,
    "sending": 3,
    "sent": 4,
    "delivered": 5,
    "undelivered": 5,
    "failed": 5,
    "read": 6,
}


def send_job_id(message_id: int, attempt: int) -> str:
    return job_id("text", message_id, attempt)


# Names the latest send job queued: texts queued while it waits join it (it sends every text that is due).
LATEST_SEND_JOB = "outbox:latest-send-job"


def next_due_text(session: Session) -> JobRequest | None:
    """A send job for the longest-waiting due text, to carry on where a job's time ran out; None if none."""
    row = session.execute(
        select(OutboundMessage.id, OutboundMessage.attempts)
        .where(OutboundMessage.status == m.RETRYABLE, OutboundMessage.next_attempt_at <= now())
        .order_by(OutboundMessage.next_attempt_at, OutboundMessage.id)
        .limit(1)
    ).first()
    session.commit()
    if row is None:
        return None
    return carry_on(JobName.SEND_TEXT, row.id, send_job_id(row.id, row.attempts), LATEST_SEND_JOB)


def _record(session: Session, to: str, body: str, purpose: str, case_id: int | None, status: str) -> OutboundMessage:
    message = OutboundMessage(
        case_id=case_id, purpose=purpose, to_phone=to, body=body, segments=count_segments(body), encoding=encoding(body)
    )
    if is_opted_out(session, to):
        message.status, message.error_code = m.REFUSED, "opted_out"
    else:
        message.status = status
    session.add(message)
    session.flush()
    if message.encoding == UCS2:
        log.warning("outbox: text %s for case id %s needs UCS-2 (%s segments)", message.id, case_id, message.segments)
    return message


def queue_text(
    session: Session, *, to: str, body: str, purpose: str, case_id: int | None = None, daytime_only: bool = False
) -> OutboundMessage:
    """Record a text to send; it is queued for the worker once the session commits.

    The outbox refuses, and says why on the row, a text to a number that has opted out. A `daytime_only`
    text (one we start, not an answer to the resident) queued at night waits until texting hours open;
    the outbox sweep queues it then.
    """
    message = _record(session, to, body, purpose, case_id, m.RETRYABLE)
    if daytime_only:
        message.daytime_only, message.next_attempt_at = True, next_texting_time(now())
    if message.status == m.RETRYABLE and message.next_attempt_at <= now():
        enqueue_after_commit(
            session,
            JobName.SEND_TEXT,
            message.id,
            job_id=send_job_id(message.id, 0),
            covered_by=LATEST_SEND_JOB,
        )
    log.info("outbox: text %s (%s) for case id %s is %s", message.id, purpose, case_id, message.status)
    return message


def record_reply(session: Session, *, to: str, body: str, purpose: str, case_id: int | None = None) -> OutboundMessage:
    """Record a reply sent as TwiML to an inbound text; refused (not sent) to an opted-out number."""
    return _record(session, to, body, purpose, case_id, m.REPLIED)


def deliver(session: Session, message_id: int, gateway: TwilioGateway, status_callback_url: str) -> str:
    """Send one outbox row through Twilio if nobody has; returns what happened to it.

    Raises TemporarySendError after recording the next attempt time, so the
    job shows as failed in RQ while the sweep takes care of the retry; after
    the last attempt the row is failed and that is returned, like any failure.
    """
    message = claim(session, OutboundMessage, message_id)
    if not isinstance(message, OutboundMessage):
        return "not due or already handled"
    return _send_claimed(session, message, gateway, status_callback_url)


def deliver_next_due(
    session: Session, gateway: TwilioGateway, status_callback_url: str
) -> tuple[OutboundMessage, str] | None:
    """Send the longest-waiting due text, if there is one: the row and what happened to it (as `deliver`)."""
    message = claim_next_due(session, OutboundMessage)
    if message is None:
        return None
    return message, _send_claimed(session, message, gateway, status_callback_url)


def _send_claimed(session: Session, message: OutboundMessage, gateway: TwilioGateway, status_callback_url: str) -> str:
    if is_opted_out(session, message.to_phone):  # STOP arrived after the text was queued
        message.status, message.error_code = m.REFUSED, "opted_out"
        session.commit()
        return m.REFUSED
    try:
        sent = gateway.send_sms(message.to_phone, message.body, status_callback_url)
    except AccountSendError as error:
        wait_for_the_account(message, error.code)
        session.commit()
        log.error("outbox: Twilio refused the service's account (code %s): texts wait until it works", error.code)
        raise
    except TemporarySendError as error:
        schedule_retry(message, error.code)
        session.commit()
        if message.status == m.FAILED:
            return m.FAILED
        raise
    except PermanentSendError as error:
        message.status, message.error_code = m.FAILED, error.code
        session.commit()
        log.warning("outbox: text %s refused by Twilio (code %s)", message.id, error.code)
        return m.FAILED
    except UncertainSendError:
        message.status = m.UNCERTAIN
        session.commit()
        log.error("outbox: text %s may or may not have been sent; not retried", message.id)
        return m.UNCERTAIN
    message.twilio_sid, message.status, message.sent_at = sent.sid, sent.status, now()
    message.error_code = None  # an earlier attempt's error no longer describes the text
    session.commit()
    log.info("outbox: text %s handed to Twilio as %s", message.id, sent.sid)
    return sent.status


def record_delivery_status(session: Session, sid: str, status: str, error_code: str | None) -> bool:
    """Apply Twilio's status callback; out-of-order callbacks never move a row backwards."""
    message = session.scalars(select(OutboundMessage).where(OutboundMessage.twilio_sid == sid)).first()
    if message is None:
        return False
    if STATUS_ORDER.get(status, 0) >= STATUS_ORDER.get(message.status, 0):
        message.status = status
        message.status_updated_at = now()
        if error_code:
            message.error_code = error_code
    session.commit()
    return True


def due_for_sending(session: Session, as_of: datetime) -> list[JobRequest]:
    """Send jobs for texts that are due: never queued (Redis was down) or waiting to retry."""
    return [
        replace(job, covered_by=LATEST_SEND_JOB)
        for job in due_jobs(session, OutboundMessage, JobName.SEND_TEXT, "text", as_of)
    ]
