"""Console passwords: argon2id hashes only, checked in the same time whether or not the email exists."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from app.staff.accounts import StaffError, existing_staff, find_staff
from app.staff.models import StaffMember

# argon2-cffi's defaults are RFC 9106's low-memory profile (argon2id, 64 MiB, 3 passes).
_hasher = PasswordHasher()

SHORTEST, LONGEST = 12, 256
# Integrations call the API with tokens; they never sign in to the console.
CONSOLE_ROLES = frozenset({"officer", "contact_centre", "manager", "admin"})


def check_password_allowed(role: str, password: str) -> None:
    """Raise StaffError when an account of `role` may not have `password` (an integration may have none)."""
    if role not in CONSOLE_ROLES:
        raise StaffError(f"an {role} account uses API tokens, not a password")
    if len(password) < SHORTEST:
        raise StaffError(
            f"the password must be at least {SHORTEST} characters (three random words are easy to remember)"
        )
    if len(password) > LONGEST:
        raise StaffError(f"the password must be {LONGEST} characters or fewer")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def set_password(session: Session, email: str, password: str) -> StaffMember:
    """Give EMAIL's account a new password and end its console sessions; commits."""
    member = existing_staff(session, email)
    check_password_allowed(member.role, password)
    member.password_hash = hash_password(password)
    member.session_generation += 1
    session.commit()
    return member


def end_sessions(session: Session, member: StaffMember) -> None:
    """End every console session `member` has (signing out ends them on every device); commits."""
    member.session_generation += 1
    session.commit()


def authenticate(session: Session, email: str, password: str) -> StaffMember | None:
    """The active console account EMAIL if PASSWORD is its password; None for anything else, alike."""
    member = find_staff(session, email) if len(email) <= 200 else None
    stored = member.password_hash if member else None
    if not _matches(stored or _unknown_account_hash(), password) or member is None or stored is None:
        return None
    if not member.active or member.role not in CONSOLE_ROLES:
        return None
    if _hasher.check_needs_rehash(stored):  # the parameters were raised since it was set
        member.password_hash = _hasher.hash(password)
        session.commit()
    return member


@cache
def _unknown_account_hash() -> str:
    """Verified when the email is unknown, so a wrong email costs as long as a wrong password."""
    return _hasher.hash("no account has this password")


def _matches(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
