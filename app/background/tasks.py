"""Jobs for tasks and the fortnightly updates: each takes an id and is safe to run twice."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from flask import current_app

from app.background.context import job
from app.background.texts import DRAIN_SECONDS
from app.casework import progress, tasks
from app.casework.tasks import Contact, Teams
from app.extensions import db
from app.jobs import JobName, JobRequest, enqueue_now

log = logging.getLogger(__name__)
DRAIN_BATCH = 100  # untold tasks read at a time while draining


def teams() -> Teams:
    config = current_app.config
    return Teams(
        cleansing=Contact(config["CLEANSING_TEAM_MOBILE"] or None, config["CLEANSING_TEAM_EMAIL"] or None),
        cleansing_manager=Contact(
            config["CLEANSING_MANAGER_MOBILE"] or None, config["CLEANSING_MANAGER_EMAIL"] or None
        ),
        email_enabled=bool(config["SMTP_HOST"]),
    )


@job
def assign_task(task_id: int) -> bool:
    """Give a new task its owner and tell them (and the duty manager for high risk); then the same for every
    other task whose owner is still untold, for up to DRAIN_SECONDS (tasks that joined this job while it
    waited have no job of their own). Each task is claimed before its owner is told, so two jobs draining
    at once tell each owner once."""
    told = tasks.assign(db.session(), task_id, teams())
    tell_untold_owners(time.monotonic() + DRAIN_SECONDS)
    return told


def tell_untold_owners(until: float) -> int:
    """Assign untold tasks, oldest first, until none is left or `until` (monotonic) passes; a job for the next
    carries on when time runs out. A task that fails is logged and left to the reminders sweep."""
    told = 0
    while time.monotonic() < until:
        batch = tasks.untold_task_ids(db.session(), older_than=timedelta(0), limit=DRAIN_BATCH)
        if not batch:
            return told
        for task_id in batch:
            if time.monotonic() >= until:
                break
            try:
                told += tasks.assign(db.session(), task_id, teams())
            except Exception:
                db.session.rollback()
                log.exception("task %s: its owner could not be told; the reminders sweep tries again", task_id)
                return told
    if rest := tasks.untold_task_ids(db.session(), older_than=timedelta(0), limit=1):
        request = JobRequest(JobName.ASSIGN_TASK, (rest[0],), tasks.assign_job_id(rest[0]))
        enqueue_now(str(current_app.config["REDIS_URL"]), [request])
    return told


@job
def contact_for_update(case_id: int, selected_at: str) -> str:
    """Send one case its fortnightly update by the agreed method (`selected_at`: ISO time of the run)."""
    return progress.contact_for_update(db.session(), case_id, datetime.fromisoformat(selected_at))
