"""What the logs never carry: a query string (a search for a phone number is one), nor the values of a
database row.

PostgreSQL's own error detail names the row's values, whatever SQLAlchemy's `hide_parameters` hides
("DETAIL:  Key (phone)=(+447911123456) already exists.", "Failing row contains (...)"):
`without_row_values` cuts them from a log record, and from the failure RQ keeps of a job in Redis.

The access log writes paths only (the Procfile's `%(U)s`), but gunicorn's error log names the whole
request URI when a request fails inside a worker, a worker killed for taking too long among them:
`Error handling request GET /console/search?q=07911 123456`. This filter cuts any request URI in a
gunicorn log record down to its path.
"""

from __future__ import annotations

import logging
import re
from typing import Any

GUNICORN_ERROR_LOG = "gunicorn.error"
GUNICORN_ACCESS_LOG = "gunicorn.access"


class PathsOnly(logging.Filter):
    """Paths without query strings, and a survey's link without its token (the one key to a resident's
    survey): in gunicorn's error log (arguments in a tuple) and its access log (atoms in a dict)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_path_only(argument) for argument in record.args)
        elif isinstance(record.args, dict):
            record.args = {name: _path_only(value) for name, value in record.args.items()}
        return True


_SURVEY_TOKEN = re.compile(r"^/survey/[^/?]+")


def _path_only(argument: Any) -> Any:
    if isinstance(argument, str) and argument.startswith("/"):
        return _SURVEY_TOKEN.sub("/survey/<token>", argument.split("?", 1)[0])
    return argument


def keep_query_strings_out_of_gunicorns_log() -> None:
    """Once per worker (gunicorn.conf.py's `post_worker_init`): where gunicorn logs a failed request, and
    every request."""
    for logger in map(logging.getLogger, (GUNICORN_ERROR_LOG, GUNICORN_ACCESS_LOG)):
        if not any(isinstance(existing, PathsOnly) for existing in logger.filters):
            logger.addFilter(PathsOnly())


_ROW_VALUES = re.compile(r"(Key \(.*?\)=|Failing row contains ).*")


def without_row_values(text: str) -> str:
    """`text` with every value a database error's detail quotes cut out."""
    return _ROW_VALUES.sub(lambda match: f"{match.group(1)}(values not logged)", text)


class NoRowValues(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit the message: logging itself reports it
            return True
        if _ROW_VALUES.search(message):
            record.msg, record.args = without_row_values(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = without_row_values(record.exc_text)
        return True


def keep_row_values_out_of_logs(*loggers: str) -> None:
    """On every handler of the root logger, and on `loggers` (RQ's worker logs through a handler of its own)."""
    for where in [*logging.getLogger().handlers, *(logging.getLogger(name) for name in loggers)]:
        if not any(isinstance(existing, NoRowValues) for existing in where.filters):
            where.addFilter(NoRowValues())
