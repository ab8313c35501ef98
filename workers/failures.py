"""What went wrong in the background: RQ's failed registry, named by case reference."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from redis import Redis
from rq import Queue
from rq.job import Job
from rq.registry import FailedJobRegistry

from app.casework.models import Case, Task, TextConversation
from app.extensions import db
from app.jobs import QUEUE_NAME
from app.messaging.models import OutboundMessage

# The row each job's first argument names, and how to get from it to a case.
ARGUMENT_ROWS: dict[str, type] = {
    "workers.texts.send_text": OutboundMessage,
    "workers.texts.continue_conversation": TextConversation,
    "workers.tasks.assign_task": Task,
    "workers.tasks.contact_for_update": Case,
}


@dataclass(frozen=True)
class FailedJob:
    job_id: str
    function: str
    case_reference: str | None
    error: str


def _case_reference(job: Job) -> str | None:
    row_type = ARGUMENT_ROWS.get(job.func_name)
    if row_type is None or not job.args:
        return None
    row = db.session.get(row_type, job.args[0])
    if row is None:
        return None
    case_id = row.id if isinstance(row, Case) else row.case_id
    case = db.session.get(Case, case_id) if case_id else None
    return case.reference if case else None


def failed_jobs() -> list[FailedJob]:
    queue = Queue(QUEUE_NAME, connection=Redis.from_url(str(current_app.config["REDIS_URL"])))
    registry = FailedJobRegistry(queue=queue)
    found = []
    for job in Job.fetch_many(registry.get_job_ids(), connection=queue.connection):
        if job is None:
            continue
        result = job.latest_result()
        lines = (result.exc_string or "").strip().splitlines() if result else []
        found.append(
            FailedJob(job.id, job.func_name, _case_reference(job), (lines[-1] if lines else "unknown error")[:200])
        )
    return found
