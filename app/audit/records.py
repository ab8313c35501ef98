"""Writing audit events: in the caller's transaction, never updated or deleted afterwards."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.casework.models import Case, Incident
from app.staff.models import StaffMember

API_READ_CASE = "api_read_case"
API_LIST_CASES = "api_list_cases"
API_REPORT_CREATED = "api_report_created"
CONSOLE_READ_CASE = "console_read_case"  # a case page shown in the console
CONSOLE_SEARCH = "console_search"  # a case listed in the console's search results
# The case page's actions and the report form (changes: {"field": [old, new]}).
CONSOLE_REPORT_TAKEN = "console_report_taken"
CONSOLE_NOTE_ADDED = "console_note_added"
CONSOLE_SIGNPOSTED = "console_signposted"
CONSOLE_CONTACT_PREFERENCES = "console_contact_preferences"
CONSOLE_TEXT_SENT = "console_text_sent"
CONSOLE_UPDATE_SENT = "console_update_sent"
API_UPDATE_SENT = "api_update_sent"  # the same, by an officer's token
CONSOLE_PLAY_RECORDING = "console_play_recording"  # a recording fetched from Twilio for a console page
TASK_COMPLETED = "task_completed"  # with the fields changed (app/audit/changes.py)
TASK_REASSIGNED = "task_reassigned"
CASE_REASSIGNED = "case_reassigned"  # the case's officer and its open tasks given to another officer
# A case's life (app/casework/lifecycle.py) and its contact log, from the console or the API.
CONTACT_LOGGED = "contact_logged"
CASE_CLOSURE_PROPOSED = "case_closure_proposed"
CASE_CLOSURE_WITHDRAWN = "case_closure_withdrawn"
CASE_CLOSURE_AGREED = "case_closure_agreed"
CASE_CLOSED = "case_closed"  # with its open tasks cancelled, and the survey made
CASE_REOPENED = "case_reopened"
CASE_REVIEWED = "case_reviewed"  # a manager's fortnightly review: the next date, and any new officer
# Casework: the action plan (each change a new version), its copy to the resident, witnesses, interventions.
ACTION_PLAN_CHANGED = "action_plan_changed"
ACTION_PLAN_SENT = "action_plan_sent"
ACTION_PLAN_LETTER_READ = "action_plan_letter_read"
CLOSURE_LETTER_READ = "closure_letter_read"  # the letter carries the resident's name and address
WITNESS_ADDED = "witness_added"  # the witness's id and yes/no answers only: never their name or contact
WITNESS_CHANGED = "witness_changed"
INTERVENTION_RECORDED = "intervention_recorded"


def _event(staff: StaffMember, action: str, address: str | None, **about: Any) -> AuditEvent:
    return AuditEvent(staff_id=staff.id, role=staff.role, action=action, address=address, **about)


def record(session: Session, staff: StaffMember, action: str, case_ids: Iterable[int], address: str | None) -> None:
    """Add one event per case to the session; the caller's commit writes them with what they record."""
    for case_id in case_ids:
        session.add(_event(staff, action, address, case_id=case_id))


def record_change(
    session: Session, staff: StaffMember, action: str, case_id: int, address: str | None, changes: dict[str, Any]
) -> None:
    """Add one event for a change to a case, with what changed as {"field": [old, new]}; the caller commits."""
    session.add(_event(staff, action, address, case_id=case_id, changes=changes))


@contextmanager
def cases_opened_by(
    session: Session, staff: StaffMember, address: str | None, action: str = API_REPORT_CREATED
) -> Iterator[None]:
    """Record `action` (`api_report_created`) for each case opened inside the block, in the flush that writes it.

    The case's own flush carries the row, so a case never exists without the record of who
    opened it (an integration reads back only the cases it opened). A report that reopened a closed
    case (a new `Incident` on it) counts as opening that case.
    """

    def add_events(flushing: Session, _context: Any, _instances: Any) -> None:
        for row in list(flushing.new):
            if isinstance(row, Case):
                flushing.add(_event(staff, action, address, case=row))
            elif isinstance(row, Incident):
                flushing.add(_event(staff, action, address, case_id=row.case_id))

    with listening(session, before_flush=add_events):
        yield


@contextmanager
def listening(session: Session, **hooks: Callable[..., None]) -> Iterator[None]:
    """Listen on `session` (the Session object itself, never the scoped proxy) for the block only: each
    keyword names a session event (`before_flush=`, `before_commit=`)."""
    for name, hook in hooks.items():
        event.listen(session, name, hook)
    try:
        yield
    finally:
        for name, hook in hooks.items():
            event.remove(session, name, hook)


@contextmanager
def commit_hooks(
    session: Session,
    after_flush: Callable[[Session, Any], None],
    before_commit: Callable[[Session], None],
    after_rollback: Callable[[Session], None],
) -> Iterator[None]:
    """For the block only: collect what each flush writes, add its audit events just before the commit,
    forget them on rollback."""
    with listening(session, after_flush=after_flush, before_commit=before_commit, after_rollback=after_rollback):
        yield


def _plain(value: Any) -> Any:
    """A value as the audit log's JSON keeps it (times as ISO 8601)."""
    return value.isoformat() if isinstance(value, datetime) else value


@contextmanager
def changes_recorded(
    session: Session, staff: StaffMember, action: str, case: Case, fields: Iterable[str], address: str | None
) -> Iterator[None]:
    """Record `action` with `fields` of `case` as they were before the block and as the block's commit leaves them.

    For a domain function that commits on its own: the event is written in that commit, and not at all when
    the block does not commit.
    """
    before = {name: getattr(case, name) for name in fields}

    def add_event(committing: Session) -> None:
        changes = {name: [_plain(old), _plain(getattr(case, name))] for name, old in before.items()}
        record_change(committing, staff, action, case.id, address, changes)

    with listening(session, before_commit=add_event):
        yield
