"""Every background job, in one table: its name, its function, and for periodic jobs how often.

The domain asks for a job by `JobName` (app/jobs.py) and never imports this
module; RQ runs every job as `run_job(name, *ids)`, which looks the name up
here. `check_registry` is run when the app starts, like the flows' validation:
a name without a function, or a function without a name, stops the app.
`rq cron`, the Procfile's cron and `flask jobs` all read PERIODIC_JOBS.
Each job is idempotent, so two schedulers enqueuing it twice do no harm.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app import jobs
from app.background import sweeps, tasks, texts
from app.jobs import JobName


@dataclass(frozen=True)
class Job:
    name: JobName
    func: Callable[..., object]
    purpose: str
    every_seconds: int | None = None  # periodic jobs only


JOBS = (
    Job(JobName.SEND_TEXT, texts.send_text, "send one outbox text (a phone task instead if it fails for good)"),
    Job(JobName.SEND_EMAIL, texts.send_email, "send one staff email from the outbox"),
    Job(JobName.CONTINUE_CONVERSATION, texts.continue_conversation, "text the next question once the resident stops"),
    Job(JobName.ASSIGN_TASK, tasks.assign_task, "give a new task its owner and tell them"),
    Job(JobName.CONTACT_FOR_UPDATE, tasks.contact_for_update, "send one case its fortnightly update"),
    Job(
        JobName.OUTBOX,
        sweeps.sweep_outbox,
        "queue texts that are due: never queued (Redis was down) or waiting to retry",
        every_seconds=60,
    ),
    Job(
        JobName.TEXT_CONVERSATIONS,
        sweeps.close_idle_conversations,
        "text the next question where a scheduled one was lost; close conversations idle for 24 hours",
        every_seconds=60,
    ),
    Job(
        JobName.REMINDERS,
        sweeps.send_reminders,
        "tell owners whose notification job was lost; noon reminders on the due day; escalation at the deadline",
        every_seconds=60,
    ),
    Job(
        JobName.PROGRESS_UPDATES,
        sweeps.queue_progress_updates,
        "from 10:00 on working days, contact every open case due its fortnightly update (once per due date)",
        every_seconds=900,
    ),
    Job(
        JobName.INCOMPLETE_CALLS,
        sweeps.close_abandoned_calls,
        "turn calls whose status callback never came into incomplete cases",
        every_seconds=300,
    ),
    Job(
        JobName.REVIEW_REMINDERS,
        sweeps.remind_overdue_reviews,
        "tell the officer's manager (else the duty managers), once, of a fortnightly case review past its date",
        every_seconds=300,
    ),
)

BY_NAME = {job.name: job for job in JOBS}
PERIODIC_JOBS = tuple(job for job in JOBS if job.every_seconds is not None)


def run_job(name: str, *args: Any) -> object:
    """What RQ calls for every job: the named job's function with its ids."""
    return BY_NAME[JobName(name)].func(*args)


def job_named(name: str) -> Job:
    """The job called `name`; KeyError if there is none."""
    try:
        return BY_NAME[JobName(name)]
    except ValueError as error:
        raise KeyError(name) from error


def check_registry() -> None:
    """Every JobName has exactly one function, and RQ's entry point is this module's run_job."""
    names = [job.name for job in JOBS]
    missing = set(JobName) - set(names)
    doubled = {name for name in names if names.count(name) > 1}
    if missing or doubled:
        raise RuntimeError(f"job registry: no function for {sorted(missing)}; listed twice: {sorted(doubled)}")
    if f"{run_job.__module__}.{run_job.__qualname__}" != jobs.RUN_JOB:
        raise RuntimeError(f"job registry: app.jobs.RUN_JOB names {jobs.RUN_JOB}, not this module's run_job")
