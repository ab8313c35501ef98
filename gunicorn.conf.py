"""gunicorn's hooks for the `web` process (gunicorn reads ./gunicorn.conf.py; the Procfile runs from here).

The command line in the Procfile keeps the settings; this file only adds what a flag cannot.
"""

from __future__ import annotations

from typing import Any


def post_worker_init(worker: Any) -> None:
    """The worker has built the app: freeze its long-lived objects out of the garbage collector's way."""
    from app.long_lived import freeze_after_loading

    freeze_after_loading()
