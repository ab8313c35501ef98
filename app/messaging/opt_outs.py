"""Numbers that have opted out of texts (STOP, or Twilio's error 21610)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.clock import now
from app.messaging.models import PhoneOptOut


def is_opted_out(session: Session, phone: str | None) -> bool:
    if not phone:
        return False
    record = session.get(PhoneOptOut, phone)
    return bool(record and record.opted_out)


def set_opted_out(session: Session, phone: str, opted_out: bool, source: str) -> None:
    """Record the number's choice with the time; the caller commits."""
    record = session.get(PhoneOptOut, phone)
    if record is None:
        session.add(PhoneOptOut(phone=phone, opted_out=opted_out, changed_at=now(), source=source))
    elif record.opted_out != opted_out:
        record.opted_out, record.changed_at, record.source = opted_out, now(), source
