"""A real `rq worker` process on the test database and Redis, as the Procfile runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any


def start_rq_worker(settings: dict[str, Any], *options: str) -> subprocess.Popen[bytes]:
    """`rq worker --worker-class workers.worker.AppWorker OPTIONS default`, configured from the test settings."""
    env = {**os.environ, **{k: str(v) for k, v in settings.items() if isinstance(v, str)}}
    rq = os.path.join(os.path.dirname(sys.executable), "rq")
    return subprocess.Popen(
        [
            rq,
            "worker",
            "--url",
            settings["REDIS_URL"],
            "--worker-class",
            "workers.worker.AppWorker",
            *options,
            "default",
        ],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
