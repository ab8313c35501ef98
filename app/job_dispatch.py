"""Off the request path: one thread per process hands jobs to Redis, behind a circuit breaker.

A webhook's latency must not depend on Redis. `Dispatcher.submit` only puts
the batch on a bounded in-memory backlog and returns; a daemon thread does
the Redis round trips. After a failure the breaker for that Redis stays open
for BREAKER_OPEN_SECONDS and batches are skipped without a connection
attempt: they are committed rows, which the periodic sweeps queue anyway.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from redis import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

BACKLOG_LIMIT = 1000  # batches; beyond that a batch is dropped (the sweeps queue it)
BREAKER_OPEN_SECONDS = 30.0


class CircuitBreaker:
    """Closed: try Redis. Open for `open_seconds` after a failure: don't. Then one batch tries again."""

    def __init__(self, open_seconds: float = BREAKER_OPEN_SECONDS) -> None:
        self.open_seconds = open_seconds
        self.open_until = 0.0
        self.skipped = 0  # batches not tried since the breaker opened

    @property
    def is_open(self) -> bool:
        return time.monotonic() < self.open_until

    def trip(self) -> None:
        self.open_until = time.monotonic() + self.open_seconds

    def reset(self) -> int:
        """Close the breaker; returns how many batches were skipped while it was open."""
        skipped, self.open_until, self.skipped = self.skipped, 0.0, 0
        return skipped


class Dispatcher:
    def __init__(self, connect: Callable[[str], Redis], enqueue: Callable[[Redis, list[Any]], int]) -> None:
        self._connect = connect
        self._enqueue = enqueue
        self._lock = threading.Lock()
        self._pid = 0
        self._backlog: queue.Queue[tuple[str, list[Any]]] = queue.Queue(BACKLOG_LIMIT)
        self._connections: dict[str, Redis] = {}
        self.breakers: dict[str, CircuitBreaker] = {}

    def submit(self, redis_url: str, requests: list[Any]) -> None:
        """Hand `requests` to the background thread; never blocks, never touches Redis."""
        self._ensure_thread()
        try:
            self._backlog.put_nowait((redis_url, requests))
        except queue.Full:
            log.warning("job backlog full; the sweeps will queue job(s) %s", [r.job_id for r in requests])

    def drain(self, timeout: float) -> bool:
        """Wait until every submitted batch is in Redis or skipped; False if `timeout` ran out first."""
        backlog = self._backlog
        with backlog.all_tasks_done:
            return backlog.all_tasks_done.wait_for(lambda: backlog.unfinished_tasks == 0, timeout)

    def _ensure_thread(self) -> None:
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid != os.getpid():  # first use in this process (or a forked copy: threads don't survive fork)
                self._backlog = queue.Queue(BACKLOG_LIMIT)
                self._connections, self.breakers = {}, {}
                threading.Thread(target=self._run, name="job-dispatch", daemon=True).start()
                self._pid = os.getpid()

    def _run(self) -> None:
        backlog = self._backlog
        while True:
            redis_url, requests = backlog.get()
            try:
                self._dispatch(redis_url, requests)
            except Exception:  # the thread must outlive any one batch
                log.exception("could not hand job(s) to Redis; the sweeps will queue them")
            finally:
                backlog.task_done()

    def _dispatch(self, redis_url: str, requests: list[Any]) -> None:
        breaker = self.breakers.setdefault(redis_url, CircuitBreaker())
        if breaker.is_open:
            breaker.skipped += 1
            return
        if redis_url not in self._connections:
            self._connections[redis_url] = self._connect(redis_url)
        try:
            self._enqueue(self._connections[redis_url], requests)
        except RedisError as error:
            breaker.trip()
            log.warning(
                "could not reach Redis (%s): not trying again for %.0f s; the sweeps will queue job(s) %s",
                type(error).__name__,
                breaker.open_seconds,
                [r.job_id for r in requests],
            )
            return
        skipped = breaker.reset()
        if skipped:
            log.info("Redis is back; the sweeps queue the %s batch(es) of jobs skipped while it was away", skipped)
