"""The Procfile's worker and cron: `python -m workers.run worker` and `python -m workers.run cron`.

Both outlive a Redis outage of any length. RQ 3.0's own processes exit when
Redis goes away mid-job (`rq worker`) or at the next tick (`rq cron`); here
the worker's loop is started again once Redis answers, and the schedule is
our own small loop over RQ's CronScheduler that waits instead of exiting.
Either logs the outage once a minute (workers/outage.py). SIGTERM or SIGINT
stops them: the worker after the job in hand, as `rq worker` does.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from contextlib import suppress
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq.cron import CronScheduler

from app import create_app
from app.background.registry import PERIODIC_JOBS, run_job
from app.config import Config, is_set
from app.jobs import QUEUE_NAME
from workers.outage import LONGEST_PAUSE_SECONDS, OncePerMinute, RedisOutage
from workers.worker import AppWorker

log = logging.getLogger(__name__)

WORKER_TTL = 60
JOB_MONITORING_INTERVAL = 10  # a killed worker's job is noticed 70 s after its last heartbeat
CRON_JOB_TIMEOUT = 600


class SupervisedWorker(AppWorker):
    max_connection_wait_time = LONGEST_PAUSE_SECONDS  # RQ's own reconnect loop when idle: notice Redis back soon

    def __init__(self, *args: Any, stopping: threading.Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stopping = stopping

    def request_stop(self, signum: int, frame: Any) -> None:
        self.stopping.set()  # RQ raises StopRequested when idle without saying so: remember it was asked
        super().request_stop(signum, frame)  # type: ignore[no-untyped-call]  # RQ leaves this one unannotated


def run_worker(redis_url: str, stopping: threading.Event) -> None:
    """`rq worker --with-scheduler default`, started again after it quits for want of Redis."""
    app = create_app()
    outage = RedisOutage("worker")
    while not stopping.is_set():
        connection = Redis.from_url(redis_url, socket_connect_timeout=5)
        worker = SupervisedWorker(
            [QUEUE_NAME],
            connection=connection,
            app=app,
            worker_ttl=WORKER_TTL,
            job_monitoring_interval=JOB_MONITORING_INTERVAL,
            stopping=stopping,
        )
        try:
            worker.work(with_scheduler=True)
        except RedisError:
            pass  # from start-up or from registering its death: RQ has logged what stopped its loop
        finally:
            listen_for_stop(stopping)
            release(worker, stopping)
        if not stopping.wait(1.0):  # a worker that quits at once for another reason is not restarted in a hot loop
            outage.wait_until_back(connection, stopping)
        connection.close()


def release(worker: SupervisedWorker, stopping: threading.Event) -> None:
    """What RQ leaves running when Redis fails under it: the job's work horse (finished, never doubled),
    the scheduler process and the command listener thread (stopped)."""
    horse = worker.horse_pid
    while horse and not stopping.is_set():
        with suppress(ChildProcessError):
            if os.waitpid(horse, os.WNOHANG)[0] == 0:
                stopping.wait(0.5)
                continue
        break
    if worker.scheduler is not None and worker.scheduler._process is not None and worker.scheduler._process.is_alive():
        worker.stop_scheduler()
    listener = getattr(worker, "pubsub_thread", None)
    if listener is not None and listener.is_alive():
        listener.stop()
        listener.join(timeout=5)


def run_cron(redis_url: str, stopping: threading.Event) -> None:
    """Enqueue each periodic job when due; while Redis is away, wait for it (due jobs run when it returns)."""
    connection = Redis.from_url(redis_url, socket_timeout=10, socket_connect_timeout=5)
    scheduler = CronScheduler(connection=connection)
    register_periodic_jobs(scheduler)
    outage = RedisOutage("cron")
    born = False
    while not stopping.is_set():
        try:
            if not born:
                scheduler.register_birth()
                born = True
            if scheduler.enqueue_jobs():
                scheduler.save()
            scheduler.heartbeat()
        except RedisError as error:
            stopping.wait(outage.failed(error))
            continue
        outage.over()
        stopping.wait(scheduler.calculate_sleep_interval())
    with suppress(RedisError):
        scheduler.register_death()


def register_periodic_jobs(scheduler: Any) -> None:
    """Put every periodic job of the registry on `scheduler` (a CronScheduler, or `rq.cron` itself)."""
    for periodic in PERIODIC_JOBS:
        scheduler.register(
            run_job,
            QUEUE_NAME,
            args=(periodic.name.value,),
            interval=periodic.every_seconds,
            name=periodic.name.value,
            job_timeout=CRON_JOB_TIMEOUT,
        )


def listen_for_stop(stopping: threading.Event) -> None:
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda _signum, _frame: stopping.set())


def main(argv: list[str]) -> int:
    processes = {"worker": run_worker, "cron": run_cron}
    if len(argv) != 1 or argv[0] not in processes:
        print("usage: python -m workers.run worker|cron", file=sys.stderr)
        return 2
    if not is_set("REDIS_URL"):
        print("set REDIS_URL: the worker and cron must use the Redis the web process uses", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in ("rq.worker", "rq.scheduler"):
        logging.getLogger(name).addFilter(OncePerMinute())
    stopping = threading.Event()
    listen_for_stop(stopping)
    processes[argv[0]](Config.from_environment().REDIS_URL, stopping)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
