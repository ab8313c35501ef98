"""Load the app's webhooks and API with wrk under gunicorn, against a floor and a bare route.

    .venv/bin/python -m benchmarks.webhooks [--seconds 10]

(`make bench` runs it with the defaults; it needs `wrk` on the PATH.) Every
scenario runs under the same gunicorn settings (`--workers 2 --worker-class
sync --timeout 12`, bound to 127.0.0.1, no access log) and the same load,
`wrk -t1 -c16 -d<seconds>s --latency`, after a 2 s warm-up:

* bare: `benchmarks.bare_app:app`, a Flask route returning static TwiML;
* floor: `benchmarks.floor_app:create_app()`, which checks the Twilio
  signature, inserts the call with SQLAlchemy Core, commits and returns the
  same TwiML: the least any persisted webhook pays. It is measured again
  after the app's scenarios: bound by the disk's flushes, whose speed drifts
  over minutes on a shared machine, it is shown twice, the ratios use the
  mean, and the report says when the two differ by more than 15%;
* voice: the app's `POST /twilio/voice`, a new call (a new CallSid) each request;
* step: the app's `POST /twilio/voice/step/report/danger_now?attempt=1` with
  Digits=2, cycling through a pool of calls dialled and taken into the report
  flow (main menu, 1) beforehand, untimed; answering the step again is
  idempotent, and consecutive requests name different calls;
* api: the app's `POST /api/v1/reports` (JSON) with an `integration` account's
  bearer token, each request opening a case. The API's rate limits
  (API_LIMIT_PER_ADDRESS, API_LIMIT_PER_TOKEN) are raised out of reach for
  the run: the limiter still counts in Redis as in production, but never refuses.

The Twilio requests are signed here (wrk cannot compute the HMAC-SHA1) for
the server's URL, which is also its PUBLIC_BASE_URL, and replayed by
benchmarks/wrk_requests.lua. A response counts only if it has the right
status, Content-Type and a fragment of the right answer (the app answers a
failed webhook with a 200 apology); anything else, and any socket error or
wrk timeout (2 s), is an error, shown per scenario. req/s counts good answers.
Every request names a new call except in the step and api scenarios, which
cycle through theirs.

wrk and gunicorn share the machine's CPUs with whatever else runs on it, and
on a shared machine that is often a lot: while measuring, the CPU taken by
other processes is recorded (`others`); above 10% of a CPU the scenario is
measured again, three times at most, and the least disturbed run is shown.

Everything lives in a temporary directory removed on exit: the SQLite
database (unless DATABASE_URL is set: a scratch database whose name starts
with "bench", emptied and migrated first, which keeps the rows the run adds),
the instance path, the request files and gunicorn's logs. REDIS_URL is taken
from the environment, else redis://127.0.0.1:6379/14, the benchmark's own,
flushed at the start and the end (the api scenario queues jobs no worker runs).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from urllib.parse import urlencode

import requests
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import MetaData, create_engine, text
from sqlalchemy.engine import make_url
from twilio.request_validator import RequestValidator

from benchmarks import floor_app, servers, wrk
from benchmarks.cpu import OtherCpu
from benchmarks.servers import PROJECT_ROOT, REAL_APP, Gunicorn, serving
from benchmarks.wrk import Expect, Signed, WrkResult, run_wrk, write_requests

AUTH_TOKEN = "bench-auth-token-0123456789abcdef"
SECRET_KEY = "bench-secret-key"
ACCOUNT_SID = "AC" + "1" * 32
RESIDENT = "+447400123456"  # a UK mobile, as most callers have (+447911 1... is a Guernsey one)
LINE = "+441214647269"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
BARE_APP = "benchmarks.bare_app:app"
FLOOR_APP = "benchmarks.floor_app:create_app()"
WARM_UP_SECONDS = 2.0
# New calls signed per second of load: above what each app answers here, so no request is sent twice.
RATE_CEILING = {BARE_APP: 8000, FLOOR_APP: 3000, REAL_APP: 2000}
# Other processes taking more than this fraction of a CPU while measuring disturb the figures:
# the measurement is taken again, up to MAX_ATTEMPTS times in all, and the least disturbed kept.
DISTURBED = 0.10
MAX_ATTEMPTS = 3
CALLS_PER_CONNECTION = 32  # the report step's pool: 512 calls
UNREACHABLE_LIMIT = "1000000/minute"
SPARE_REQUESTS = 100  # signed beyond ceiling x seconds

VOICE = "/twilio/voice"
MAIN_MENU = "/twilio/voice/step/main/menu?attempt=1"
REPORT_STEP = "/twilio/voice/step/report/danger_now?attempt=1"
NEXT_REPORT_STEP = "/twilio/voice/step/report/happened_before?attempt=1"
API_REPORTS = "/api/v1/reports"
# How the step's calls reach it: each request (path, keys pressed) and the question its answer asks next.
DIAL_INTO_THE_REPORT: tuple[tuple[str, dict[str, str], str], ...] = (
    (VOICE, {}, MAIN_MENU),
    (MAIN_MENU, {"Digits": "1"}, REPORT_STEP),
)
API_PAYLOAD = {"caller_phone": RESIDENT, "description": "Abuse shouted in the street", "safe_to_text": False}

# -- requests as Twilio (and the website) send them ----------------------------------


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


def signed(validator: RequestValidator, base_url: str, path: str, form: dict[str, str]) -> Signed:
    signature = validator.compute_signature(f"{base_url}{path}", form)
    return Signed(path, "application/x-www-form-urlencoded", ("X-Twilio-Signature", signature), urlencode(form))


def new_calls(base_url: str, count: int) -> Iterator[Signed]:
    validator = RequestValidator(AUTH_TOKEN)
    for _ in range(count):
        yield signed(validator, base_url, VOICE, twilio_form(new_call_sid()))


def report_steps(base_url: str, pool: list[str]) -> Iterator[Signed]:
    validator = RequestValidator(AUTH_TOKEN)
    for call_sid in pool:
        yield signed(validator, base_url, REPORT_STEP, twilio_form(call_sid, Digits="2"))


def api_reports(token: str) -> Iterator[Signed]:
    """One request, repeated: every report is a new case whatever its words."""
    body = json.dumps(API_PAYLOAD, separators=(",", ":"))
    yield Signed(API_REPORTS, "application/json", ("Authorization", f"Bearer {token}"), body)


def start_calls(base_url: str, per_connection: int) -> list[str]:
    """Dial calls and press 1 at the main menu (untimed), `per_connection` per wrk connection: the step's pool."""
    validator = RequestValidator(AUTH_TOKEN)

    def post(session: requests.Session, path: str, form: dict[str, str], expect: str) -> None:
        request = signed(validator, base_url, path, form)
        response = session.post(
            f"{base_url}{path}",
            data=request.body,
            headers={"Content-Type": request.content_type, request.header[0]: request.header[1]},
            timeout=15,
        )
        if response.status_code != 200 or expect not in response.text:
            raise RuntimeError(f"could not start a call: HTTP {response.status_code} {response.text[:200]!r}")

    def dial(calls: int) -> list[str]:
        with requests.Session() as session:
            session.trust_env = False  # no proxies from the environment: traffic stays on 127.0.0.1
            started = []
            for _ in range(calls):
                call_sid = new_call_sid()
                for path, digits, leads_to in DIAL_INTO_THE_REPORT:
                    post(session, path, twilio_form(call_sid, **digits), leads_to)
                started.append(call_sid)
            return started

    with ThreadPoolExecutor(wrk.CONNECTIONS) as clients:
        chunks = list(clients.map(dial, [per_connection] * wrk.CONNECTIONS))
    # Interleaved, so that consecutive requests (the ones in flight together) name different calls.
    return [call for turn in zip(*chunks, strict=True) for call in turn]


