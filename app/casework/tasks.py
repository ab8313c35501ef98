"""Tasks owed to residents: assignment, notification, reminders, escalation and completion.

Every wait lives in the database (due_at, remind_at); the `reminders` job
sweeps for what is due. Each step claims its row with one conditional UPDATE
before queuing a text, so two schedulers or a retried job never send twice.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Update, func, select, update
from sqlalchemy.orm import Session, joinedload

from app.calendar import (
    LONDON,
    end_of_day,
    is_working_day,
    london_date,
    midday,
    next_working_day,
    next_working_day_deadline,
)
from app.casework.assignment import Candidate, choose_officer, is_on_duty, works_before
from app.casework.contact import WRONG_NUMBER, hold_back_waiting_texts, may_text_now, record_contact
from app.casework.lifecycle import REACHED
from app.casework.models import UNTOLD, Case, ContactLogEntry, Task
from app.casework.named_officer import announce_new_officer, introduce_officer
from app.clock import now
from app.jobs import JobName, enqueue_after_commit
from app.messaging import models as m
from app.messaging import templates
from app.messaging.email import queue_email
from app.messaging.history import DUTY_ALERT, STAFF_NOTIFICATION
from app.messaging.outbox import queue_text
from app.staff.models import StaffMember

log = logging.getLogger(__name__)

GRAFFITI_REMOVAL = "graffiti_removal"
RISK_ASSESSMENT_CALLBACK = "risk_assessment_callback"
CALL_KINDS = {"risk_assessment_callback", "update_callback", "progress_call"}
LETTER_OR_VISIT = "letter_or_visit"  # after three unanswered calls (or a wrong number)
MAX_CALL_ATTEMPTS = 3
REPORT_ORIGIN = "report"  # a task a report created: "report" for the first, "report:<...>" for later ones
REACHED_OUTCOMES = ("spoke_to_resident", "resident_declined")  # a call that reached the resident
OUTCOMES = {
    "call": {"spoke_to_resident", "no_answer", "wrong_number", "resident_declined"},
    GRAFFITI_REMOVAL: {"removed", "not_found"},
    "other": {"done", "spoke_to_resident"},
}


OUTCOME_ALIASES = {
    "spoke": "spoke_to_resident",
    "spoke_to_the_resident": "spoke_to_resident",
    "no_answer_try_again": "no_answer",
    "declined": "resident_declined",
    "graffiti_removed": "removed",
}


def outcome_named(text: str) -> str:
    """'No answer — try again', 'spoke to resident', 'SPOKE' -> the outcome's name."""
    words = "".join(ch if ch.isalnum() else " " for ch in text.lower()).split()
    name = "_".join(words)
    return OUTCOME_ALIASES.get(name, name)


class TaskError(ValueError):
    """A task change that cannot be made (unknown task, already done, wrong outcome...)."""


@dataclass(frozen=True)
class Contact:
    mobile: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Teams:
    """Contacts outside the officer team, from configuration, and whether staff get emails too."""

    cleansing: Contact = Contact()
    cleansing_manager: Contact = Contact()
    email_enabled: bool = False


def contact_of(member: StaffMember | None) -> Contact | None:
    return Contact(member.mobile, member.email) if member else None


def add_task(session: Session, case: Case, kind: str, origin: str, due_at: datetime, **fields: object) -> Task:
    """Create a task with its owner (by the assignment rule); a job tells them once the session commits."""
    assignee_id = fields.pop("assignee_id", None)
    if assignee_id is None and kind != GRAFFITI_REMOVAL:
        assignee_id = case.officer_id or _owner_of_case(case) or _choose(session, case, due_at)
    task = Task(kind=kind, origin=origin, due_at=due_at, phone=case.callback_phone, assignee_id=assignee_id, **fields)
    case.tasks.append(task)  # keeps the case's loaded task list true
    session.flush()
    tell_owner_after_commit(session, task, f"assign-task-{task.id}")
    return task


# Names the latest assign job queued: tasks added while it waits join it (it tells the owners of all untold tasks).
LATEST_ASSIGN_JOB = "tasks:latest-assign-job"


