"""gunicorn's hooks for the `web` process (gunicorn reads ./gunicorn.conf.py; the Procfile runs from here).

The command line in the Procfile keeps the settings; this file only adds what a flag cannot.
"""

from __future__ import annotations

from typing import Any


def post_worker_init(worker: Any) -> None:
    """The worker has built the app: freeze its long-lived objects out of the garbage collector's way, and
    keep query strings (a searched phone number) out of what gunicorn logs of a failed request."""
    from app.log_privacy import keep_query_strings_out_of_gunicorns_log
    from app.long_lived import freeze_after_loading

    keep_query_strings_out_of_gunicorns_log()
    freeze_after_loading()
