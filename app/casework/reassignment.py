"""A manager gives work to another officer: the officers to choose from, and a whole case moved at once (no Flask).

One task moves with `tasks.reassign` (as `flask tasks reassign` does); a case moves with its named
officer and every open task an officer does, in one commit. Each new owner is told as any new
task's owner is: the assign job, queued once the commit is made.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.casework.models import Case, Task
from app.casework.named_officer import announce_new_officer
from app.casework.tasks import GRAFFITI_REMOVAL, TaskError, open_task_counts, tell_owner_after_commit
from app.staff.models import StaffMember


@dataclass(frozen=True)
class OfficerChoice:
    """An active officer as a manager chooses one: name, patch and how much open work they hold."""

    id: int
    name: str
    patch: tuple[str, ...]
    open_tasks: int

    @property
    def label(self) -> str:
        """'Asha Patel (B10, B11): 3 open tasks'."""
        patch = f" ({', '.join(self.patch)})" if self.patch else ""
        return f"{self.name}{patch}: {self.open_tasks} open task{'' if self.open_tasks == 1 else 's'}"


def officers_to_choose(session: Session) -> list[OfficerChoice]:
    """Every active officer by name, with their open tasks counted."""
    officers = session.scalars(
        select(StaffMember).where(StaffMember.role == "officer", StaffMember.active).order_by(StaffMember.name)
    )
    loads = open_task_counts(session)
    return [
        OfficerChoice(officer.id, officer.name, tuple(p.upper() for p in officer.patch), loads.get(officer.id, 0))
        for officer in officers
    ]


def active_officer(session: Session, staff_id: int) -> StaffMember | None:
    """The member of staff with this id if they are an active officer."""
    staff = session.get(StaffMember, staff_id)
    return staff if staff is not None and staff.role == "officer" and staff.active else None


def reassign_case(session: Session, case: Case, to: StaffMember) -> list[Task]:
    """Name `to` as the case's officer and give them its open tasks (not the cleansing team's); commits.

    Returns the tasks that moved; each one's new owner is told after the commit.
    """
    if to.role != "officer" or not to.active:
        raise TaskError(f"{to.email} is not an active officer")
    moved = [
        task
        for task in case.tasks
        if task.status == "open" and task.kind != GRAFFITI_REMOVAL and task.assignee_id != to.id
    ]
    for task in moved:
        task.assignee_id, task.notified_at = to.id, None
        tell_owner_after_commit(session, task, f"assign-task-{task.id}-to-{to.id}")
    case.officer_id = to.id
    announce_new_officer(session, case)
    session.commit()
    return moved