def tell_owner_after_commit(session: Session, task: Task, job_id: str) -> None:
    """Once the session commits, an assign job tells the task's owner: the job `job_id`, or the assign job
    already waiting in the queue (each tells every owner not yet told)."""
    enqueue_after_commit(session, JobName.ASSIGN_TASK, task.id, job_id=job_id, covered_by=LATEST_ASSIGN_JOB)


def _claim(session: Session, task_id: int, statement: Update) -> bool:
    """Set a 'done at' column only if nobody has: one winner among concurrent runs."""
    # An UPDATE's result is a CursorResult (the ORM types it only as a Result).
    updated = cast(
        "CursorResult[Any]",
        session.execute(statement.where(Task.id == task_id).execution_options(synchronize_session=False)),
    )
    return bool(updated.rowcount)


# Whom to tell and what about, in the task's own round trip rather than one more for each.
_WITH_CASE_AND_ASSIGNEE = (joinedload(Task.case), joinedload(Task.assignee))


def assign(session: Session, task_id: int, teams: Teams) -> bool:
    """Tell an open task's owner (choosing one if it has none), once; returns False if already told."""
    claimed = _claim(
        session,
        task_id,
        update(Task).where(Task.notified_at.is_(None), Task.status == "open").values(notified_at=now()),
    )
    if not claimed:
        session.rollback()
        return False
    task = session.get(Task, task_id, populate_existing=True, options=_WITH_CASE_AND_ASSIGNEE)
    assert task is not None
    case = task.case
    task.remind_at = _noon_reminder(task)
    if task.kind == GRAFFITI_REMOVAL:
        tell_staff(
            session, teams.cleansing, templates.new_task(case.reference, task.kind, task.due_at, ""), task.case, teams
        )
    else:
        if task.assignee_id is None:
            task.assignee_id = case.officer_id or _owner_of_case(case) or _choose(session, case, task.due_at)
        if task.assignee is not None:
            body = templates.new_task(case.reference, task.kind, task.due_at, case.risk_level)
            tell_staff(session, contact_of(task.assignee), body, task.case, teams)
        if case.risk_level == "high" and task.kind == "risk_assessment_callback":
            _alert_duty_managers(session, task, teams)
    session.commit()
    log.info("task %s (%s) for case %s assigned to staff id %s", task.id, task.kind, case.reference, task.assignee_id)
    return True


def _alert_duty_managers(session: Session, task: Task, teams: Teams) -> None:
    """A high-risk callback is flagged to every duty manager; if none can be told, that is raised, not hidden."""
    alert = templates.high_risk_alert(task.case.reference, task.due_at)
    told = [
        tell_staff(session, contact_of(manager), alert, task.case, teams, DUTY_ALERT)
        for manager in duty_managers(session)
    ]
    if not any(told):
        task.case.duty_alert_failed_at = now()
        log.error("high-risk case %s: no duty manager could be told (task %s)", task.case.reference, task.id)


def _noon_reminder(task: Task) -> datetime | None:
    noon = midday(london_date(task.due_at))
    return noon if task.created_at < noon < task.due_at else None


def _owner_of_case(case: Case) -> int | None:
    return next((t.assignee_id for t in case.tasks if t.assignee_id and t.kind in CALL_KINDS), None)


_OPEN_TASKS_BY_ASSIGNEE = (
    select(Task.assignee_id, func.count().label("open_tasks"))
    .where(Task.status == "open", Task.assignee_id.is_not(None))
    .group_by(Task.assignee_id)
)


def open_task_counts(session: Session) -> dict[int, int]:
    """Each member of staff's open tasks, counted (the assignment rule's load, the reassign list's figure)."""
    counted = session.execute(_OPEN_TASKS_BY_ASSIGNEE).all()
    return {assignee_id: int(count) for assignee_id, count in counted if assignee_id is not None}


_LOADS = _OPEN_TASKS_BY_ASSIGNEE.subquery()
# Built once: every report asks it, and building it cost more than PostgreSQL takes to answer it.
_OFFICERS_AND_LOADS = (
    select(
        StaffMember.id,
        StaffMember.patch,
        StaffMember.working_days,
        StaffMember.works_from,
        StaffMember.works_until,
        func.coalesce(_LOADS.c.open_tasks, 0),
    )
    .outerjoin(_LOADS, _LOADS.c.assignee_id == StaffMember.id)
    .where(StaffMember.role == "officer", StaffMember.active)
)


