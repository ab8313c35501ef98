"""Load the voice webhooks under gunicorn and compare them with a bare Flask route.

    .venv/bin/python -m benchmarks.voice_webhook [--seconds 8] [--concurrency 8] [--workers 2]

(`make bench` runs it with the defaults.) Both apps run under the same
gunicorn settings as the Procfile's web process (`--workers N --timeout 12`,
bound to 127.0.0.1, no access log), one after the other:

* the real app, `app:create_app()`, loaded with Twilio-signed requests to
  - `POST /twilio/voice`, a new call each request, and
  - one report step, `POST /twilio/voice/step/report/danger_now?attempt=1`
    with Digits=2, across a pool of calls started beforehand (untimed);
    answering the same step again is idempotent, and no two client threads
    share a call;
* `benchmarks.bare_app:app`, a Flask route returning static TwiML, loaded
  with the same request shape as `POST /twilio/voice`.

It prints requests, errors, requests per second and p50/p99 latency per
scenario, then the real app's figures as a ratio of the bare route's. Every
response must be 200 text/xml *and* the TwiML the flow should give (the app
answers errors with a 200 apology, so the status alone proves nothing);
anything else is counted as an error and shown.

Everything lives in a temporary directory removed on exit: the SQLite
database (unless DATABASE_URL is set, which is then migrated and used),
the instance path and gunicorn's log. REDIS_URL points at a socket nobody
listens on, because no voice webhook touches Redis. Only 127.0.0.1 is
contacted. The load generator runs on the same machine as gunicorn, so on a
small machine it takes CPU from the server; the ratio is the figure to
compare between runs, not the absolute requests per second.
"""

from __future__ import annotations

import argparse
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import requests
from twilio.request_validator import RequestValidator

PROJECT_ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
AUTH_TOKEN = "bench-auth-token-0123456789abcdef"
SECRET_KEY = "bench-secret-key"
ACCOUNT_SID = "AC" + "1" * 32
RESIDENT = "+447911123456"
LINE = "+441214647269"
REAL_APP = "app:create_app()"
BARE_APP = "benchmarks.bare_app:app"
WARM_UP_SECONDS = 1.0
CALLS_PER_THREAD = 25  # the report-step pool: each client thread answers its own calls
REQUEST_TIMEOUT = 15.0  # longer than gunicorn's --timeout 12, so a killed worker shows as an error

MAIN_MENU = "/twilio/voice/step/main/menu?attempt=1"
REPORT_STEP = "/twilio/voice/step/report/danger_now?attempt=1"
NEXT_REPORT_STEP = "/twilio/voice/step/report/happened_before?attempt=1"


# -- requests as Twilio sends them ------------------------------------------------


def new_call_sid() -> str:
    return "CA" + secrets.token_hex(16)


def twilio_form(call_sid: str, **extra: str) -> dict[str, str]:
    return {
        "CallSid": call_sid,
        "AccountSid": ACCOUNT_SID,
        "From": RESIDENT,
        "To": LINE,
        "Direction": "inbound",
        "CallStatus": "in-progress",
        "ApiVersion": "2010-04-01",
        **extra,
    }


@dataclass(frozen=True)
class Request:
    url: str
    form: dict[str, str]
    expect: str  # a fragment the right TwiML contains (and an apology would not)


@dataclass
class Client:
    """One simulated Twilio connection: a requests.Session that signs like Twilio."""

    validator: RequestValidator = field(default_factory=lambda: RequestValidator(AUTH_TOKEN))
    session: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self) -> None:
        self.session.trust_env = False  # no proxies from the environment: traffic stays on 127.0.0.1

    def send(self, request: Request) -> tuple[float, str | None]:
        """Post one signed request; the latency in seconds and what was wrong, if anything."""
        headers = {"X-Twilio-Signature": self.validator.compute_signature(request.url, request.form)}
        started = time.perf_counter()
        try:
            response = self.session.post(request.url, data=request.form, headers=headers, timeout=REQUEST_TIMEOUT)
            body = response.text
        except requests.RequestException as error:
            return time.perf_counter() - started, f"{type(error).__name__}: {error}"[:200]
        latency = time.perf_counter() - started
        mimetype = response.headers.get("Content-Type", "").split(";")[0].strip()
        if response.status_code != 200 or mimetype != "text/xml":
            return latency, f"HTTP {response.status_code} {mimetype or 'no content type'}: {body[:160]!r}"
        if request.expect not in body:
            return latency, f"unexpected TwiML (wanted {request.expect}): {body[:160]!r}"
        return latency, None

    def close(self) -> None:
        self.session.close()


