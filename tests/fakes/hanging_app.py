"""A WSGI app whose every request outlasts gunicorn's timeout, as one waiting on a hung database does."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any


def app(_environ: dict[str, Any], _start_response: Callable[..., Any]) -> Iterable[bytes]:
    time.sleep(60)
    return [b""]
