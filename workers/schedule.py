"""Every periodic job, in one place: read by `rq cron` (workers/cron.py) and `flask jobs`.

Each job is idempotent, so two schedulers enqueuing it twice do no harm.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from workers import sweeps


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func: Callable[[], object]
    every_seconds: int
    purpose: str


PERIODIC_JOBS = (
    PeriodicJob(
        "outbox", sweeps.sweep_outbox, 60, "queue texts that are due: never queued (Redis was down) or waiting to retry"
    ),
    PeriodicJob(
        "text-conversations",
        sweeps.close_idle_conversations,
        60,
        "text the next question where a scheduled one was lost; close conversations idle for 24 hours",
    ),
    PeriodicJob(
        "reminders",
        sweeps.send_reminders,
        60,
        "tell owners whose notification job was lost; noon reminders on the due day; escalation at the deadline",
    ),
    PeriodicJob(
        "progress-updates",
        sweeps.queue_progress_updates,
        900,
        "from 10:00 on working days, contact every open case due its fortnightly update (once per due date)",
    ),
    PeriodicJob(
        "incomplete-calls",
        sweeps.close_abandoned_calls,
        300,
        "turn calls whose status callback never came into incomplete cases",
    ),
)


def job_named(name: str) -> PeriodicJob:
    for job in PERIODIC_JOBS:
        if job.name == name:
            return job
    raise KeyError(name)
