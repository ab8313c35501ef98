"""Gunicorn for the benchmarks: one master and its workers per app, in their own process group."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import requests

PROJECT_ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
REAL_APP = "app:create_app()"
WORKERS = 2
TIMEOUT_SECONDS = 12
# The one set of settings every scenario runs under; gunicorn writes no access log unless asked to.
# No control socket: every gunicorn on the machine would share the default path in the home directory.
GUNICORN_SETTINGS = ("--worker-class", "sync", "--timeout", str(TIMEOUT_SECONDS), "--no-control-socket")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def describe_settings() -> str:
    return f"gunicorn --workers {WORKERS} {' '.join(GUNICORN_SETTINGS)} --bind {HOST}:<port> (no access log)"


class Gunicorn:
    """One gunicorn master (and its workers) in its own process group.

    The port is chosen on construction, so requests can be signed for
    `base_url` (which is also the app's PUBLIC_BASE_URL) before it starts.
    The benchmarks keep `workers` at WORKERS; tests/test_jobs.py serves the
    app with this class too, as the Procfile's web process runs it.
    """

    def __init__(self, target: str, env: dict[str, str], log_path: Path, workers: int = WORKERS) -> None:
        self.target = target
        self.workers = workers
        self.port = free_port()
        self.base_url = f"http://{HOST}:{self.port}"
        self.env = {**env, "PUBLIC_BASE_URL": self.base_url}
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(self.workers),
            *GUNICORN_SETTINGS,
            "--bind",
            f"{HOST}:{self.port}",
            self.target,
        ]

    def start(self) -> Gunicorn:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=PROJECT_ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_until_answering()
        return self

    def wait_until_answering(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        with requests.Session() as session:
            session.trust_env = False  # no proxies from the environment: traffic stays on 127.0.0.1
            while time.monotonic() < deadline:
                if self.process is None or self.process.poll() is not None:
                    raise RuntimeError(f"gunicorn {self.target} exited during start-up:\n{self.log_tail()}")
                try:
                    session.get(f"{self.base_url}/", timeout=5)  # any HTTP answer will do
                    return
                except requests.RequestException:
                    time.sleep(0.1)
        raise RuntimeError(
            f"gunicorn {self.target} did not answer on {self.base_url} within {timeout:.0f}s:\n{self.log_tail()}"
        )

    @property
    def process_group(self) -> int:
        """The group of the master and its workers (started in a session of its own)."""
        if self.process is None:
            raise RuntimeError(f"gunicorn {self.target} is not running")
        return self.process.pid

    def check_alive(self) -> None:
        if self.process is None or self.process.poll() is not None:
            raise RuntimeError(f"gunicorn {self.target} died:\n{self.log_tail()}")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)  # the group is this master and its workers only
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)

    def log_tail(self, lines: int = 30, skip_info: bool = False) -> str:
        """The end of gunicorn's log (the app logs a line or two per request at INFO: `skip_info` leaves them out)."""
        try:
            logged = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no gunicorn log)"
        return "\n".join([line for line in logged if not (skip_info and " INFO " in line)][-lines:])


@contextmanager
def serving(server: Gunicorn, running: list[Gunicorn]) -> Iterator[Gunicorn]:
    """Start `server` and stop it on leaving; `running` lets a signal handler stop it too."""
    running.append(server)  # registered before start, so an interrupt during start-up still stops it
    try:
        yield server.start()
    finally:
        server.stop()
