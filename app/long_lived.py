"""Keeping the garbage collector off the objects a web process keeps for its whole life.

A built app holds about 126,000 long-lived objects (modules, routes, SQLAlchemy mappers, Jinja
templates). Every full collection walks all of them: about 60 ms of CPU on these machines, landing
on whichever request allocated enough to trigger it (the console's busiest pages, every few requests).
`gc.freeze()` moves them to a generation the collector never scans; what requests create is still
collected as usual.
"""

from __future__ import annotations

import gc


def freeze_after_loading() -> None:
    """Once the app is built (a gunicorn worker's `post_worker_init`): collect what loading left, then freeze."""
    gc.collect()
    gc.freeze()
