"""Every job runs inside the Flask app: `@job` makes sure of it.

Under the Procfile's worker (`--worker-class workers.worker.AppWorker`) the
app is built once per worker and each job already runs in its context, so
this does nothing. Run by a plain `rq worker`, a job builds the app itself,
once per process, instead of failing outside an app context.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import Flask, has_app_context

from app.extensions import db

P = ParamSpec("P")
R = TypeVar("R")

_app: Flask | None = None


def _process_app() -> Flask:
    global _app
    if _app is None:
        from app import create_app

        _app = create_app()
    return _app


def job(func: Callable[P, R]) -> Callable[P, R]:
    @wraps(func)
    def in_app(*args: P.args, **kwargs: P.kwargs) -> R:
        if has_app_context():
            return func(*args, **kwargs)
        with _process_app().app_context():
            try:
                return func(*args, **kwargs)
            finally:
                db.session.remove()

    return in_app
