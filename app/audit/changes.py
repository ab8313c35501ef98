"""Auditing changes: what a block changes on cases and their tasks is recorded in the commit that makes it.

`changes_audited` watches the session while a domain function runs: every flush adds the fields it
wrote (old → new, read from the attributes' history) to one event per case, and just before the
commit those events join the transaction. A change that is rolled back leaves no event; an event
never exists without its change.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import InstanceState, Session

from app.audit.models import AuditEvent
from app.audit.records import commit_hooks
from app.casework.models import Case, Task
from app.staff.models import StaffMember

# What is worth recording of a task the block creates (the rest is bookkeeping or the resident's number).
NEW_TASK_FIELDS = ("kind", "due_at", "assignee_id", "attempt")
Changes = dict[str, list[Any]]


def plain(value: Any) -> Any:
    """A value as JSON holds it: times as ISO 8601, lists and dicts copied."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    return value


def _written(row: Case | Task, is_new: bool) -> Changes:
    """The fields this flush writes to `row`, each as [old, new]."""
    state: InstanceState[Case | Task] = inspect(row)
    prefix = "" if isinstance(row, Case) else f"task {row.id} "
    keys = NEW_TASK_FIELDS if is_new and isinstance(row, Task) else [a.key for a in state.mapper.column_attrs]
    found: Changes = {}
    for key in keys:
        history = state.attrs[key].history
        if is_new and isinstance(row, Task):
            found[prefix + key] = [None, plain(getattr(row, key))]
        elif history.added and (is_new or history.added != history.deleted):
            old = history.deleted[0] if history.deleted else None
            found[prefix + key] = [plain(old), plain(history.added[0])]
    return found


def _case_id(row: Case | Task) -> int:
    return row.id if isinstance(row, Case) else row.case_id


@contextmanager
def changes_audited(session: Session, staff: StaffMember, action: str, address: str | None) -> Iterator[None]:
    """Record `action` by `staff`, with the fields changed, for each case the block changes (or its tasks)."""
    changed: dict[int, Changes] = {}

    def collect(flushed: Session, _context: Any) -> None:
        rows = [(row, True) for row in flushed.new] + [(row, False) for row in flushed.dirty]
        for row, is_new in rows:
            if isinstance(row, Case | Task) and (written := _written(row, is_new)):
                into = changed.setdefault(_case_id(row), {})
                for key, (old, new) in written.items():
                    into[key] = [into[key][0] if key in into else old, new]  # first old, last new

    def add_events(committing: Session) -> None:
        committing.flush()  # what the block changed since its last flush, collected above
        for case_id, changes in changed.items():
            committing.add(
                AuditEvent(
                    staff_id=staff.id, role=staff.role, action=action, case_id=case_id, changes=changes, address=address
                )
            )
        changed.clear()

    def forget(_rolled_back: Session) -> None:
        changed.clear()

    with commit_hooks(session, collect, add_events, forget):
        yield
