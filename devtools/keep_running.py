"""`make run`'s process manager for one Procfile process: start it again whenever it exits.

honcho stops every process as soon as one exits, so a crashed worker or cron
would take web down with it and the line would refuse calls. Under `make run`
honcho starts `python -m devtools.keep_running worker` (and `cron`) instead,
which runs the Procfile's command and restarts it with back-off. SIGTERM or
SIGINT (honcho stopping, Ctrl-C) is passed on and ends the loop. Production's
process manager does the same job (see the README's Reliability section).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from datetime import datetime
from types import FrameType

from app.config import PROJECT_ROOT

FIRST_PAUSE_SECONDS = 1.0
LONGEST_PAUSE_SECONDS = 30.0
RAN_LONG_ENOUGH_SECONDS = 60.0  # a process that ran this long starts again after the shortest pause


def procfile_command(name: str) -> str:
    for line in (PROJECT_ROOT / "Procfile").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return line.split(":", 1)[1].strip()
    raise SystemExit(f"no process named {name!r} in the Procfile")


def say(name: str, message: str) -> None:
    print(f"{datetime.now():%H:%M:%S} {name}: {message}", flush=True)


def keep_running(name: str, command: str) -> int:
    stopping = threading.Event()
    child: subprocess.Popen[bytes] | None = None

    def stop(signum: int, _frame: FrameType | None) -> None:
        stopping.set()
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    pause = FIRST_PAUSE_SECONDS
    while not stopping.is_set():
        started = time.monotonic()
        child = subprocess.Popen(["sh", "-c", command], cwd=PROJECT_ROOT)
        code = child.wait()
        if stopping.is_set():
            break
        if time.monotonic() - started >= RAN_LONG_ENOUGH_SECONDS:
            pause = FIRST_PAUSE_SECONDS
        say(name, f"exited with code {code}; starting it again in {pause:.0f} s")
        if stopping.wait(pause):
            break
        pause = min(pause * 2, LONGEST_PAUSE_SECONDS)
    return 0


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m devtools.keep_running PROCESS", file=sys.stderr)
        return 2
    return keep_running(argv[0], procfile_command(argv[0]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