# -- gunicorn -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class Gunicorn:
    """One gunicorn master (and its workers) in its own process group."""

    def __init__(self, target: str, workers: int, env: dict[str, str], log_path: Path) -> None:
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
            "--bind",
            f"{HOST}:{self.port}",
            "--timeout",
            "12",
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
            session.trust_env = False
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

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no gunicorn log)"


@contextmanager
def serving(
    target: str, workers: int, env: dict[str, str], log_path: Path, running: list[Gunicorn]
) -> Iterator[Gunicorn]:
    server = Gunicorn(target, workers, env, log_path)
    running.append(server)  # registered before start, so an interrupt during start-up still stops it
    try:
        yield server.start()
    finally:
        server.stop()


# -- load ---------------------------------------------------------------------------


@dataclass
class Result:
    scenario: str
    latencies: list[float]
    errors: Counter[str]
    elapsed: float

    @property
    def requests(self) -> int:
        return len(self.latencies) + sum(self.errors.values())

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed > 0 else 0.0

    def percentile_ms(self, fraction: float) -> float:
        """Nearest-rank percentile of the successful requests, in milliseconds."""
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)] * 1000


def run_load(
    scenario: str, next_request: Callable[[int], Request], concurrency: int, seconds: float, stop: threading.Event
) -> Result:
    """`concurrency` threads post back to back for `seconds`; thread i asks next_request(i) each time."""
    barrier = threading.Barrier(concurrency + 1)
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors: list[Counter[str]] = [Counter() for _ in range(concurrency)]
    finished = [0.0] * concurrency
    window: dict[str, float] = {}

    def worker(index: int) -> None:
        client = Client()
        try:
            barrier.wait()
            deadline = window["deadline"]
            while not stop.is_set() and time.perf_counter() < deadline:
                latency, error = client.send(next_request(index))
                if error is None:
                    latencies[index].append(latency)
                else:
                    errors[index][error] += 1
        finally:
            finished[index] = time.perf_counter()
            client.close()

    threads = [threading.Thread(target=worker, args=(i,), name=f"bench-{i}", daemon=True) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    window["start"] = time.perf_counter()
    window["deadline"] = window["start"] + seconds
    barrier.wait()
    for thread in threads:
        while thread.is_alive():
            thread.join(timeout=0.5)
    all_errors: Counter[str] = Counter()
    for counter in errors:
        all_errors.update(counter)
    return Result(scenario, [x for chunk in latencies for x in chunk], all_errors, max(finished) - window["start"])


def new_call(base_url: str) -> Callable[[int], Request]:
    url = f"{base_url}/twilio/voice"
    return lambda _index: Request(url, twilio_form(new_call_sid()), MAIN_MENU)


def report_step(base_url: str, pool: list[list[str]]) -> Callable[[int], Request]:
    url = f"{base_url}{REPORT_STEP}"
    turns = [0] * len(pool)

    def next_request(index: int) -> Request:
        calls = pool[index]
        call_sid = calls[turns[index] % len(calls)]
        turns[index] += 1
        return Request(url, twilio_form(call_sid, Digits="2"), NEXT_REPORT_STEP)

    return next_request


def start_calls(base_url: str, concurrency: int, per_thread: int) -> list[list[str]]:
    """Dial `per_thread` calls for each client thread (untimed): the report step's pool."""
    pool: list[list[str]] = [[] for _ in range(concurrency)]
    failures: Counter[str] = Counter()

    def dial(index: int) -> None:
        client = Client()
        try:
            for _ in range(per_thread):
                call_sid = new_call_sid()
                _latency, error = client.send(Request(f"{base_url}/twilio/voice", twilio_form(call_sid), MAIN_MENU))
                if error is None:
                    pool[index].append(call_sid)
                else:
                    failures[error] += 1
        finally:
            client.close()

    threads = [threading.Thread(target=dial, args=(i,), daemon=True) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        while thread.is_alive():
            thread.join(timeout=0.5)
    if failures or any(not calls for calls in pool):
        raise RuntimeError("could not start the calls for the report step:\n" + format_errors(failures))
    return pool


def measure(
    scenario: str, next_request: Callable[[int], Request], args: argparse.Namespace, stop: threading.Event
) -> Result:
    print(f"  {scenario}: warming up {WARM_UP_SECONDS:.0f}s, measuring {args.seconds:g}s", flush=True)
    run_load(scenario, next_request, args.concurrency, WARM_UP_SECONDS, stop)
    return run_load(scenario, next_request, args.concurrency, args.seconds, stop)


# -- report -------------------------------------------------------------------------


def format_errors(errors: Counter[str], limit: int = 5) -> str:
    shown = [f"    {count:>6} x {error}" for error, count in errors.most_common(limit)]
    if len(errors) > limit:
        shown.append(f"    ... and {len(errors) - limit} other kinds")
    return "\n".join(shown)


def print_report(results: list[Result], bare: Result, real: list[Result]) -> None:
    width = max(len(r.scenario) for r in results)
    print()
    print(f"{'scenario':<{width}}  {'requests':>8}  {'errors':>6}  {'req/s':>8}  {'p50 ms':>7}  {'p99 ms':>7}")
    for r in results:
        print(
            f"{r.scenario:<{width}}  {r.requests:>8}  {sum(r.errors.values()):>6}  {r.per_second:>8.1f}  "
            f"{r.percentile_ms(0.50):>7.2f}  {r.percentile_ms(0.99):>7.2f}"
        )
    print()
    print(f"real app / bare route ({bare.scenario}):")
    for r in real:
        throughput = r.per_second / bare.per_second if bare.per_second else math.nan
        p50 = r.percentile_ms(0.50) / bare.percentile_ms(0.50)
        p99 = r.percentile_ms(0.99) / bare.percentile_ms(0.99)
        print(f"  {r.scenario:<{width}}  req/s x{throughput:.2f}   p50 x{p50:.2f}   p99 x{p99:.2f}")
    for r in results:
        if r.errors:
            print(f"\nerrors in {r.scenario}:\n{format_errors(r.errors)}")


# -- main ---------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.voice_webhook", description=__doc__.split("\n\n")[0])

    def positive(kind: type) -> Callable[[str], Any]:
        def check(text: str) -> Any:
            value = kind(text)
            if value <= 0:
                raise argparse.ArgumentTypeError(f"must be positive, not {text}")
            return value

        return check

    parser.add_argument("--seconds", type=positive(float), default=8.0, help="measured seconds per scenario (8)")
    parser.add_argument("--concurrency", type=positive(int), default=8, help="client threads posting at once (8)")
    parser.add_argument("--workers", type=positive(int), default=2, help="gunicorn --workers for both apps (2)")
    return parser.parse_args(argv)


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stop = threading.Event()
    running: list[Gunicorn] = []
    temp = Path(tempfile.mkdtemp(prefix="hatecrime-bench-"))
    previous_term = signal.signal(signal.SIGTERM, _interrupt)
    try:
        database_url = os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{temp / 'bench.sqlite3'}"
        env = {key: value for key, value in os.environ.items() if key != "GUNICORN_CMD_ARGS"}
        env.update(
            {
                "DATABASE_URL": database_url,
                "INSTANCE_PATH": str(temp),
                "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
                "TWILIO_ACCOUNT_SID": ACCOUNT_SID,  # the app refuses webhooks that name another account
                "SECRET_KEY": SECRET_KEY,
                "REDIS_URL": f"unix://{temp / 'no-redis-here.sock'}",  # the voice webhooks never touch Redis
            }
        )
        os.environ["INSTANCE_PATH"] = str(temp)  # before app.config is imported: nothing written to the checkout

        from sqlalchemy.engine import make_url

        from app.migrate import upgrade

        print(f"database: {make_url(database_url).render_as_string(hide_password=True)}")
        print(
            f"gunicorn: --workers {args.workers} --bind {HOST}:<port> --timeout 12 (no access log); "
            f"client: {args.concurrency} threads; {os.cpu_count()} CPUs shared by client and server",
            flush=True,
        )
        upgrade(database_url)

        log_path = temp / "gunicorn.log"
        with serving(REAL_APP, args.workers, env, log_path, running) as real_app:
            print(f"{REAL_APP} on {real_app.base_url}", flush=True)
            voice = measure("app  POST /twilio/voice (new call)", new_call(real_app.base_url), args, stop)
            pool = start_calls(real_app.base_url, args.concurrency, CALLS_PER_THREAD)
            answer_step = report_step(real_app.base_url, pool)
            step = measure("app  POST .../report/danger_now (Digits=2)", answer_step, args, stop)
        with serving(BARE_APP, args.workers, env, log_path, running) as bare_app:
            print(f"{BARE_APP} on {bare_app.base_url}", flush=True)
            bare = measure("bare POST /twilio/voice (static TwiML)", new_call(bare_app.base_url), args, stop)

        print_report([bare, voice, step], bare, [voice, step])
        return 1 if any(r.errors for r in (bare, voice, step)) else 0
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except RuntimeError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not leave gunicorn behind
        stop.set()
        for server in running:
            server.stop()
        shutil.rmtree(temp, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous_term)
        signal.signal(signal.SIGINT, signal.default_int_handler)


if __name__ == "__main__":
    sys.exit(main())
