"""The worker classes: the Procfile's worker (`python -m workers.run worker`) runs an AppWorker,
and `rq worker --worker-class workers.worker.AppWorker` works too.

It builds the Flask app once per worker process; each job (see
workers/context.py) runs in that app's context.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from rq import SimpleWorker, Worker

from app import create_app
from app.background.context import use_app


class AppWorker(Worker):
    def __init__(self, *args: Any, app: Flask | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        use_app(app or create_app())


class InProcessAppWorker(SimpleWorker):
    """Runs jobs in this process (no fork): for tests."""

    def __init__(self, *args: Any, app: Flask | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        use_app(app or create_app())
