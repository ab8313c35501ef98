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
from app.jobs import QUEUE_NAME, RUN_JOB, JobName
from app.messaging.models import OutboundMessage

# The row each job's first id names, and how to get from it to a case.
ARGUMENT_ROWS: dict[str, type] = {
    JobName.SEND_TEXT: OutboundMessage,
    JobName.CONTINUE_CONVERSATION: TextConversation,
    JobName.ASSIGN_TASK: Task,
    JobName.CONTACT_FOR_UPDATE: Case,
}


@dataclass(frozen=True)
class FailedJob:
    job_id: str
    function: str
    case_reference: str | None
    error: str


def job_name(job: Job) -> str:
    """The registry's name for an RQ job (its first argument), or RQ's function name for any other job."""
    if job.func_name == RUN_JOB and job.args:
        return str(job.args[0])
    return job.func_name or "unknown"


def _case_reference(job: Job) -> str | None:
    row_type = ARGUMENT_ROWS.get(job_name(job))
    if row_type is None or len(job.args) < 2:
        return None
    row = db.session.get(row_type, job.args[1])
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
            FailedJob(job.id, job_name(job), _case_reference(job), (lines[-1] if lines else "unknown error")[:200])
        )
    return found
