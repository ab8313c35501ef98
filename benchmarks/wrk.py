"""Signed request files, and wrk to replay them (benchmarks/wrk_requests.lua).

wrk cannot compute Twilio's HMAC-SHA1 signature, so every request is signed
here beforehand and written one per line; the Lua script cycles through them
and checks each response.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.servers import PROJECT_ROOT

LUA_SCRIPT = PROJECT_ROOT / "benchmarks" / "wrk_requests.lua"
THREADS = 1
CONNECTIONS = 16
MARKER = "@bench "
SAMPLE_SEPARATOR = "\x1e"


def describe_settings(seconds: float) -> str:
    return f"wrk -t{THREADS} -c{CONNECTIONS} -d{seconds:g}s --latency"


@dataclass(frozen=True)
class Signed:
    """One request as wrk sends it: the path, its body, and the header that proves who sent it."""

    path: str
    content_type: str
    header: tuple[str, str]
    body: str

    def line(self) -> str:
        fields = (self.path, self.content_type, *self.header, self.body)
        if any(("\t" in field or "\n" in field) for field in fields):
            raise ValueError("a request field holds a tab or a newline")
        return "\t".join(fields)


def write_requests(path: Path, requests: Iterable[Signed]) -> int:
    """Write the requests for wrk_requests.lua; returns how many."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for request in requests:
            out.write(request.line() + "\n")
            count += 1
    return count


@dataclass(frozen=True)
class Expect:
    """What a good response is: status, Content-Type (without parameters), and a fragment of the body."""

    status: int
    content_type: str
    fragment: str


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    bad_answers: int
    socket_errors: int  # connect, read, write and timeout (wrk's own --timeout is 2 s)
    laps: int  # how often the request file was started again from its first line
    samples: tuple[str, ...]

    @property
    def errors(self) -> int:
        return self.bad_answers + self.socket_errors

    @property
    def per_second(self) -> float:
        """Good answers per second: errors do not count as throughput."""
        return max(0, self.requests - self.bad_answers) / self.seconds if self.seconds > 0 else 0.0


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    return found


def run_wrk(base_url: str, requests_file: Path, expect: Expect, seconds: float) -> WrkResult:
    """Replay `requests_file` against `base_url` for `seconds`."""
    command = [
        wrk_path(),
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds:g}s",
        "--latency",
        "-s",
        str(LUA_SCRIPT),
        base_url,
        "--",
        str(requests_file),
        str(expect.status),
        expect.content_type,
        expect.fragment,
    ]
    finished = subprocess.run(command, capture_output=True, text=True, errors="replace", timeout=seconds + 60)
    values = dict(
        line[len(MARKER) :].partition("=")[::2] for line in finished.stdout.splitlines() if line.startswith(MARKER)
    )
    if finished.returncode != 0 or "requests" not in values:
        raise RuntimeError(f"wrk failed ({finished.returncode}):\n{finished.stdout[-2000:]}{finished.stderr[-2000:]}")
    return WrkResult(
        requests=int(values["requests"]),
        seconds=int(values["duration_us"]) / 1e6,
        p50_ms=int(values["p50_us"]) / 1000,
        p99_ms=int(values["p99_us"]) / 1000,
        bad_answers=int(values["bad"]),
        socket_errors=sum(int(values[kind]) for kind in ("connect", "read", "write", "timeout")),
        laps=int(values["laps"]),
        samples=tuple(sample for sample in values.get("samples", "").split(SAMPLE_SEPARATOR) if sample),
    )
