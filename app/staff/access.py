"""Which cases a member of staff may read: one rule per role, for the API and the console alike.

Managers, admins and the contact centre may look up any case (the contact centre sees only part
of it: `fields_for`, which the API and the console both follow). An officer sees the cases they are
the officer of, hold a task on, or took the report for in the console; a manager shares a case with
an officer by giving them a task on it. An integration sees only the cases it opened itself.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, false, or_, select, true
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.audit.records import API_REPORT_CREATED
from app.casework.models import Case, Task
from app.staff.models import StaffMember

EVERY_CASE = frozenset({"manager", "admin", "contact_centre"})
# Who reads the audit log: the whole of it, and on a case page who has viewed the case.
AUDIT_READERS = ("manager", "admin")

# What each role may read of a case; managers, admins and officers (on their own cases) read all of it.
DEADLINE_FIELDS = ("reference", "status", "callback", "removal")
CONTACT_CENTRE_FIELDS = (
    *DEADLINE_FIELDS,
    "kind",
    "channel",
    "created_at",
    "officer",
    "next_update_due",
    "needs_adjustment",
    "safe_to_text",
    "visit_requested",
    "contact_by_phone_only",
    "opted_out",
)
FIELDS_BY_ROLE: dict[str, tuple[str, ...] | None] = {
    "manager": None,
    "admin": None,
    "officer": None,
    "contact_centre": CONTACT_CENTRE_FIELDS,
    "integration": DEADLINE_FIELDS,
}


def fields_for(role: str) -> tuple[str, ...] | None:
    """The fields `role` may read (None: all of them); an unknown role reads only the deadline."""
    return FIELDS_BY_ROLE.get(role, DEADLINE_FIELDS)


def visible_to(staff: StaffMember) -> ColumnElement[bool]:
    """A condition on `Case` that holds for the cases `staff` may read."""
    if staff.role in EVERY_CASE:
        return true()
    if staff.role == "officer":
        holds_a_task = exists(select(Task.id).where(Task.case_id == Case.id, Task.assignee_id == staff.id))
        return or_(Case.officer_id == staff.id, Case.taken_by_id == staff.id, holds_a_task)
    if staff.role == "integration":
        return exists(
            select(AuditEvent.id).where(
                AuditEvent.case_id == Case.id,
                AuditEvent.staff_id == staff.id,
                AuditEvent.action == API_REPORT_CREATED,
            )
        )
    return false()


def visible_case(session: Session, staff: StaffMember, case_id: int) -> Case | None:
    """The case if `staff` may read it; None both when it does not exist and when it is not theirs."""
    return session.scalars(select(Case).where(Case.id == case_id, visible_to(staff))).first()


def visible_case_by_reference(session: Session, staff: StaffMember, reference: str) -> Case | None:
    return session.scalars(select(Case).where(Case.reference == reference.strip().upper(), visible_to(staff))).first()


def visible_cases_for_phone(session: Session, staff: StaffMember, e164: str) -> list[Case]:
    """The resident's cases that `staff` may read, newest first."""
    return list(
        session.scalars(
            select(Case)
            .where((Case.caller_phone == e164) | (Case.callback_phone == e164), visible_to(staff))
            .order_by(Case.created_at.desc(), Case.id.desc())
        )
    )


def reads_casework(staff: StaffMember) -> bool:
    """Whether `staff` may read a visible case's action plan and interventions: the roles that read all of a case."""
    return fields_for(staff.role) is None


def runs_case(staff: StaffMember, case: Case) -> bool:
    """The case's named officer or a manager: who changes its action plan and interventions, and alone sees its
    witnesses (special category data: not admins, not the contact centre, not other officers holding a task)."""
    return staff.role == "manager" or (staff.role == "officer" and case.officer_id == staff.id)


def may_work_on(staff: StaffMember, task: Task) -> bool:
    """A manager works on any task, an officer on the tasks given to them (completing, in the console)."""
    return staff.role == "manager" or (staff.role == "officer" and task.assignee_id == staff.id)


def workable_task(session: Session, staff: StaffMember, task_id: int) -> Task | None:
    """The task if `staff` may work on it; None both when it does not exist and when it is not theirs."""
    task = session.get(Task, task_id)
    return task if task is not None and may_work_on(staff, task) else None