# -- scenarios -------------------------------------------------------------------------


@dataclass(frozen=True)
class Goal:
    of_floor: float
    p99_ms: float | None = None

    def describe(self) -> str:
        p99 = f", p99 < {self.p99_ms:g} ms" if self.p99_ms is not None else ""
        return f">= {self.of_floor:g}x floor{p99}"

    def met(self, result: WrkResult, floor_per_second: float) -> bool:
        fast_enough = self.p99_ms is None or result.p99_ms < self.p99_ms
        return result.errors == 0 and result.per_second >= self.of_floor * floor_per_second and fast_enough


@dataclass(frozen=True)
class Scenario:
    name: str
    label: str
    expect: Expect
    distinct: bool  # every request must be new (a new CallSid): the request file must not run out
    goal: Goal | None = None


TWIML = "text/xml"
MENU_ANSWER = Expect(200, TWIML, MAIN_MENU)  # the greeting's Gather, which the apology does not have
BARE = Scenario("bare", "Flask route, static TwiML", MENU_ANSWER, distinct=True)
FLOOR = Scenario("floor", "signature check, INSERT, commit, static TwiML", MENU_ANSWER, distinct=True)
FLOOR_AGAIN = Scenario("floor", "the same, again after the app's scenarios", MENU_ANSWER, distinct=True)
NEW_CALL = Scenario("voice", "POST /twilio/voice (a new call)", MENU_ANSWER, True, Goal(0.8, p99_ms=50))
REPORT_ANSWER = Expect(200, TWIML, NEXT_REPORT_STEP)
ANSWER_STEP = Scenario("step", "POST .../report/danger_now (Digits=2)", REPORT_ANSWER, False, Goal(0.8, p99_ms=50))
API_ANSWER = Expect(201, "application/json", '"reference"')
API_REPORT = Scenario("api", "POST /api/v1/reports (JSON, a new case)", API_ANSWER, False, Goal(0.5))


