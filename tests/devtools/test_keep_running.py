"""`make run` keeps the line answering when a background process dies: the worker is started again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from app.config import PROJECT_ROOT
from tests.devtools.test_run_local import UNSET, free_port, wait_for


def descendants(pid: int) -> list[int]:
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    found = [int(child) for child in children]
    return found + [grandchild for child in found for grandchild in descendants(child)]


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def worker_pid(run_local: int) -> int | None:
    """The `python -m workers.run worker` process that this `make run` started (not its scheduler's fork)."""
    pids = [pid for pid in descendants(run_local) if "-m workers.run worker" in command_line(pid)]
    return pids[0] if pids else None  # parents come before their children


def test_make_run_starts_a_killed_worker_again_and_web_keeps_answering(tmp_path: Path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env.update(INSTANCE_PATH=str(tmp_path), PORT=str(port))
    output = tmp_path / "make-run.txt"
    with output.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "devtools.run_local"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(lambda: requests.get(f"{base}/", timeout=2).ok, 30)
        first = wait_for(lambda: worker_pid(process.pid), 30)
        os.kill(first, signal.SIGKILL)  # as the OOM killer would
        killed_at = time.monotonic()
        second = wait_for(lambda: (pid := worker_pid(process.pid)) != first and pid, 30)
        print(f"\nworker started again {time.monotonic() - killed_at:.1f} s after it was killed")
        for _ in range(10):  # web was never stopped
            assert requests.get(f"{base}/", timeout=2).ok
            time.sleep(0.2)
        assert process.poll() is None and worker_pid(process.pid) == second
        assert "worker: exited with code -9; starting it again" in output.read_text()
    finally:
        os.killpg(process.pid, signal.SIGINT)
        code = process.wait(timeout=30)
    shown = output.read_text()
    assert code == 0, shown[-3000:]
    assert shown.rstrip().endswith("stopped the project's own Redis"), "Redis stops last, after every process"
