"""Staff accounts and bearer tokens. A token is shown once; only its SHA-256 is kept."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, select, update
from sqlalchemy.orm import Session, selectinload

from app.clock import now
from app.phones import can_receive_texts, to_e164
from app.staff.models import ROLES, ApiToken, StaffMember

LONGEST_NAME = LONGEST_EMAIL = 200
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
DISTRICT = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")  # a postcode's outward code: B1, B10, WS1, B1A


class StaffError(ValueError):
    """A staff command that cannot be carried out (unknown role, unknown email...).

    `field` names what was wrong (`email`, `mobile`, `role`...), so a form can say it beside that field.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_staff(session: Session, email: str) -> StaffMember | None:
    return session.scalars(select(StaffMember).where(StaffMember.email == email.strip().lower())).first()


def existing_staff(session: Session, email: str) -> StaffMember:
    """The account with this email; raises StaffError when there is none (what the CLI's commands say)."""
    member = find_staff(session, email)
    if member is None:
        raise StaffError(f"no staff account for {email}")
    return member


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


def working_pattern(days: Iterable[int], works_from: str, works_until: str) -> WorkingPattern:
    """A checked working pattern: at least one weekday, and hours that end after they start."""
    chosen = tuple(sorted(set(days)))
    if not chosen or any(day not in range(7) for day in chosen):
        raise StaffError("choose at least one working day", "working_days")
    try:
        start, end = parse_hours(f"{works_from}-{works_until}")
    except StaffError as error:
        raise StaffError(str(error), "hours") from error
    return WorkingPattern(chosen, start, end)


def read_mobile(mobile: str | None) -> str | None:
    """A UK mobile number in E.164 (texts go to it); None for none; StaffError for anything else."""
    if not mobile or not mobile.strip():
        return None
    e164 = to_e164(mobile)
    if e164 is None or not e164.startswith("+44") or not can_receive_texts(e164):
        raise StaffError("the mobile number must be a UK mobile number, like 07911 123456", "mobile")
    return e164


def read_patch(districts: Iterable[str]) -> list[str]:
    """Postcode districts ('b10', ' B11 ') as stored: upper case, sorted, each once; StaffError for a full postcode."""
    patch = {district.strip().upper() for district in districts if district.strip()}
    wrong = sorted(district for district in patch if not DISTRICT.fullmatch(district))
    if wrong:
        raise StaffError(f"{wrong[0]} is not a postcode district: give districts like B10, B11", "patch")
    return sorted(patch)


def check_role(role: str, duty_manager: bool) -> None:
    if role not in ROLES:
        raise StaffError(f"role must be one of {', '.join(ROLES)}", "role")
    if duty_manager and role != "manager":
        raise StaffError("only a manager can be a duty manager", "duty_manager")


def find_manager(session: Session, manager_email: str | None, member_email: str | None = None) -> StaffMember | None:
    """The account MANAGER_EMAIL names (None for none), never the member themselves."""
    if not manager_email:
        return None
    manager = find_staff(session, manager_email)
    if manager is None:
        raise StaffError(f"no staff account for the manager {manager_email}", "manager")
    if member_email is not None and manager.email == member_email.strip().lower():
        raise StaffError("a member of staff cannot be their own manager", "manager")
    return manager


def new_staff(
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
    """A checked new account, added to the session and flushed (so it has an id) but not committed."""
    check_role(role, duty_manager)
    if not name.strip() or len(name.strip()) > LONGEST_NAME:
        raise StaffError(f"the name must be 1 to {LONGEST_NAME} characters", "name")
    if len(email.strip()) > LONGEST_EMAIL or not EMAIL.fullmatch(email.strip()):
        raise StaffError("the email address must look like name@birmingham.gov.uk", "email")
    if find_staff(session, email):
        raise StaffError(f"{email} already has an account", "email")
    manager = find_manager(session, manager_email, email)
    member = StaffMember(
        email=email.strip().lower(),
        name=name.strip(),
        role=role,
        mobile=read_mobile(mobile),
        patch=read_patch(patch or []),
        working_days=list(pattern.days),
        works_from=pattern.works_from,
        works_until=pattern.works_until,
        manager_id=manager.id if manager else None,
        duty_manager=duty_manager,
        active=True,
    )
    session.add(member)
    session.flush()
    return member


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
    """A new account, committed (the command line's `flask staff create`)."""
    member = new_staff(
        session,
        email,
        name,
        role,
        mobile=mobile,
        patch=patch,
        manager_email=manager_email,
        pattern=pattern,
        duty_manager=duty_manager,
    )
    session.commit()
    return member


def issue_token(session: Session, email: str, *, replacing: bool = False) -> str:
    """A new token for the account (shown once); `replacing` revokes every token it had, in the same commit."""
    member = existing_staff(session, email)
    if replacing:
        revoke_tokens(session, member)
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(staff_id=member.id, token_hash=_hash(token)))
    session.commit()
    return token


def revoke_all_tokens(session: Session, email: str) -> int:
    """Revoke every live token of EMAIL's account, leaving the account as it is; commits. Returns how many."""
    revoked = revoke_tokens(session, existing_staff(session, email))
    session.commit()
    return revoked


def revoke_tokens(session: Session, member: StaffMember) -> int:
    """Revoke every live token of the account, for good (the caller commits); returns how many there were."""
    revoked = session.execute(
        update(ApiToken)
        .where(ApiToken.staff_id == member.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now())
        .execution_options(synchronize_session=False)
    )
    return int(cast("CursorResult[Any]", revoked).rowcount)


# One round trip, built once: every API request asks it. Only the staff row is loaded (not the token's).
_STAFF_WITH_LIVE_TOKEN = (
    select(StaffMember)
    .join(ApiToken, ApiToken.staff_id == StaffMember.id)
    .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None), StaffMember.active)
)


def staff_for_token(session: Session, token: str) -> StaffMember | None:
    if not token:
        return None
    return session.scalars(_STAFF_WITH_LIVE_TOKEN, {"token_hash": _hash(token)}).first()


def staff_by_name(session: Session) -> list[StaffMember]:
    """Every account, by name, with its manager (one query each, however many there are)."""
    query = select(StaffMember).options(selectinload(StaffMember.manager)).order_by(StaffMember.name, StaffMember.id)
    return list(session.scalars(query))


def managers_to_choose(session: Session, member: StaffMember | None = None) -> list[StaffMember]:
    """The active managers an account may report to, by name, and always the one `member` has now."""
    query = select(StaffMember).where(StaffMember.role == "manager", StaffMember.active).order_by(StaffMember.name)
    managers = [manager for manager in session.scalars(query) if member is None or manager.id != member.id]
    if member is not None and member.manager is not None and member.manager not in managers:
        managers.append(member.manager)
    return managers