@dataclass(frozen=True)
class Measured:
    scenario: Scenario
    result: WrkResult
    others_cpu: float  # CPU other processes took while measuring, as a fraction of one CPU
    notes: tuple[str, ...]
    log_tail: str  # gunicorn's log, when there were errors


# Seconds of load -> a file of requests enough for them: new calls are signed afresh each time,
# a cycle (the report step's pool, the API's one request) is the same file again.
RequestSource = Callable[[float], Path]


def prepare(path: Path, requests_: Iterable[Signed]) -> Path:
    write_requests(path, requests_)
    return path


def signing_new_calls(temp: Path, name: str, base_url: str, per_second: int) -> RequestSource:
    files = itertools.count(1)

    def more(seconds: float) -> Path:
        path = temp / f"{name}-{next(files)}.requests"
        return prepare(path, new_calls(base_url, int(per_second * seconds) + SPARE_REQUESTS))

    return more


def cycling(path: Path) -> RequestSource:
    return lambda _seconds: path


def postgres_database(database_url: str) -> str | None:
    """The database's name if it is PostgreSQL's: its backends are the workload's, not others'."""
    url = make_url(database_url)
    return url.database if url.get_backend_name() == "postgresql" else None


def measure(server: Gunicorn, scenario: Scenario, source: RequestSource, seconds: float) -> Measured:
    """Warm up, then measure; measure again (at most MAX_ATTEMPTS in all) while others take the CPUs."""
    warm_up, first = source(WARM_UP_SECONDS), source(seconds)
    print(f"  {scenario.name}: warming up {WARM_UP_SECONDS:g}s, measuring {seconds:g}s", flush=True)
    warm = run_wrk(server.base_url, warm_up, scenario.expect, WARM_UP_SECONDS)
    attempts: list[tuple[float, WrkResult]] = []
    while len(attempts) < MAX_ATTEMPTS:
        requests_file = source(seconds) if attempts else first
        others = OtherCpu({os.getpgrp(), server.process_group}, postgres_database(server.env["DATABASE_URL"]))
        others.start()
        result = run_wrk(server.base_url, requests_file, scenario.expect, seconds)
        attempts.append((others.stop() / result.seconds if result.seconds > 0 else 0.0, result))
        server.check_alive()
        if attempts[-1][0] <= DISTURBED:
            break
        print(f"    other processes took {attempts[-1][0]:.0%} of a CPU meanwhile", flush=True)
    others_cpu, result = min(attempts, key=lambda attempt: attempt[0])
    notes = []
    if warm.errors:
        notes.append(f"{warm.errors} errors during the warm-up")
    if scenario.distinct and (warm.laps or result.laps):
        notes.append("ran out of signed requests and sent some twice: raise RATE_CEILING")
    if len(attempts) > 1:
        notes.append(f"measured {len(attempts)} times (others took the CPUs); the least disturbed is shown")
    log_tail = server.log_tail(20, skip_info=True) if warm.errors or result.errors else ""
    return Measured(scenario, result, others_cpu, tuple(notes), log_tail)


def run_static_app(
    scenario: Scenario, target: str, env: dict[str, str], temp: Path, seconds: float, running: list[Gunicorn]
) -> Measured:
    server = Gunicorn(target, env, temp / f"gunicorn-{scenario.name}.log")
    calls = signing_new_calls(temp, scenario.name, server.base_url, RATE_CEILING[target])
    with serving(server, running):
        print(f"{target} on {server.base_url}", flush=True)
        return measure(server, scenario, calls, seconds)


