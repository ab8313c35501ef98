"""Every job runs inside the Flask app: `@job` makes sure of it.

The Procfile's worker (`python -m workers.run worker`, an AppWorker) builds the
app once and hands it over with `use_app`; a plain `rq worker` leaves it to
the first job, once per process. A job running in a forked work horse first
drops the database connections it inherited: a pooled connection must never
be shared across fork. Inside an app context already (tests, `flask jobs
run`), a job just runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import Flask, has_app_context

from app.extensions import db

P = ParamSpec("P")
R = TypeVar("R")

_app: Flask | None = None
_connections_belong_to: int | None = None  # the process whose connections the app's pool holds


def use_app(app: Flask) -> None:
    global _app, _connections_belong_to
    _app, _connections_belong_to = app, os.getpid()


def _process_app() -> Flask:
    if _app is None:
        from app import create_app

        use_app(create_app())
    assert _app is not None
    return _app


def job(func: Callable[P, R]) -> Callable[P, R]:
    @wraps(func)
    def in_app(*args: P.args, **kwargs: P.kwargs) -> R:
        global _connections_belong_to
        if has_app_context():
            return func(*args, **kwargs)
        with _process_app().app_context():
            if _connections_belong_to != os.getpid():
                db.engine.dispose(close=False)
                _connections_belong_to = os.getpid()
            try:
                return func(*args, **kwargs)
            finally:
                db.session.remove()

    return in_app
