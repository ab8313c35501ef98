"""What a manager watches: work due today or late, cases gone 14 days without contact, high-risk cases,
work nobody has (no Flask).

Each list is one condition, used both to count it for the dashboard and to list it, so the number a
manager clicks and the rows they then read always agree. Graffiti removal jobs are the cleansing
team's, so they are counted apart from officers' tasks.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from app.calendar import end_of_day, london_date
from app.casework.lifecycle import still_open
from app.casework.models import Case, Task
from app.casework.tasks import GRAFFITI_REMOVAL
from app.paging import Page, page_of, window

TASK_LISTS = ("due-today", "overdue", "graffiti-overdue", "unassigned")
CASE_LISTS = ("no-contact", "high-risk")


def task_condition(name: str, instant: datetime) -> ColumnElement[bool]:
    """Which open tasks are on the list `name` at `instant`."""
    officers = Task.kind != GRAFFITI_REMOVAL
    conditions = {
        "due-today": (officers, Task.due_at > instant, Task.due_at <= end_of_day(london_date(instant))),
        "overdue": (officers, Task.due_at <= instant),
        "graffiti-overdue": (Task.kind == GRAFFITI_REMOVAL, Task.due_at <= instant),
        "unassigned": (officers, Task.assignee_id.is_(None)),
    }
    return and_(Task.status == "open", *conditions[name])


def case_condition(name: str, instant: datetime) -> ColumnElement[bool]:
    """Which open cases are on the list `name`: no contact for 14 days is the fortnightly update overdue."""
    conditions = {
        "no-contact": Case.next_update_due <= instant,
        "high-risk": Case.risk_level == "high",
    }
    return and_(still_open(), conditions[name])


def dashboard_counts(session: Session, instant: datetime) -> dict[str, int]:
    """How many tasks or cases are on each list: one query over open tasks, one over open cases."""
    tasks = session.execute(
        select(*(func.count(Task.id).filter(task_condition(name, instant)) for name in TASK_LISTS)).where(
            Task.status == "open"
        )
    ).one()
    cases = session.execute(
        select(*(func.count(Case.id).filter(case_condition(name, instant)) for name in CASE_LISTS)).where(still_open())
    ).one()
    return dict(zip(TASK_LISTS + CASE_LISTS, [*tasks, *cases], strict=True))


def watched_tasks(session: Session, name: str, instant: datetime, number: int) -> Page[Task]:
    """Page `number` of the tasks on the list, soonest deadline first, each with its case and officer."""
    limit, offset = window(number)
    query = (
        select(Task)
        .join(Task.case)
        .options(contains_eager(Task.case), selectinload(Task.assignee))
        .where(task_condition(name, instant))
        .order_by(Task.due_at, Task.id)
        .limit(limit)
        .offset(offset)
    )
    return page_of(session.scalars(query).all(), number)


def watched_cases(session: Session, name: str, instant: datetime, number: int) -> Page[Case]:
    """Page `number` of the cases on the list, the longest without an update first, each with its officer."""
    limit, offset = window(number)
    query = (
        select(Case)
        .options(selectinload(Case.officer))
        .where(case_condition(name, instant))
        .order_by(Case.next_update_due.asc().nulls_last(), Case.created_at, Case.id)
        .limit(limit)
        .offset(offset)
    )
    return page_of(session.scalars(query).all(), number)