def run_real_app(
    env: dict[str, str], token: str, temp: Path, seconds: float, running: list[Gunicorn]
) -> list[Measured]:
    server = Gunicorn(REAL_APP, env, temp / "gunicorn-app.log")
    calls = signing_new_calls(temp, NEW_CALL.name, server.base_url, RATE_CEILING[REAL_APP])
    reports = cycling(prepare(temp / "api.requests", api_reports(token)))
    with serving(server, running):
        print(f"{REAL_APP} on {server.base_url}", flush=True)
        measured = [measure(server, NEW_CALL, calls, seconds)]
        print(
            f"  step: dialling {CALLS_PER_CONNECTION * wrk.CONNECTIONS} calls into the report flow (untimed)",
            flush=True,
        )
        pool = start_calls(server.base_url, CALLS_PER_CONNECTION)
        steps = cycling(prepare(temp / "step.requests", report_steps(server.base_url, pool)))
        measured.append(measure(server, ANSWER_STEP, steps, seconds))
        measured.append(measure(server, API_REPORT, reports, seconds))
    return measured


# -- report ------------------------------------------------------------------------------


def ratio(value: float, base: float) -> str:
    return f"x{value / base:.2f}" if base > 0 else "-"


def title(scenario: Scenario) -> str:
    return f"{scenario.name:<6}{scenario.label}"


# The two floor runs differing by more than this: the ratios are uncertain, and the report says so.
FLOOR_DRIFT = 0.15


def floor_rate(measured: list[Measured]) -> float:
    """The floor the ratios use: the mean of its runs before and after the app's scenarios."""
    rates = [m.result.per_second for m in measured if m.scenario.name == "floor"]
    return sum(rates) / len(rates)


def floor_drift(measured: list[Measured]) -> float:
    rates = [m.result.per_second for m in measured if m.scenario.name == "floor"]
    return (max(rates) - min(rates)) / max(rates) if max(rates) > 0 else 0.0


def print_report(measured: list[Measured]) -> None:
    floor = floor_rate(measured)
    bare = next(m.result for m in measured if m.scenario.name == "bare")
    width = max(len(title(m.scenario)) for m in measured)
    print()
    print(
        f"{'scenario':<{width}}  {'req/s':>6}  {'p50 ms':>7}  {'p99 ms':>7}  {'errors':>6}  "
        f"{'vs floor':>8}  {'vs bare':>7}  {'others':>6}  goal"
    )
    for m in measured:
        r, goal = m.result, m.scenario.goal
        verdict = f"{goal.describe()}: {'met' if goal.met(r, floor) else 'MISSED'}" if goal else ""
        print(
            f"{title(m.scenario):<{width}}  {r.per_second:>6.0f}  {r.p50_ms:>7.2f}  {r.p99_ms:>7.2f}  {r.errors:>6}  "
            f"{ratio(r.per_second, floor):>8}  {ratio(r.per_second, bare.per_second):>7}  "
            f"{m.others_cpu:>6.0%}  {verdict}"
        )
    print(
        "\nothers: CPU taken while measuring by processes other than wrk, gunicorn, Redis and PostgreSQL serving "
        f"this database\n(100% = one of {os.cpu_count()} CPUs); above {DISTURBED:.0%} the figures are disturbed. "
        "Contention for the disk is not seen."
    )
    drift = floor_drift(measured)
    print(f"vs floor: against the mean of the floor's two runs, {floor:.0f} req/s (they differ by {drift:.0%})")
    if drift > FLOOR_DRIFT:
        print(
            f"the floor moved more than {FLOOR_DRIFT:.0%} during the run (the disk's speed?): the ratios are uncertain"
        )
    for m in measured:
        for note in m.notes:
            print(f"{m.scenario.name}: {note}")
        if m.result.errors:
            r = m.result
            print(f"{m.scenario.name}: {r.bad_answers} wrong answers, {r.socket_errors} socket errors or timeouts")
            for sample in r.samples:
                print(f"    {sample}")
        if m.log_tail:
            print(f"{m.scenario.name}: the end of gunicorn's log (INFO lines left out):")
            print("\n".join(f"    {line}" for line in m.log_tail.splitlines()))


# -- setting up -------------------------------------------------------------------------


