"""Emails to staff where SMTP is configured: an outbox row first, then the worker sends it."""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from sqlalchemy.orm import Session

from app.clock import now
from app.jobs import JobName, JobRequest, enqueue_after_commit
from app.messaging import models as m
from app.messaging.delivery import claim, due_jobs, job_id, schedule_retry
from app.messaging.models import OutboundEmail

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 10


def queue_email(
    session: Session, *, to: str, subject: str, body: str, purpose: str, case_id: int | None
) -> OutboundEmail:
    email = OutboundEmail(to_address=to, subject=subject, body=body, purpose=purpose, case_id=case_id)
    session.add(email)
    session.flush()
    enqueue_after_commit(session, JobName.SEND_EMAIL, email.id, job_id=job_id("email", email.id, 0))
    return email


class SmtpGateway:
    def __init__(self, config: Mapping[str, Any]) -> None:
        self._config = config

    def send(self, to: str, subject: str, body: str) -> None:
        config = self._config
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = config["SMTP_FROM"], to, subject
        message.set_content(body)
        with smtplib.SMTP(str(config["SMTP_HOST"]), int(config["SMTP_PORT"]), timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            if config["SMTP_STARTTLS"]:
                smtp.starttls(context=ssl.create_default_context())  # the server's certificate and name checked
            if config["SMTP_USERNAME"]:
                smtp.login(str(config["SMTP_USERNAME"]), str(config["SMTP_PASSWORD"]))
            smtp.send_message(message)


def deliver_email(session: Session, email_id: int, gateway: SmtpGateway) -> str:
    """Send one email row if nobody has. Refused recipients fail for good; a dropped line is retried."""
    email = claim(session, OutboundEmail, email_id)
    if not isinstance(email, OutboundEmail):
        return "not due or already handled"
    try:
        gateway.send(email.to_address, email.subject, email.body)
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as error:
        email.status, email.error_code = m.FAILED, type(error).__name__
    except (TimeoutError, smtplib.SMTPException, OSError) as error:
        schedule_retry(email, type(error).__name__)
        session.commit()
        raise
    else:
        email.status, email.sent_at = "sent", now()
    session.commit()
    log.info("email %s (%s) is %s", email.id, email.purpose, email.status)
    return email.status


def due_emails(session: Session, as_of: datetime) -> list[JobRequest]:
    return due_jobs(session, OutboundEmail, JobName.SEND_EMAIL, "email", as_of)
