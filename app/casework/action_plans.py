"""The action plan agreed with the resident: its items, a version kept for every change, and overdue items (no Flask).

Each change (an item added, marked done, or given a new due date) writes the plan as it now stands as a new
`ActionPlanVersion`, numbered 1, 2, 3... per case, in the commit that makes the change, with an audit event.
Versions are never edited, except to record when a copy of that version was sent to the resident.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.records import ACTION_PLAN_CHANGED, record_change
from app.calendar import london_date
from app.casework.models import ActionPlanItem, ActionPlanVersion, Case
from app.casework.notes import NotAllowed
from app.clock import now
from app.staff.models import StaffMember

WHAT_MAX = 500
WHO_MAX = 200


@dataclass(frozen=True)
class PlanItemDraft:
    """An item as staff typed it: what will be done, who does it, and by when."""

    what: str
    who: str
    due_on: date | None


def item_problems(draft: PlanItemDraft) -> dict[str, str]:
    """What is wrong with an item, by field, in words for staff (empty when nothing is)."""
    problems = {}
    if not draft.what.strip():
        problems["what"] = "Enter what will be done"
    elif len(draft.what.strip()) > WHAT_MAX:
        problems["what"] = f"What will be done must be {WHAT_MAX} characters or fewer"
    if not draft.who.strip():
        problems["who"] = "Enter who will do it"
    elif len(draft.who.strip()) > WHO_MAX:
        problems["who"] = f"Who will do it must be {WHO_MAX} characters or fewer"
    if draft.due_on is None:
        problems["due_on"] = "Enter the date it is due by"
    return problems


def _refuse_problems(problems: dict[str, str]) -> None:
    if problems:
        raise NotAllowed(next(iter(problems.values())))


def snapshot(item: ActionPlanItem) -> dict[str, Any]:
    """One item as a version keeps it (dates as ISO 8601; the London date it was done)."""
    return {
        "id": item.id,
        "what": item.what,
        "who": item.who,
        "due_on": item.due_on.isoformat(),
        "done_on": london_date(item.done_at).isoformat() if item.done_at else None,
    }


def latest_version(session: Session, case: Case) -> ActionPlanVersion | None:
    return session.scalars(
        select(ActionPlanVersion).where(ActionPlanVersion.case_id == case.id).order_by(ActionPlanVersion.version.desc())
    ).first()


def plan_version(session: Session, case: Case, number: int) -> ActionPlanVersion | None:
    return session.scalars(
        select(ActionPlanVersion).where(ActionPlanVersion.case_id == case.id, ActionPlanVersion.version == number)
    ).first()


def _new_version(session: Session, case: Case, staff: StaffMember, agreed: bool) -> ActionPlanVersion:
    """The plan as it now stands, as the next version. The case row is locked first (PostgreSQL), so two
    changes at once number their versions one after the other rather than colliding."""
    session.execute(select(Case.id).where(Case.id == case.id).with_for_update())
    session.flush()
    last = session.scalar(select(func.max(ActionPlanVersion.version)).where(ActionPlanVersion.case_id == case.id))
    items = session.scalars(select(ActionPlanItem).where(ActionPlanItem.case_id == case.id).order_by(ActionPlanItem.id))
    version = ActionPlanVersion(
        case_id=case.id,
        version=(last or 0) + 1,
        items=[snapshot(item) for item in items],
        agreed_with_resident=agreed,
        created_by_id=staff.id,
        created_at=now(),
    )
    session.add(version)
    session.flush()
    return version


def _item(session: Session, case: Case, item_id: int) -> ActionPlanItem:
    item = session.get(ActionPlanItem, item_id)
    if item is None or item.case_id != case.id:
        raise NotAllowed("There is no such item in this case's action plan")
    return item


def _commit_change(
    session: Session, case: Case, staff: StaffMember, agreed: bool, address: str | None, changes: dict[str, list[Any]]
) -> ActionPlanVersion:
    version = _new_version(session, case, staff, agreed)
    record_change(
        session, staff, ACTION_PLAN_CHANGED, case.id, address, {"version": [None, version.version], **changes}
    )
    session.commit()
    return version


def add_item(
    session: Session, case: Case, staff: StaffMember, draft: PlanItemDraft, agreed: bool, address: str | None
) -> ActionPlanVersion:
    """Add an item to the plan; commits the new version. Raises NotAllowed for an item that cannot be kept."""
    _refuse_problems(item_problems(draft))
    assert draft.due_on is not None  # checked above
    item = ActionPlanItem(
        case_id=case.id, what=draft.what.strip(), who=draft.who.strip(), due_on=draft.due_on, created_by_id=staff.id
    )
    session.add(item)
    session.flush()
    return _commit_change(
        session, case, staff, agreed, address, {"item": [None, item.id], "due_on": [None, item.due_on.isoformat()]}
    )


def mark_done(session: Session, case: Case, staff: StaffMember, item_id: int, address: str | None) -> ActionPlanVersion:
    """Mark an item done today; commits the new version (still agreed if the last one was)."""
    item = _item(session, case, item_id)
    if item.done_at is not None:
        raise NotAllowed("That item is already done")
    item.done_at = now()
    last = latest_version(session, case)
    agreed = last.agreed_with_resident if last else False
    return _commit_change(session, case, staff, agreed, address, {"item": [item.id, item.id], "done": [False, True]})


def change_due_date(
    session: Session,
    case: Case,
    staff: StaffMember,
    item_id: int,
    due_on: date | None,
    agreed: bool,
    address: str | None,
) -> ActionPlanVersion:
    """Give an item that is not yet done a new due date; commits the new version."""
    item = _item(session, case, item_id)
    if due_on is None:
        raise NotAllowed("Enter the date it is due by")
    if item.done_at is not None:
        raise NotAllowed("That item is already done: its due date stays as it was")
    old, item.due_on = item.due_on, due_on
    changes: dict[str, list[Any]] = {"item": [item.id, item.id], "due_on": [old.isoformat(), due_on.isoformat()]}
    return _commit_change(session, case, staff, agreed, address, changes)


def is_overdue(item: ActionPlanItem, today: date) -> bool:
    """Due before today (London) and not done."""
    return item.done_at is None and item.due_on < today


@dataclass(frozen=True)
class OverdueItem:
    item: ActionPlanItem
    case: Case


def overdue_items_for(session: Session, staff: StaffMember, today: date) -> list[OverdueItem]:
    """The overdue items on the cases `staff` is the named officer of (closed cases left out), oldest due first."""
    rows = session.execute(
        select(ActionPlanItem, Case)
        .join(Case, Case.id == ActionPlanItem.case_id)
        .where(
            Case.officer_id == staff.id,
            Case.status != "closed",
            ActionPlanItem.done_at.is_(None),
            ActionPlanItem.due_on < today,
        )
        .order_by(ActionPlanItem.due_on, ActionPlanItem.id)
    )
    return [OverdueItem(item, case) for item, case in rows]