def database_url_for(temp: Path) -> str:
    """DATABASE_URL if set (a scratch database: its name starts with bench), else a SQLite file in `temp`."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{temp / 'bench.sqlite3'}"
    name = Path(make_url(url).database or "").name
    if not name.startswith("bench"):
        raise RuntimeError(f"DATABASE_URL must name a scratch database whose name starts with bench, not {name!r}")
    return url


def empty_database(database_url: str) -> None:
    """Drop every table, so each run starts from the same empty database whatever earlier runs left.

    The API's case and officer-assignment queries grow with the tables: on a
    database that keeps every run's rows, runs would not compare.
    """
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
            else:
                tables = MetaData()
                tables.reflect(connection)
                tables.drop_all(connection)
    finally:
        engine.dispose()


def app_environment(temp: Path, database_url: str, redis_url: str) -> dict[str, str]:
    leave_out = {"GUNICORN_CMD_ARGS", "TWILIO_EDGE", "TWILIO_REGION", "RATELIMIT_STORAGE_URI"}
    env = {key: value for key, value in os.environ.items() if key not in leave_out}
    env.update(
        {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "INSTANCE_PATH": str(temp),
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,  # the app refuses webhooks that name another account
            "SECRET_KEY": SECRET_KEY,
            "API_LIMIT_PER_ADDRESS": UNREACHABLE_LIMIT,
            "API_LIMIT_PER_TOKEN": UNREACHABLE_LIMIT,
        }
    )
    return env


def flask(env: dict[str, str], *args: str) -> str:
    """Run `flask --app app ARGS` (a migration, a staff account) and return what it printed."""
    command = [sys.executable, "-m", "flask", "--app", "app", *args]
    done = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def integration_token(env: dict[str, str]) -> str:
    email = f"bench-{secrets.token_hex(4)}@example.invalid"
    flask(env, "staff", "create", email, "--name", "Benchmark integration", "--role", "integration")
    return flask(env, "staff", "token", email).strip().splitlines()[-1]


@contextmanager
def redis_for_run(redis_url: str) -> Iterator[str]:
    """Yield a note on Redis. The default database is the benchmark's own: flushed at the start and the end."""
    connection = Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=5)
    ours = redis_url == DEFAULT_REDIS_URL
    try:
        if ours:
            connection.flushdb()
        else:
            connection.ping()
        note = f"redis: {redis_url}" + (
            " (flushed before and after)" if ours else " (the api's queued jobs are left in it)"
        )
    except RedisError as error:
        note = f"redis: {redis_url} UNREACHABLE ({type(error).__name__}): the api figures are not production's"
    try:
        yield note
    finally:
        if ours:
            with suppress(RedisError):
                connection.flushdb()
        connection.close()


# -- main -------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.webhooks", description=__doc__.split("\n\n")[0])

    def positive(text: str) -> float:
        value = float(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, not {text}")
        return value

    parser.add_argument("--seconds", type=positive, default=10.0, help="measured seconds per scenario (10)")
    return parser.parse_args(argv)


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace, temp: Path, running: list[Gunicorn]) -> int:
    wrk.wrk_path()  # fail before anything starts
    database_url = database_url_for(temp)
    redis_url = os.environ.get("REDIS_URL", "").strip() or DEFAULT_REDIS_URL
    env = app_environment(temp, database_url, redis_url)
    with redis_for_run(redis_url) as redis_note:
        print(f"database: {make_url(database_url).render_as_string(hide_password=True)} (emptied, then migrated)")
        print(redis_note)
        print(f"{servers.describe_settings()}; {wrk.describe_settings(args.seconds)}")
        print(f"{os.cpu_count()} CPUs shared by wrk and gunicorn (and anything else running)")
        print(
            f"API rate limits: API_LIMIT_PER_ADDRESS and API_LIMIT_PER_TOKEN set to {UNREACHABLE_LIMIT} "
            "(counted in Redis as in production, never reached)",
            flush=True,
        )
        empty_database(database_url)
        flask(env, "db", "upgrade")
        token = integration_token(env)
        floor_app.create_table(database_url)
        try:
            measured = [
                run_static_app(scenario, target, env, temp, args.seconds, running)
                for scenario, target in ((BARE, BARE_APP), (FLOOR, FLOOR_APP))
            ]
            measured += run_real_app(env, token, temp, args.seconds, running)
            # The floor is bound by the disk's flushes, whose speed drifts over minutes on a shared machine:
            # measured on both sides of the app, the ratios use the mean.
            measured.append(run_static_app(FLOOR_AGAIN, FLOOR_APP, env, temp, args.seconds, running))
        finally:
            floor_app.drop_table(database_url)
    print_report(measured)
    return 1 if any(m.result.errors for m in measured) else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    running: list[Gunicorn] = []
    temp = Path(tempfile.mkdtemp(prefix="hatecrime-bench-"))
    previous_term = signal.signal(signal.SIGTERM, _interrupt)
    try:
        return run(args, temp, running)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not leave gunicorn behind
        for server in running:
            server.stop()
        shutil.rmtree(temp, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous_term)
        signal.signal(signal.SIGINT, signal.default_int_handler)


if __name__ == "__main__":
    sys.exit(main())
