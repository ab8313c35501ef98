"""A change and its audit event are one transaction: neither is ever written without the other."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.audit.changes import changes_audited
from app.audit.models import AuditEvent
from app.casework.models import Task
from app.extensions import db
from app.staff.accounts import create_staff
from tests.console.conftest import report


@pytest.fixture
def manager(app):
    return create_staff(db.session(), "mo@example.org", "Mo Manager", "manager")


def events() -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent)))


def test_a_committed_change_is_recorded_with_its_first_old_and_last_new_value(manager):
    case = report()
    task, old_note = case.tasks[0], case.tasks[0].note
    with changes_audited(db.session(), manager, "test_change", "192.0.2.9"):
        case.risk_level = "medium"
        db.session.flush()
        case.risk_level = "high"
        task.note = "Call after 6pm."
        db.session.commit()
    [event] = events()
    assert (event.action, event.case_id, event.staff_id, event.role, event.address) == (
        "test_change",
        case.id,
        manager.id,
        "manager",
        "192.0.2.9",
    )
    assert event.changes == {"risk_level": ["medium", "high"], f"task {task.id} note": [old_note, "Call after 6pm."]}


def test_a_rolled_back_change_leaves_no_event(manager):
    case = report()
    with changes_audited(db.session(), manager, "test_change", None):
        case.risk_level = "high"
        db.session.flush()
        db.session.rollback()
    assert events() == [] and db.session.get(type(case), case.id).risk_level == "medium"


def test_a_commit_that_fails_writes_neither_the_change_nor_its_event(manager):
    case = report()
    first = case.tasks[0]
    with changes_audited(db.session(), manager, "test_change", None), pytest.raises(IntegrityError):
        case.risk_level = "high"
        case.tasks.append(Task(kind=first.kind, origin=first.origin, due_at=first.due_at))  # a twin: refused
        db.session.commit()
    db.session.rollback()
    assert events() == [] and db.session.get(type(case), case.id).risk_level == "medium"


def test_changes_outside_the_block_are_not_recorded(manager):
    case = report()
    with changes_audited(db.session(), manager, "test_change", None):
        pass
    case.risk_level = "high"
    db.session.commit()
    assert events() == []
