"""Jobs for tasks and the fortnightly updates: each takes an id and is safe to run twice."""

from __future__ import annotations

import logging
import time
from datetime import datetime

from flask import current_app

from app.background.context import job
from app.casework import progress, tasks
from app.casework.tasks import Contact, Teams
from app.extensions import db
from app.jobs import JobName, carry_on, enqueue_now

log = logging.getLogger(__name__)


def teams() -> Teams:
    config = current_app.config
    return Teams(
        cleansing=Contact(config["CLEANSING_TEAM_MOBILE"] or None, config["CLEANSING_TEAM_EMAIL"] or None),
        cleansing_manager=Contact(
            config["CLEANSING_MANAGER_MOBILE"] or None, config["CLEANSING_MANAGER_EMAIL"] or None
        ),
        email_enabled=bool(config["SMTP_HOST"]),
    )


DRAIN_SECONDS = 5.0  # after its own task, a job tells the owners of other untold tasks for at most this long


@job
def assign_task(task_id: int) -> bool:
    """Give a new task its owner and tell them (and the duty managers for high risk), then do the same for
    every other task whose owner has not been told, for up to DRAIN_SECONDS: tasks added while this job
    waited joined it rather than each queueing a job of its own (app/jobs.py)."""
    try:
        return tasks.assign(db.session(), task_id, teams())
    finally:  # even when this task failed: the tasks that joined this job still reach their owners
        db.session.rollback()
        tell_untold_owners(time.monotonic() + DRAIN_SECONDS)


def tell_untold_owners(until: float) -> int:
    """Assign untold tasks, oldest first, until none is left or `until` (monotonic) passes; returns how many.

    A task that cannot be assigned (an error) is logged by id and passed over here; its own job and the
    reminders sweep try it again, and its own job fails where the failure shows. When time runs out with
    tasks still untold, a job for the next one carries on ahead of the queue.
    """
    session = db.session()
    passed_over: set[int] = set()
    told = 0
    while time.monotonic() < until:
        task_id = tasks.next_untold_task(session, passed_over)
        if task_id is None:
            session.commit()
            return told
        try:
            told += tasks.assign(session, task_id, teams())
        except Exception:  # one task that cannot be assigned must not keep the others from their owners
            session.rollback()
            passed_over.add(task_id)
            log.exception("task %s: its owner could not be told; left for its own job or the sweep", task_id)
    waiting = tasks.next_untold_task(session, passed_over)
    session.commit()
    if waiting is not None:
        next_job = carry_on(JobName.ASSIGN_TASK, waiting, f"assign-task-{waiting}", tasks.LATEST_ASSIGN_JOB)
        enqueue_now(str(current_app.config["REDIS_URL"]), [next_job])
    return told


@job
def contact_for_update(case_id: int, selected_at: str) -> str:
    """Send one case its fortnightly update by the agreed method (`selected_at`: ISO time of the run)."""
    return progress.contact_for_update(db.session(), case_id, datetime.fromisoformat(selected_at))
