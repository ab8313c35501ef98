"""An officer's open tasks in the order to work them, and the counts a manager watches (no Flask)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, contains_eager

from app.calendar import end_of_day, london_date
from app.casework.models import Case, Task
from app.casework.tasks import GRAFFITI_REMOVAL
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


@dataclass(frozen=True)
class WorkCounts:
    """What a manager looks at first: work due today, work already late, high-risk cases, work nobody has."""

    due_today: int
    overdue: int
    high_risk_cases: int
    unassigned: int


def work_counts(session: Session, instant: datetime) -> WorkCounts:
    open_tasks = select(func.count(Task.id)).where(Task.status == "open")
    return WorkCounts(
        due_today=session.scalar(
            open_tasks.where(Task.due_at > instant, Task.due_at <= end_of_day(london_date(instant)))
        )
        or 0,
        overdue=session.scalar(open_tasks.where(Task.due_at <= instant)) or 0,
        high_risk_cases=session.scalar(
            select(func.count(Case.id)).where(Case.status == "open", Case.risk_level == "high")
        )
        or 0,
        unassigned=session.scalar(open_tasks.where(Task.assignee_id.is_(None), Task.kind != GRAFFITI_REMOVAL)) or 0,
    )