def _choose(session: Session, case: Case, deadline: datetime) -> int | None:
    """The assignment rule over every active officer, for a task due at `deadline`; one query (each case's
    report asks it).

    Not flushed first: the loads count open tasks, and every task is flushed as it is added (add_task), so
    a new case still pending is written with its first task in one flush instead of one each.
    """
    with session.no_autoflush:
        officers = session.execute(_OFFICERS_AND_LOADS).all()
    instant = now()
    candidates = [
        Candidate(
            officer_id,
            frozenset(patch),
            is_on_duty(days, works_from, works_until, instant),
            int(open_tasks),
            works_before(days, works_from, works_until, instant, deadline),
        )
        for officer_id, patch, days, works_from, works_until, open_tasks in officers
    ]
    return choose_officer(case.postcode_district, candidates)


def duty_managers(session: Session) -> list[StaffMember]:
    query = select(StaffMember).where(StaffMember.role == "manager", StaffMember.duty_manager, StaffMember.active)
    return list(session.scalars(query))


def tell_staff(
    session: Session, who: Contact | None, body: str, case: Case, teams: Teams, purpose: str = STAFF_NOTIFICATION
) -> bool:
    """Text a member of staff about `case`, and email them too where SMTP is configured; False when they cannot
    be reached (no mobile or email, or a mobile that opted out and no email)."""
    on_its_way = False
    if who is not None and who.mobile:
        text = queue_text(session, to=who.mobile, body=body, purpose=purpose, case_id=case.id)
        on_its_way = text.status != m.REFUSED
    if who is not None and teams.email_enabled and who.email:
        subject = f"{body.split(':', 1)[0]}: {case.reference}"
        queue_email(session, to=who.email, subject=subject, body=body, purpose=purpose, case_id=case.id)
        on_its_way = True
    if not on_its_way:
        log.warning("case %s: nobody to tell about it", case.reference)
    return on_its_way


def send_reminders(session: Session, teams: Teams) -> tuple[int, int]:
    """Noon reminders on the due day, and escalation at the deadline; returns (reminded, escalated)."""
    instant = now()
    due_reminders = select(Task.id).where(Task.status == "open", Task.remind_at <= instant, Task.reminded_at.is_(None))
    reminded = 0
    for task_id in session.scalars(due_reminders).all():
        if _claim(session, task_id, update(Task).where(Task.reminded_at.is_(None)).values(reminded_at=instant)):
            task = session.get(Task, task_id, populate_existing=True)
            assert task is not None
            who = teams.cleansing if task.kind == GRAFFITI_REMOVAL else contact_of(task.assignee)
            tell_staff(
                session, who, templates.task_reminder(task.case.reference, task.kind, task.due_at), task.case, teams
            )
            reminded += 1
        session.commit()
    overdue = select(Task.id).where(Task.status == "open", Task.due_at <= instant, Task.escalated_at.is_(None))
    escalated = 0
    for task_id in session.scalars(overdue).all():
        if _claim(session, task_id, update(Task).where(Task.escalated_at.is_(None)).values(escalated_at=instant)):
            _escalate(session, session.get(Task, task_id, populate_existing=True), teams)
            escalated += 1
        session.commit()
    return reminded, escalated


def _escalate(session: Session, task: Task | None, teams: Teams) -> None:
    assert task is not None
    who = task.assignee.name if task.assignee else "unassigned"
    body = templates.task_overdue(task.case.reference, task.kind, task.due_at, who)
    if task.kind == GRAFFITI_REMOVAL:
        tell_staff(session, teams.cleansing_manager, body, task.case, teams)
        return
    managers = [task.assignee.manager] if task.assignee and task.assignee.manager else duty_managers(session)
    for manager in managers:
        tell_staff(session, contact_of(manager), body, task.case, teams)
    log.warning("task %s for case %s is overdue and escalated", task.id, task.case.reference)


