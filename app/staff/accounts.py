"""Staff accounts and bearer tokens. A token is shown once; only its SHA-256 is kept."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import time

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.phones import to_e164
from app.staff.models import ROLES, ApiToken, StaffMember


class StaffError(ValueError):
    """A staff command that cannot be carried out (unknown role, unknown email...)."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_staff(session: Session, email: str) -> StaffMember | None:
    return session.scalars(select(StaffMember).where(StaffMember.email == email.strip().lower())).first()


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class WorkingPattern:
    days: tuple[int, ...] = (0, 1, 2, 3, 4)
    works_from: str = "09:00"
    works_until: str = "17:00"


def parse_days(text: str) -> tuple[int, ...]:
    """'mon-fri' or 'mon,tue,thu' -> weekday numbers (0 = Monday)."""
    days: list[int] = []
    for part in text.lower().replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first not in WEEKDAYS or (last and last not in WEEKDAYS):
            raise StaffError("days must look like mon-fri or mon,tue,thu")
        start, end = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
        days.extend(range(start, end + 1))
    return tuple(sorted(set(days)))


def parse_hours(text: str) -> tuple[str, str]:
    """'08:30-16:30' -> ('08:30', '16:30')."""
    try:
        start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError as error:
        raise StaffError("hours must look like 09:00-17:00") from error
    if start >= end:
        raise StaffError("hours must end after they start")
    return f"{start:%H:%M}", f"{end:%H:%M}"


def create_staff(
    session: Session,
    email: str,
    name: str,
    role: str,
    *,
    mobile: str | None = None,
    patch: list[str] | None = None,
    manager_email: str | None = None,
    pattern: WorkingPattern = WorkingPattern(),
    duty_manager: bool = False,
) -> StaffMember:
    if role not in ROLES:
        raise StaffError(f"role must be one of {', '.join(ROLES)}")
    if find_staff(session, email):
        raise StaffError(f"{email} already has an account")
    e164 = to_e164(mobile) if mobile else None
    if mobile and e164 is None:
        raise StaffError("the mobile number is not a valid phone number")
    manager = find_staff(session, manager_email) if manager_email else None
    if manager_email and manager is None:
        raise StaffError(f"no staff account for the manager {manager_email}")
    member = StaffMember(
        email=email.strip().lower(),
        name=name.strip(),
        role=role,
        mobile=e164,
        patch=sorted({district.strip().upper() for district in patch or [] if district.strip()}),
        working_days=list(pattern.days),
        works_from=pattern.works_from,
        works_until=pattern.works_until,
        manager_id=manager.id if manager else None,
        duty_manager=duty_manager,
    )
    session.add(member)
    session.commit()
    return member


def issue_token(session: Session, email: str) -> str:
    member = find_staff(session, email)
    if member is None:
        raise StaffError(f"no staff account for {email}")
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(staff_id=member.id, token_hash=_hash(token)))
    session.commit()
    return token


def staff_for_token(session: Session, token: str) -> StaffMember | None:
    if not token:
        return None
    found = session.scalars(
        select(ApiToken)
        .options(joinedload(ApiToken.staff))  # one round trip: every API request asks this
        .where(ApiToken.token_hash == _hash(token), ApiToken.revoked_at.is_(None))
    ).first()
    return found.staff if found and found.staff.active else None
