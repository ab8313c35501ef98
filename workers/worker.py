"""The worker entry point: `rq worker --worker-class workers.worker.AppWorker`.

The Flask app is built once per worker process; each job runs inside its
app context, in a forked child whose inherited database connections are
discarded first (a pooled connection must never be shared across fork).
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from rq import SimpleWorker, Worker

from app import create_app
from app.extensions import db


class AppContextMixin:
    app: Flask
    runs_jobs_in_fork = True

    def _build_app(self, app: Flask | None) -> None:
        self.app = app or create_app()

    def perform_job(self, job: Any, queue: Any, execution: Any) -> bool:
        with self.app.app_context():
            if self.runs_jobs_in_fork:
                db.engine.dispose(close=False)
            try:
                return super().perform_job(job, queue, execution)  # type: ignore[misc]
            finally:
                db.session.remove()


class AppWorker(AppContextMixin, Worker):
    def __init__(self, *args: Any, app: Flask | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._build_app(app)


class InProcessAppWorker(AppContextMixin, SimpleWorker):
    """Runs jobs in this process (no fork): for tests and `flask jobs work`."""

    runs_jobs_in_fork = False

    def __init__(self, *args: Any, app: Flask | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._build_app(app)
