"""A worker killed mid-job (SIGKILL, OOM): RQ notices within minutes and the work is done again, once.

Slow by nature (RQ declares a job abandoned when its heartbeat lapses: 60 s after the forking
worker's last one, 120 s after it started under the Procfile's worker, which cannot heartbeat
mid-job), so it runs when RUN_SLOW_TESTS=1, as CI does on its PostgreSQL run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest
from rq import Queue
from rq.registry import FailedJobRegistry, StartedJobRegistry
from sqlalchemy import text

from app.background.sweeps import sweep_outbox
from app.extensions import make_engine
from tests.casework.test_fortnightly_updates import contacted_case, progress_texts
from tests.conftest import london
from tests.workers.real_worker import start_rq_worker
from tests.workers.test_confirmation_text import run_worker

pytestmark = pytest.mark.skipif(os.environ.get("RUN_SLOW_TESTS") != "1", reason="slow: set RUN_SLOW_TESTS=1")


def hold_the_case_row(url: str, case_id: int):
    """Another transaction holds the case, so the progress job blocks inside its own transaction."""
    engine = make_engine(url)
    connection = engine.connect()
    if engine.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.execute(text("SELECT id FROM cases WHERE id = :id FOR UPDATE"), {"id": case_id})
    return engine, connection


def kill_worker_and_work_horse(worker: subprocess.Popen[bytes]) -> None:
    """SIGKILL the worker and any child running the job (a forking worker puts it in a process group of its own;
    the Procfile's AppWorker runs the job in its own process)."""
    horses: list[str] = []
    deadline = time.monotonic() + 2
    while not horses and time.monotonic() < deadline:  # the job is marked started just before the fork
        horses = subprocess.run(["pgrep", "-P", str(worker.pid)], capture_output=True, text=True).stdout.split()
        time.sleep(0.1)
    for pid in [*horses, str(worker.pid)]:
        os.kill(int(pid), signal.SIGKILL)
    worker.wait(timeout=10)


def test_a_job_killed_with_its_worker_is_noticed_within_minutes_and_the_update_is_sent_once(
    app, officers, redis, twilio_api, at, settings
):
    case = contacted_case(app, redis, at)
    engine, lock = hold_the_case_row(settings["DATABASE_URL"], case.id)
    worker = None
    try:
        runner = app.test_cli_runner()
        runner.invoke(args=["jobs", "run", "progress-updates", "--as-of", london("2026-11-25 10:00").isoformat()])
        worker = start_rq_worker(settings, "--job-monitoring-interval", "10")
        queue = Queue("default", connection=redis)
        started = StartedJobRegistry(queue=queue)
        deadline = time.monotonic() + 30
        while started.count == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert started.count == 1, "the progress job is running (and blocked)"
        kill_worker_and_work_horse(worker)
        killed_at = time.monotonic()
    finally:
        lock.rollback()
        lock.close()
        engine.dispose()
        if worker is not None and worker.poll() is None:
            kill_worker_and_work_horse(worker)

    failed = FailedJobRegistry(queue=queue)
    while failed.count == 0 and time.monotonic() - killed_at < 180:
        sweep_outbox()  # what the `outbox` job does every minute
        time.sleep(5)
    noticed_after = time.monotonic() - killed_at
    assert failed.count == 1 and noticed_after < 150, f"noticed after {noticed_after:.0f} s"
    assert progress_texts(twilio_api) == []

    runner.invoke(args=["jobs", "run", "progress-updates", "--as-of", london("2026-11-25 10:15").isoformat()])
    with at("2026-11-25 10:15"):
        run_worker(app, redis)
    assert len(progress_texts(twilio_api)) == 1
