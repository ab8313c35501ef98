"""An officer's open tasks in the order to work them (no Flask); what a manager watches is in oversight.py."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from app.calendar import london_date
from app.casework.models import Task
from app.staff.models import StaffMember

RISK_ORDER = {"high": 0, "medium": 1, "standard": 2}


def worklist_order(task: Task) -> tuple[object, ...]:
    """By the day it is due (London time); within a day, high risk first, then by the hour."""
    return london_date(task.due_at), RISK_ORDER.get(task.case.risk_level, len(RISK_ORDER)), task.due_at, task.id


def open_tasks_for(session: Session, staff: StaffMember) -> list[Task]:
    """The open tasks assigned to `staff`, each with its case loaded, in worklist order."""
    tasks = session.scalars(
        select(Task)
        .join(Task.case)
        .options(contains_eager(Task.case))
        .where(Task.assignee_id == staff.id, Task.status == "open")
        .order_by(Task.due_at, Task.id)
    )
    return sorted(tasks, key=worklist_order)