def assign_ownerless(session: Session, teams: Teams) -> tuple[int, int]:
    """Open tasks made while no officer could take them: give each to an officer now, or say so once.

    Returns (assigned, raised). A task still without an officer is raised once
    to the duty managers, and logged at ERROR when there is none to tell.
    """
    ownerless = select(Task.id).where(Task.status == "open", Task.assignee_id.is_(None), Task.kind != GRAFFITI_REMOVAL)
    assigned = raised = 0
    for task_id in session.scalars(ownerless).all():
        task = session.get(Task, task_id)
        assert task is not None
        owner = task.case.officer_id or _owner_of_case(task.case) or _choose(session, task.case, task.due_at)
        if owner is not None:
            task.assignee_id, task.notified_at = owner, None
            session.commit()
            assigned += assign(session, task_id, teams)
        elif _claim(
            session,
            task_id,
            update(Task).where(Task.unassigned_alerted_at.is_(None)).values(unassigned_alerted_at=now()),
        ):
            _raise_ownerless(session, task, teams)
            raised += 1
        session.commit()
    return assigned, raised


def _raise_ownerless(session: Session, task: Task, teams: Teams) -> None:
    body = templates.task_without_officer(task.case.reference, task.kind, task.due_at)
    told = [tell_staff(session, contact_of(manager), body, task.case, teams) for manager in duty_managers(session)]
    if not any(told):
        log.error("task %s for case %s: no officer and no duty manager to take it", task.id, task.case.reference)


# Built once: a drain asks it before every task it tells (and rebuilt only when a task has been passed over).
_NEXT_UNTOLD = (
    select(Task.id).where(UNTOLD).order_by(Task.created_at, Task.id).limit(1).with_for_update(skip_locked=True)
)


def next_untold_task(session: Session, passed_over: Collection[int]) -> int | None:
    """The longest-waiting open task whose owner has not been told (but those `passed_over`), locked until the
    session ends so that a second worker telling owners skips it; None if there is none."""
    return session.scalar(_NEXT_UNTOLD.where(Task.id.not_in(passed_over)) if passed_over else _NEXT_UNTOLD)


def next_attempt_due(failed_at: datetime, failed_attempt: int) -> datetime:
    """Three attempts over two working days: the second by noon on the next working day,
    the third by 5pm that day (or the next working day if that leaves under two hours)."""
    day = london_date(failed_at)
    if failed_attempt == 1:
        return midday(next_working_day(day))
    today_5pm = end_of_day(day)
    if is_working_day(day) and failed_at.astimezone(LONDON) <= today_5pm - timedelta(hours=2):
        return today_5pm
    return end_of_day(next_working_day(day))


def is_report_task(task: Task) -> bool:
    """The callback (or removal) a report created: the case's first report or one that reopened it."""
    return task.origin == REPORT_ORIGIN or task.origin.startswith(f"{REPORT_ORIGIN}:")


def outcomes_for(kind: str) -> set[str]:
    """The outcomes a task of this kind may end with."""
    if kind in CALL_KINDS:
        return OUTCOMES["call"]
    return OUTCOMES.get(kind, OUTCOMES["other"])


def complete(
    session: Session,
    task_id: int,
    outcome: str,
    by: StaffMember | None,
    risk_level: str | None = None,
    note: str | None = None,
) -> Task | None:
    """Close a task with its outcome; returns the follow-up task (another attempt, a letter or visit) if any."""
    task = session.get(Task, task_id)
    if task is None:
        raise TaskError(f"no task {task_id}")
    if task.status != "open":
        raise TaskError(f"task {task_id} is already {task.status}")
    outcome = outcome_named(outcome)
    risk_level = risk_level.strip().lower() if risk_level else None
    if outcome not in outcomes_for(task.kind):
        raise TaskError(f"outcome must be one of {', '.join(sorted(outcomes_for(task.kind)))}")
    if risk_level is not None and risk_level not in {"standard", "medium", "high"}:
        raise TaskError("risk must be standard, medium or high")
    # Two officers (or a form sent twice) completing at once: one conditional update wins; the other is told.
    if not _claim(session, task_id, update(Task).where(Task.status == "open").values(status="done")):
        session.rollback()
        raise TaskError(f"task {task_id} has already been completed")
    task.status, task.outcome, task.completed_at = "done", outcome, now()
    task.completed_by_id = by.id if by else None
    task.note = note or task.note
    case = task.case
    follow_up = _follow_up(session, task, outcome)
    if task.kind in CALL_KINDS or outcome in REACHED_OUTCOMES:
        _log_the_contact(case, task, by)
    if outcome in REACHED_OUTCOMES:  # a call, or a visit after calls went unanswered: the first contact
        if case.officer_id is None:
            case.officer_id = task.assignee_id or task.completed_by_id
        introduce_officer(session, case)
        record_contact(case, now())
    if task.kind in CALL_KINDS and outcome == WRONG_NUMBER and task.phone == case.callback_phone:
        _stop_texting_a_wrong_number(session, case)
    if risk_level is not None and task.kind == "risk_assessment_callback":
        case.risk_level = risk_level
    if task.kind == GRAFFITI_REMOVAL and is_report_task(task):
        case.next_update_due = None  # the graffiti is gone (or was): no fortnightly "we are working on it"
    if outcome == "removed" and may_text_now(session, case):
        queue_text(
            session,
            to=str(case.callback_phone),
            body=templates.graffiti_removed(case.reference),
            purpose="graffiti_removed",
            case_id=case.id,
            daytime_only=True,
        )
    session.commit()
    log.info("task %s for case %s completed: %s", task.id, case.reference, outcome)
    return follow_up


