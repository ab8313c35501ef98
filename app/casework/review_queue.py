"""The manager's review queue: cases whose fortnightly review is due today or overdue, with the facts to review
them by (no Flask).

One query a page: each fact is a correlated subquery on an indexed column of the page's 50 cases
(action plan items and tasks by case id), never a query per row, so thousands of open cases cost
the same as ten. Overdue first (the earliest date), high risk first within a day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import Session

from app.calendar import end_of_day, london_date
from app.casework.lifecycle import STILL_OPEN
from app.casework.models import ActionPlanItem, Case, Task
from app.paging import Page, page_of, window
from app.staff.models import StaffMember

RISK_RANK = case((Case.risk_level == "high", 0), (Case.risk_level == "medium", 1), else_=2)


@dataclass(frozen=True)
class DueReview:
    """One case on the queue, as the manager reads it."""

    reference: str
    risk_level: str
    opened_at: datetime
    last_contact_at: datetime | None
    plan_done: int
    plan_items: int
    overdue_tasks: int
    officer: str | None
    due: datetime
    overdue: bool
    days_open: int


def due_by_end_of(instant: datetime) -> ColumnElement[bool]:
    """Cases under review whose review falls due by the end of `instant`'s London day (or is overdue)."""
    return and_(Case.status.in_(STILL_OPEN), Case.next_review_due <= end_of_day(london_date(instant)))


def count_due_reviews(session: Session, instant: datetime) -> int:
    """How many reviews are due today or overdue (the dashboard's number)."""
    return int(session.scalar(select(func.count(Case.id)).where(due_by_end_of(instant))) or 0)


def due_reviews(session: Session, instant: datetime, number: int) -> Page[DueReview]:
    """Page `number` of the queue at `instant`: overdue first, then high risk first within a due date."""
    limit, offset = window(number)
    query = (
        _facts(instant)
        .where(due_by_end_of(instant))
        .order_by(Case.next_review_due, RISK_RANK, Case.id)
        .limit(limit)
        .offset(offset)
    )
    return page_of([_as_due_review(row, instant) for row in session.execute(query)], number)


def review_facts(session: Session, case_id: int, instant: datetime) -> DueReview | None:
    """The same facts for one case under review, for the page where its review is recorded."""
    query = _facts(instant).where(Case.id == case_id, Case.next_review_due.is_not(None))
    row = session.execute(query).first()
    return _as_due_review(row, instant) if row is not None else None


def _facts(instant: datetime) -> Select[Any]:
    """The queue's columns: each count a correlated subquery on an indexed case id."""
    plan_items = select(func.count(ActionPlanItem.id)).where(ActionPlanItem.case_id == Case.id)
    overdue_tasks = select(func.count(Task.id)).where(
        Task.case_id == Case.id, Task.status == "open", Task.due_at <= instant
    )
    return select(
        Case.reference,
        Case.risk_level,
        Case.created_at,
        Case.last_contact_at,
        plan_items.where(ActionPlanItem.done_at.is_not(None)).scalar_subquery(),
        plan_items.scalar_subquery(),
        overdue_tasks.scalar_subquery(),
        StaffMember.name,
        Case.next_review_due,
    ).outerjoin(StaffMember, StaffMember.id == Case.officer_id)


def _as_due_review(row: Sequence[Any], instant: datetime) -> DueReview:
    reference, risk_level, opened_at, last_contact_at, plan_done, plan_items, overdue_tasks, officer, due = row
    return DueReview(
        reference=reference,
        risk_level=risk_level,
        opened_at=opened_at,
        last_contact_at=last_contact_at,
        plan_done=plan_done,
        plan_items=plan_items,
        overdue_tasks=overdue_tasks,
        officer=officer,
        due=due,
        overdue=due <= instant,
        days_open=(london_date(instant) - london_date(opened_at)).days,
    )
