"""The one seam through which the domain asks for background work.

Jobs are requested against a database session and enqueued only after that
session commits (never for a rolled-back change). A web request never talks
to Redis: its jobs go to a bounded in-process backlog that one background
thread per process hands to Redis (workers/ and the CLI enqueue directly).
After a Redis failure a circuit breaker skips that Redis for a while, so a
dead or hung Redis costs one timeout, not one per request; whatever is
skipped or dropped is still committed, and the periodic sweeps queue it.
The domain asks for a job by its `JobName`; the table of names to functions
is app/background/registry.py, which RQ reaches through one function,
`run_job(name, *args)`, so neither the domain nor this module imports a job.
"""

from __future__ import annotations

import atexit
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from flask import Flask, current_app, has_request_context
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from rq.exceptions import DuplicateJobError
from rq.job import Job, JobStatus
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.job_dispatch import Dispatcher

log = logging.getLogger(__name__)

QUEUE_NAME = "default"
REDIS_TIMEOUT_SECONDS = 2.0
# Every job here takes seconds (a send job drains for 5 s). The worker runs jobs in its own process and so
# cannot heartbeat during one: RQ counts a started job abandoned JOB_TIMEOUT + 60 s after it began.
JOB_TIMEOUT_SECONDS = 60
RUN_JOB = "app.background.registry.run_job"  # what every RQ job calls; checked at start-up by the registry
_PENDING_KEY = "jobs_after_commit"


class JobName(StrEnum):
    """Every background job, by the name the domain asks for it, `flask jobs` shows and RQ records."""

    SEND_TEXT = "send-text"
    SEND_EMAIL = "send-email"
    CONTINUE_CONVERSATION = "continue-conversation"
    ASSIGN_TASK = "assign-task"
    CONTACT_FOR_UPDATE = "contact-for-update"
    # periodic: run by the cron process and `flask jobs run NAME`
    OUTBOX = "outbox"
    TEXT_CONVERSATIONS = "text-conversations"
    REMINDERS = "reminders"
    PROGRESS_UPDATES = "progress-updates"
    INCOMPLETE_CALLS = "incomplete-calls"
    REVIEW_REMINDERS = "review-reminders"


@dataclass(frozen=True)
class JobRequest:
    name: JobName
    args: tuple[Any, ...]
    job_id: str
    at: datetime | None = None  # run no earlier than this (needs a worker running --with-scheduler)
    # The Redis key that names the latest job doing this one's work too while it waits in the queue (a
    # send job sends every text that is due): while that job waits, this request joins it instead of
    # queueing a job per row; once it has started, this request's job is queued and becomes the latest.
    covered_by: str | None = None
    # Carries on work already under way: queued ahead of every waiting job, never joining one.
    next_in_line: bool = False


def enqueue_after_commit(
    session: Session,
    name: JobName,
    *args: Any,
    job_id: str,
    at: datetime | None = None,
    covered_by: str | None = None,
) -> None:
    """Queue the job `name` with `args` (ids) once `session` commits. `job_id` must be deterministic.

    A job scheduled `at` a time is a convenience: the database holds the due
    time and a periodic sweep does the work if Redis loses the job.
    """
    session.info.setdefault(_PENDING_KEY, []).append(JobRequest(name, args, job_id, at, covered_by))


def connect(redis_url: str) -> Redis:
    """A Redis client that gives up after REDIS_TIMEOUT_SECONDS rather than hang with a frozen server."""
    return Redis.from_url(redis_url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS)


def enqueue(connection: Redis, requests: list[JobRequest]) -> int:
    """Enqueue each request; a job id already in Redis is left alone. Returns how many were new; raises RedisError."""
    queue = Queue(QUEUE_NAME, connection=connection)
    added = 0
    for request in requests:
        joins = request.covered_by is not None and not request.next_in_line
        if joins and _latest_waits(connection, str(request.covered_by)):
            continue  # that job starts after this request's rows were committed: it will do this work too
        try:
            call = (RUN_JOB, request.name.value, *request.args)
            options = {"job_id": request.job_id, "unique": True, "job_timeout": JOB_TIMEOUT_SECONDS}
            if request.at is None:
                queue.enqueue(*call, **options, at_front=request.next_in_line)
            else:
                queue.enqueue_at(request.at, *call, **options)
            added += 1
        except DuplicateJobError:
            continue
        if request.covered_by is not None:
            connection.set(request.covered_by, Job.key_for(request.job_id), ex=COVERING_JOB_KEPT_SECONDS)
    return added


COVERING_JOB_KEPT_SECONDS = 3600  # a job still queued after an hour has been lost: later requests queue their own


def _latest_waits(connection: Redis, latest: str) -> bool:
    """True while the job that the key `latest` names waits in the queue (two reads: which job, its status)."""
    job_key = connection.get(latest)  # the key of RQ's record of that job
    return job_key is not None and connection.hget(job_key, "status") == JobStatus.QUEUED.encode()


def carry_on(name: JobName, row_id: int, job_id: str, latest: str) -> JobRequest:
    """The job for `row_id` that carries on a drain out of time: ahead of every waiting job (the row's own
    job, if it has one, may be far back in the queue), under an id of its own, and the latest that later
    requests join."""
    return JobRequest(name, (row_id,), f"{job_id}-next", covered_by=latest, next_in_line=True)


def enqueue_now(redis_url: str, requests: list[JobRequest]) -> int:
    """Enqueue each request now, in this thread; Redis unreachable is logged, not raised. Returns how many were new.

    Jobs and the CLI call this after each commit: the client (and its connection pool) is kept per
    process and Redis URL, so a worker does not open a connection for every job it queues.
    """
    try:
        return enqueue(_process_client(redis_url), requests)
    except RedisError as error:
        log.warning(
            "could not reach Redis (%s); the sweep will queue job(s) %s",
            type(error).__name__,
            [r.job_id for r in requests],
        )
        return 0


_clients: dict[tuple[int, str], Redis] = {}


def _process_client(redis_url: str) -> Redis:
    """This process's client for `redis_url` (a forked child makes its own: sockets are never shared)."""
    key = (os.getpid(), redis_url)
    if key not in _clients:
        _clients[key] = connect(redis_url)
    return _clients[key]


dispatcher = Dispatcher(connect, enqueue)  # one per process: the web requests' way to Redis
atexit.register(dispatcher.drain, 2.0)  # a gunicorn worker stopping hands over what it holds, briefly


def init_app(app: Flask) -> None:
    """In tests, each request waits until its jobs are in Redis (or skipped), so a test can run the worker next."""
    if app.config.get("JOBS_WAIT_AFTER_REQUEST", app.testing):
        app.teardown_request(_wait_for_jobs)


def _wait_for_jobs(_error: BaseException | None) -> None:
    dispatcher.drain(10.0)


@event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session: Session) -> None:
    requests: list[JobRequest] = session.info.pop(_PENDING_KEY, [])
    if not requests:
        return
    redis_url = str(current_app.config["REDIS_URL"])
    if has_request_context():
        dispatcher.submit(redis_url, requests)
    else:
        enqueue_now(redis_url, requests)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)