# A call task's outcome, as the case's contact log records the call (app/casework/contact_log.py).
CALL_IN_CONTACT_LOG = {
    "spoke_to_resident": REACHED,
    "resident_declined": REACHED,
    "no_answer": "no_answer",
    "wrong_number": "wrong_number",
}


def _log_the_contact(case: Case, task: Task, by: StaffMember | None) -> None:
    """A completed call task is a call in the case's contact log, and a letter or visit that reached the
    resident a visit, so nobody writes it down twice."""
    entry = ContactLogEntry(
        method="visit" if task.kind == LETTER_OR_VISIT else "call",
        direction="out",
        outcome=CALL_IN_CONTACT_LOG[str(task.outcome)],
        staff_id=by.id if by else task.assignee_id,
        note=f"{task.kind.replace('_', ' ').capitalize()} (task {task.id})",
        at=task.completed_at,
    )
    case.contact_log.append(entry)


def _stop_texting_a_wrong_number(session: Session, case: Case) -> None:
    """The resident's number reached somebody else: nothing more is texted to it (nor anything waiting to go)
    until staff record the right number; the letter or visit that follows reaches the resident instead."""
    case.contact_by_phone_only, case.phone_only_reason = True, WRONG_NUMBER
    hold_back_waiting_texts(session, case, WRONG_NUMBER, case.callback_phone)


def _follow_up(session: Session, task: Task, outcome: str) -> Task | None:
    if task.kind not in CALL_KINDS or outcome not in {"no_answer", "wrong_number"}:
        return None
    if outcome == "no_answer" and task.attempt < MAX_CALL_ATTEMPTS:
        return add_task(
            session,
            task.case,
            task.kind,
            f"attempt:{task.id}",
            next_attempt_due(now(), task.attempt),
            attempt=task.attempt + 1,
            assignee_id=task.assignee_id,
            priority=task.priority,
        )
    return add_task(
        session,
        task.case,
        LETTER_OR_VISIT,
        f"after:{task.id}",
        next_working_day_deadline(now()),
        assignee_id=task.assignee_id,
        note=f"Phone contact failed ({outcome.replace('_', ' ')}): write or visit.",
    )


def reassign(session: Session, task_id: int, to: StaffMember) -> Task:
    """A manager gives the task to another officer, who is told; the case's officer follows the risk-assessment
    callback (any attempt at it), not another task given to someone for cover (a visit, a letter)."""
    task = session.get(Task, task_id)
    if task is None or task.status != "open":
        raise TaskError(f"no open task {task_id}")
    if to.role != "officer" or not to.active:
        raise TaskError(f"{to.email} is not an active officer")
    task.assignee_id = to.id
    task.notified_at = None
    if task.case.officer_id is not None and task.kind == RISK_ASSESSMENT_CALLBACK:  # not cover for a visit or a letter
        task.case.officer_id = to.id
        announce_new_officer(session, task.case)
    session.flush()
    tell_owner_after_commit(session, task, f"assign-task-{task.id}-to-{to.id}")
    session.commit()
    return task


def shown_status(task: Task) -> str:
    """'overdue' once an open task is past its deadline, everywhere it is shown."""
    return "overdue" if task.status == "open" and task.due_at <= now() else task.status
