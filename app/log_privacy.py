"""What gunicorn itself logs never carries a query string: a search for a phone number is one.

The access log writes paths only (the Procfile's `%(U)s`), but gunicorn's error log names the whole
request URI when a request fails inside a worker, a worker killed for taking too long among them:
`Error handling request GET /console/search?q=07911 123456`. This filter cuts any request URI in a
gunicorn log record down to its path.
"""

from __future__ import annotations

import logging
from typing import Any

GUNICORN_ERROR_LOG = "gunicorn.error"


class PathsOnly(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_path_only(argument) for argument in record.args)
        return True


def _path_only(argument: Any) -> Any:
    if isinstance(argument, str) and argument.startswith("/"):
        return argument.split("?", 1)[0]
    return argument


def keep_query_strings_out_of_gunicorns_log() -> None:
    """Once per worker (gunicorn.conf.py's `post_worker_init`), where gunicorn logs a failed request."""
    logger = logging.getLogger(GUNICORN_ERROR_LOG)
    if not any(isinstance(existing, PathsOnly) for existing in logger.filters):
        logger.addFilter(PathsOnly())
