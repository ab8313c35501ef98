"""A private `redis-server` for outage tests: stopped, started again and frozen at will.

Never the machine's shared Redis: it listens on a unix socket in its own
temp dir, with persistence on and `noeviction`, as operators are told to run
it. `stop()` is a clean shutdown (it saves), `freeze()` is SIGSTOP: a Redis
that hangs rather than refuses, as a network partition would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from devtools.embedded_redis import redis_server_binary


class RedisServer:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.socket_path = directory / "redis.sock"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    def start(self, timeout: float = 10.0) -> RedisServer:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                redis_server_binary(),
                *("--port", "0", "--unixsocket", str(self.socket_path), "--unixsocketperm", "700"),
                *("--appendonly", "yes", "--maxmemory-policy", "noeviction"),
                *("--dir", str(self.directory), "--loglevel", "warning"),
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if Redis(unix_socket_path=str(self.socket_path)).ping():
                    return self
            except (RedisConnectionError, FileNotFoundError):
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        os.kill(process.pid, signal.SIGCONT)  # a frozen server must be able to hear SIGTERM
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def freeze(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGCONT)
