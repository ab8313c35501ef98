"""The worker class: the Procfile's worker (`python -m workers.run worker`) runs an AppWorker,
and `rq worker --worker-class workers.worker.AppWorker` works too.

It builds the Flask app once per worker process and runs each job in that
process (RQ's SimpleWorker): no fork and no new database connection per job,
which RQ's default worker pays for every text (about 70 ms a job). What the
fork bought is kept another way: a job that raises is failed by RQ as
before; a job that overruns its timeout is stopped by RQ's alarm; a worker
killed mid-job (SIGKILL, OOM) leaves its claimed outbox row `uncertain`
(never sent twice) and its job is failed by the outbox sweep, and the
process manager starts the worker again.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from rq import Queue, SimpleWorker
from rq.job import Job

from app import create_app
from app.background.context import use_app
from app.log_privacy import without_row_values


class AppWorker(SimpleWorker):
    def __init__(self, *args: Any, app: Flask | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        use_app(app or create_app())

    def handle_job_failure(self, job: Job, queue: Queue, *args: Any, **kwargs: Any) -> None:
        """As RQ does, but the failure it keeps in Redis never quotes a database row's values."""
        if "exc_string" in kwargs:
            kwargs["exc_string"] = without_row_values(kwargs["exc_string"])
        super().handle_job_failure(job, queue, *args, **kwargs)
