"""The outbox: every outbound text is a row here before anything is sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import now
from app.extensions import Base, UTCDateTime
from app.messaging.segments import GSM7

# pending: committed, waiting for its send job (queued or not yet)
# sending: a worker has claimed it and is talking to Twilio
# then Twilio's own statuses: queued, accepted, sent, delivered, undelivered, failed
# uncertain: the send may or may not have reached Twilio; never retried automatically
RETRYABLE = "pending"
# refused: the outbox would not send it (opted out, not safe to text); the reason is in error_code
# replied: sent as the TwiML reply to an inbound text
REFUSED = "refused"
REPLIED = "replied"
CLAIMED = "sending"
UNCERTAIN = "uncertain"
FAILED = "failed"
UNDELIVERED = "undelivered"  # Twilio took it, the carrier could not deliver it (status callback)


class Deliverable:
    """What the outbox's claims, retries and sweeps work on (app/messaging/delivery.py), for texts and emails."""

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=RETRYABLE)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    error_code: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboundMessage(Deliverable, Base):
    __tablename__ = "outbound_messages"

    to_phone: Mapped[str] = mapped_column(String(20))
    # as Twilio bills it (app/messaging/segments.py): parts, and GSM-7 or UCS-2
    segments: Mapped[int] = mapped_column(default=1)
    encoding: Mapped[str] = mapped_column(String(5), default=GSM7)
    twilio_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    status_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A text we start, not an answer to the resident: sent (and retried) only within texting hours.
    daytime_only: Mapped[bool] = mapped_column(default=False, server_default=false())


Index("ix_outbound_due", OutboundMessage.status, OutboundMessage.next_attempt_at)


class InboundMessage(Base):
    """Every text received, stored before anything else happens (even floods and junk)."""

    __tablename__ = "inbound_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_sid: Mapped[str] = mapped_column(String(64), unique=True)
    from_raw: Mapped[str] = mapped_column(String(64))
    from_phone: Mapped[str | None] = mapped_column(String(20))
    to_phone: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text, default="")
    media: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    handled_as: Mapped[str | None] = mapped_column(String(30))
    reply: Mapped[str | None] = mapped_column(Text)
    # The whole form Twilio posted, as received (a NUL, which the database cannot hold, escaped).
    raw_form: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)


Index("ix_inbound_from_time", InboundMessage.from_phone, InboundMessage.received_at)


class PhoneOptOut(Base):
    """A number that texted STOP (or that Twilio refused with 21610): no text of any kind goes to it."""

    __tablename__ = "phone_opt_outs"

    phone: Mapped[str] = mapped_column(String(20), primary_key=True)
    opted_out: Mapped[bool] = mapped_column(default=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    source: Mapped[str] = mapped_column(String(30))


class OutboundEmail(Deliverable, Base):
    """An email to staff (where SMTP is configured): committed first, sent by the worker like a text."""

    __tablename__ = "outbound_emails"

    to_address: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(200))


Index("ix_outbound_emails_due", OutboundEmail.status, OutboundEmail.next_attempt_at)
