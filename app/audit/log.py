"""Reading the audit log: newest first, by case and/or member of staff, a page at a time (no Flask).

Read-only: nothing here (or anywhere in the app) updates or deletes an event. Fields that hold a
member of staff's id (a case's officer, a task's assignee) are shown with that person's name.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.audit.records import (
    ACTION_PLAN_LETTER_READ,
    API_LIST_CASES,
    API_READ_CASE,
    CLOSURE_LETTER_READ,
    CONSOLE_PLAY_RECORDING,
    CONSOLE_READ_CASE,
    CONSOLE_SEARCH,
)
from app.casework.models import Case
from app.paging import Page, page_of, window
from app.staff.models import StaffMember

STAFF_FIELDS = ("officer_id", "assignee_id", "completed_by_id")
# Someone read the case (its page, through the API, a recording, a letter): these events change nothing.
VIEWS = (CONSOLE_READ_CASE, API_READ_CASE, CONSOLE_PLAY_RECORDING, ACTION_PLAN_LETTER_READ, CLOSURE_LETTER_READ)
READS = (*VIEWS, API_LIST_CASES, CONSOLE_SEARCH)


@dataclass(frozen=True)
class Change:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    staff_name: str | None
    staff_email: str | None
    role: str | None
    action: str
    case_reference: str | None
    changes: list[Change]
    address: str | None


def audit_log(session: Session, case_id: int | None, staff_id: int | None, number: int) -> Page[AuditEntry]:
    """Page `number` of the events on this case and/or by this member of staff (every event when neither)."""
    limit, offset = window(number)
    query = _events().limit(limit).offset(offset)
    if case_id is not None:
        query = query.where(AuditEvent.case_id == case_id)
    if staff_id is not None:
        query = query.where(AuditEvent.staff_id == staff_id)
    return page_of(_entries(session, query), number)


# How many reads are looked at for each one shown: a run of one person's same read counts once.
READS_PER_VIEW_SHOWN = 10


def case_views(session: Session, case_id: int, limit: int) -> list[AuditEntry]:
    """The latest `limit` reads of the case (its page, the API, a recording played), newest first.

    A run of the same read by the same person shows once, at its latest: a recording played and sought
    through is audited part by part, and would otherwise push every other view off the list.
    """
    query = _events().where(AuditEvent.case_id == case_id, AuditEvent.action.in_(VIEWS))
    shown: list[AuditEntry] = []
    for entry in _entries(session, query.limit(limit * READS_PER_VIEW_SHOWN)):
        if shown and (shown[-1].staff_email, shown[-1].action) == (entry.staff_email, entry.action):
            continue
        shown.append(entry)
        if len(shown) == limit:
            break
    return shown


def case_changes(session: Session, case_id: int, fields: tuple[str, ...], limit: int) -> list[AuditEntry]:
    """The changes to these fields of the case, oldest first, from its latest `limit` events that changed anything.

    Reads (which grow with every visit) are left out in the query; which fields an event changed is
    read here, as JSON columns are queried differently by each database.
    """
    query = _events().where(AuditEvent.case_id == case_id, AuditEvent.action.not_in(READS)).limit(limit)
    changed = [event for event in _entries(session, query) if any(change.field in fields for change in event.changes)]
    return [replace(event, changes=[c for c in event.changes if c.field in fields]) for event in reversed(changed)]


Events = Select[AuditEvent, str, str, str]


def _events() -> Events:
    """Every event, newest first, with the staff member's name and email and the case's reference."""
    return (
        select(AuditEvent, StaffMember.name, StaffMember.email, Case.reference)
        .outerjoin(StaffMember, StaffMember.id == AuditEvent.staff_id)
        .outerjoin(Case, Case.id == AuditEvent.case_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )


def _entries(session: Session, query: Events) -> list[AuditEntry]:
    """The events the query selects (with the staff member's name and email, and the case's reference)."""
    rows = session.execute(query).all()
    names = _staff_names(session, [event.changes or {} for event, *_ in rows])
    return [
        AuditEntry(
            event.at,
            name,
            email,
            event.role,
            event.action,
            reference,
            _changes(event.changes or {}, names),
            event.address,
        )
        for event, name, email, reference in rows
    ]


def _is_staff_field(field: str) -> bool:
    return field.endswith(STAFF_FIELDS)


def _staff_names(session: Session, all_changes: list[dict[str, Any]]) -> dict[int, str]:
    ids = {
        value
        for changes in all_changes
        for field, pair in changes.items()
        if _is_staff_field(field)
        for value in pair
        if isinstance(value, int)
    }
    if not ids:
        return {}
    found = session.execute(select(StaffMember.id, StaffMember.name).where(StaffMember.id.in_(ids)))
    return {staff_id: name for staff_id, name in found}


def _named(value: Any, names: dict[int, str]) -> Any:
    return names.get(value, value) if isinstance(value, int) else value


def _changes(changes: dict[str, Any], names: dict[int, str]) -> list[Change]:
    """Each field as old → new, in the order written; a staff id as the person's name."""
    shown = []
    for field, pair in changes.items():
        old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        if _is_staff_field(field):
            field, old, new = field.removesuffix("_id"), _named(old, names), _named(new, names)
        shown.append(Change(field, old, new))
    return shown
