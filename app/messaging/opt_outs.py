"""Numbers that have opted out of texts (STOP, or Twilio's error 21610)."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from app.clock import now
from app.messaging.models import PhoneOptOut

# Built once: every text queued and every text sent asks it (a column read, not a row loaded into the session).
_OPTED_OUT = select(PhoneOptOut.opted_out).where(PhoneOptOut.phone == bindparam("phone"))


def is_opted_out(session: Session, phone: str | None) -> bool:
    if not phone:
        return False
    return bool(session.scalar(_OPTED_OUT, {"phone": phone}))


def set_opted_out(session: Session, phone: str, opted_out: bool, source: str) -> None:
    """Record the number's choice with the time (kept as it was when the choice is the same); the caller commits.

    One statement: a STOP and Twilio's 21610 for the same number at the same moment both land, rather than
    one failing on the duplicate key (whose error message would name the number).
    """
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(PhoneOptOut).values(phone=phone, opted_out=opted_out, changed_at=now(), source=source)
    changed = statement.excluded
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[PhoneOptOut.phone],
            set_={"opted_out": changed.opted_out, "changed_at": changed.changed_at, "source": changed.source},
            where=PhoneOptOut.opted_out != changed.opted_out,
        )
    )
    if (loaded := session.identity_map.get(identity_key(PhoneOptOut, phone))) is not None:
        session.expire(loaded)
