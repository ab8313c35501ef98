"""An admin's changes to staff accounts: each checked, then written with its audit event in one commit.

The audit event names the admin (`staff_id`, `role`) and the address; `changes` holds every field
changed as [old, new], with `staff_id` naming the account changed ([None, id] when it was created).
A password is never in it: a reset records only that it happened. No change may leave the console
without an active admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.staff.accounts import (
    StaffError,
    WorkingPattern,
    check_role,
    find_manager,
    new_staff,
    read_mobile,
    read_patch,
    revoke_tokens,
)
from app.staff.models import StaffMember
from app.staff.passwords import check_password_allowed, hash_password

STAFF_CREATED = "staff_created"
STAFF_CHANGED = "staff_changed"
STAFF_PASSWORD_RESET = "staff_password_reset"

# What the audit log records of an account, and what an admin may change after creating it.
RECORDED = (
    "email",
    "name",
    "role",
    "active",
    "mobile",
    "patch",
    "working_days",
    "works_from",
    "works_until",
    "manager_id",
    "duty_manager",
)


@dataclass(frozen=True)
class AccountDetails:
    """What the console's forms set on an account (email and name only when it is created)."""

    role: str
    mobile: str | None = None
    patch: tuple[str, ...] = ()
    pattern: WorkingPattern = WorkingPattern()
    manager_email: str | None = None
    duty_manager: bool = False
    active: bool = True


def snapshot(member: StaffMember) -> dict[str, Any]:
    """The account's recorded fields as plain values (lists copied, so a later change cannot alter them)."""
    values = {name: getattr(member, name) for name in RECORDED}
    return {name: list(value) if isinstance(value, list) else value for name, value in values.items()}


def _record(session: Session, by: StaffMember, action: str, changes: dict[str, Any], address: str | None) -> None:
    session.add(AuditEvent(staff_id=by.id, role=by.role, action=action, case_id=None, changes=changes, address=address))


def add_staff(
    session: Session, email: str, name: str, details: AccountDetails, *, by: StaffMember, address: str | None
) -> StaffMember:
    """A new account made by `by`, audited with every field it was given; commits."""
    member = new_staff(
        session,
        email,
        name,
        details.role,
        mobile=details.mobile,
        patch=list(details.patch),
        manager_email=details.manager_email,
        pattern=details.pattern,
        duty_manager=details.duty_manager,
    )
    created = {"staff_id": [None, member.id]} | {name: [None, value] for name, value in snapshot(member).items()}
    _record(session, by, STAFF_CREATED, created, address)
    session.commit()
    return member


def active_admins_besides(session: Session, member: StaffMember) -> int:
    query = select(func.count()).where(StaffMember.role == "admin", StaffMember.active, StaffMember.id != member.id)
    return int(session.scalar(query) or 0)


def _check_an_admin_remains(session: Session, member: StaffMember, details: AccountDetails, by: StaffMember) -> None:
    still_admin = details.role == "admin" and details.active
    if member.role != "admin" or not member.active or still_admin or active_admins_besides(session, member):
        return
    who = "you are" if member.id == by.id else f"{member.name} is"
    raise StaffError(
        f"{who} the only active admin: make someone else an admin first, so the console keeps one",
        "active" if not details.active else "role",
    )


def change_staff(
    session: Session, member: StaffMember, details: AccountDetails, *, by: StaffMember, address: str | None
) -> dict[str, list[Any]]:
    """Apply `details` to `member`; returns the fields changed as [old, new] (audited in the same commit)."""
    check_role(details.role, details.duty_manager)
    _check_an_admin_remains(session, member, details, by)
    manager = find_manager(session, details.manager_email, member.email)
    mobile, patch = read_mobile(details.mobile), read_patch(details.patch)
    before = snapshot(member)
    if member.active and not details.active:
        member.session_generation += 1  # so reactivating the account later does not revive an old session
        revoke_tokens(session, member)  # nor an old API token
    member.role = details.role
    member.active = details.active
    member.mobile = mobile
    member.patch = patch
    member.working_days = list(details.pattern.days)
    member.works_from, member.works_until = details.pattern.works_from, details.pattern.works_until
    member.manager_id = manager.id if manager else None
    member.duty_manager = details.duty_manager
    after = snapshot(member)
    changed = {name: [before[name], after[name]] for name in RECORDED if before[name] != after[name]}
    if changed:
        _record(session, by, STAFF_CHANGED, {"staff_id": [member.id, member.id]} | changed, address)
    session.commit()
    return changed


def reset_password(
    session: Session, member: StaffMember, password: str, *, by: StaffMember, address: str | None
) -> None:
    """A new console password for `member` set by an admin; ends their sessions; audited without the password."""
    check_password_allowed(member.role, password)
    member.password_hash = hash_password(password)
    member.session_generation += 1
    _record(session, by, STAFF_PASSWORD_RESET, {"staff_id": [member.id, member.id]}, address)
    session.commit()
