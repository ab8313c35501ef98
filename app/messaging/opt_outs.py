"""Numbers that have opted out of texts (STOP, or Twilio's error 21610)."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.clock import now
from app.messaging.models import PhoneOptOut

# Built once: every text queued and every text sent asks it (a column read, not a row loaded into the session).
_OPTED_OUT = select(PhoneOptOut.opted_out).where(PhoneOptOut.phone == bindparam("phone"))


def is_opted_out(session: Session, phone: str | None) -> bool:
    if not phone:
        return False
    return bool(session.scalar(_OPTED_OUT, {"phone": phone}))


def set_opted_out(session: Session, phone: str, opted_out: bool, source: str) -> None:
    """Record the number's choice with the time; the caller commits."""
    record = session.get(PhoneOptOut, phone)
    if record is None:
        session.add(PhoneOptOut(phone=phone, opted_out=opted_out, changed_at=now(), source=source))
    elif record.opted_out != opted_out:
        record.opted_out, record.changed_at, record.source = opted_out, now(), source
