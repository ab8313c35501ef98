"""Riding out a Redis outage: capped exponential back-off, one log line a minute, and a note when it ends."""

from __future__ import annotations

import logging
import threading
import time

from redis import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

FIRST_PAUSE_SECONDS = 0.5
LONGEST_PAUSE_SECONDS = 10.0  # Redis back is noticed within this, so the sweeps catch up promptly
LOG_EVERY_SECONDS = 60.0


class RedisOutage:
    """What one process knows about Redis being away: since when, the next pause, the last log line."""

    def __init__(self, process: str) -> None:
        self.process = process
        self.began: float | None = None
        self.pause = FIRST_PAUSE_SECONDS
        self.logged_at = 0.0

    def failed(self, error: Exception) -> float:
        """Redis failed us: log (at most once a minute) and return how long to wait before trying again."""
        moment = time.monotonic()
        if self.began is None:
            self.began, self.pause, self.logged_at = moment, FIRST_PAUSE_SECONDS, moment
            log.warning("%s: Redis unreachable (%s); retrying with back-off", self.process, type(error).__name__)
        elif moment - self.logged_at >= LOG_EVERY_SECONDS:
            self.logged_at = moment
            log.warning("%s: Redis still unreachable after %.0f s", self.process, moment - self.began)
        pause, self.pause = self.pause, min(self.pause * 2, LONGEST_PAUSE_SECONDS)
        return pause

    def over(self) -> None:
        """Redis answered: log how long it was away, once."""
        if self.began is not None:
            log.warning("%s: Redis is back after %.0f s; carrying on", self.process, time.monotonic() - self.began)
            self.began = None

    def wait_until_back(self, connection: Redis, stopping: threading.Event) -> bool:
        """Ping with back-off until Redis answers (True) or the process is asked to stop (False)."""
        while True:
            try:
                connection.ping()
            except RedisError as error:
                if stopping.wait(self.failed(error)):
                    return False
                continue
            self.over()
            return True


class OncePerMinute(logging.Filter):
    """For RQ's own loggers: its retry loops log every attempt; let one 'could not connect' a minute through."""

    def __init__(self) -> None:
        super().__init__()
        self.passed_at = -LOG_EVERY_SECONDS

    def filter(self, record: logging.LogRecord) -> bool:
        if "could not connect to Redis" not in str(record.msg):
            return True
        if time.monotonic() - self.passed_at < LOG_EVERY_SECONDS:
            return False
        self.passed_at = time.monotonic()
        return True
