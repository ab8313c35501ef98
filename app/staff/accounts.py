"""Staff accounts and bearer tokens. A token is shown once; only its SHA-256 is kept."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.staff.models import ROLES, ApiToken, StaffMember


class StaffError(ValueError):
    """A staff command that cannot be carried out (unknown role, unknown email...)."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_staff(session: Session, email: str) -> StaffMember | None:
    return session.scalars(select(StaffMember).where(StaffMember.email == email.strip().lower())).first()


def create_staff(session: Session, email: str, name: str, role: str) -> StaffMember:
    if role not in ROLES:
        raise StaffError(f"role must be one of {', '.join(ROLES)}")
    if find_staff(session, email):
        raise StaffError(f"{email} already has an account")
    member = StaffMember(email=email.strip().lower(), name=name.strip(), role=role)
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
        select(ApiToken).where(ApiToken.token_hash == _hash(token), ApiToken.revoked_at.is_(None))
    ).first()
    return found.staff if found and found.staff.active else None
