"""Instructions per request, counted by valgrind: the webhook benchmark's ratios without the machine's noise.

    .venv/bin/python -m benchmarks.instructions [--requests 30]

(`make bench-instructions`; it needs `valgrind`.) wrk's figures on a shared
machine swing by a fifth between runs minutes apart; the number of
instructions the app's process runs for one request does not. Each scenario
runs in a process of its own under `valgrind --tool=callgrind`, through
Flask's test client (no HTTP server, no wrk): once with a few requests and
once with `--requests` more, after the same set-up and warm-up, so that the
difference, divided by the extra requests, is what one request costs the
app's process. Requests are signed before either count starts (the same
number in both runs), so signing costs nothing here. The database's and
Redis's own work is not counted: only the Python process's.

Scenarios, as in `benchmarks.webhooks`: floor, voice, step and api, plus
refused, a report the API refuses (422: the token, the rate limits and the
JSON checked, nothing written): what any report pays before a case is opened.
On the machine where this was written, the floor's ratio to the api here
(x0.22) was wrk's (x0.24) within its noise.

DATABASE_URL and REDIS_URL as for `benchmarks.webhooks` (a scratch database
whose name starts with bench, emptied and migrated; else SQLite in a
temporary directory).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from twilio.request_validator import RequestValidator

from benchmarks import floor_app
from benchmarks.servers import PROJECT_ROOT
from benchmarks.webhooks import (
    ANSWER_STEP,
    API_PAYLOAD,
    API_REPORT,
    API_REPORTS,
    AUTH_TOKEN,
    DEFAULT_REDIS_URL,
    DIAL_INTO_THE_REPORT,
    FLOOR,
    NEW_CALL,
    REPORT_STEP,
    TWIML,
    VOICE,
    Scenario,
    app_environment,
    database_url_for,
    empty_database,
    flask,
    integration_token,
    new_call_sid,
    redis_for_run,
    signed,
    twilio_form,
)
from benchmarks.wrk import Expect, Signed

BASE_URL = "http://localhost"  # Flask's test client's host: the URL Twilio signs is the app's public one
FEW_REQUESTS = 10  # the first run's; the second runs --requests more
WARM_UP_REQUESTS = 20
CALLS_IN_THE_STEP = 16  # the step scenario's calls, dialled into the report flow before the warm-up
TOKEN_VARIABLE = "BENCH_API_TOKEN"

REFUSED = Scenario(
    "refused",
    "POST /api/v1/reports refused (422, nothing written)",
    Expect(422, "application/json", '"errors"'),
    distinct=False,
)
SCENARIOS = (FLOOR, NEW_CALL, ANSWER_STEP, API_REPORT, REFUSED)  # as make bench loads them, and the refusal


# -- the child: one scenario's requests in-process, counted by callgrind ----------------------


def twilio_requests(paths_and_forms: Iterator[tuple[str, dict[str, str]]]) -> list[Signed]:
    validator = RequestValidator(AUTH_TOKEN)
    return [signed(validator, BASE_URL, path, form) for path, form in paths_and_forms]


def api_requests(count: int, payload: dict[str, Any]) -> list[Signed]:
    header = ("Authorization", f"Bearer {os.environ[TOKEN_VARIABLE]}")
    return [Signed(API_REPORTS, "application/json", header, json.dumps(payload))] * count


def requests_for(name: str, count: int, post: Callable[[Signed, Expect], None]) -> list[Signed]:
    """`count` requests of the scenario, after any untimed set-up it needs (the step's calls)."""
    if name in ("floor", "voice"):
        return twilio_requests((VOICE, twilio_form(new_call_sid())) for _ in range(count))
    if name == "step":
        calls = [new_call_sid() for _ in range(CALLS_IN_THE_STEP)]
        for call in calls:
            for path, digits, leads_to in DIAL_INTO_THE_REPORT:
                (request,) = twilio_requests(iter([(path, twilio_form(call, **digits))]))
                post(request, Expect(200, TWIML, leads_to))
        return twilio_requests((REPORT_STEP, twilio_form(calls[i % len(calls)], Digits="2")) for i in range(count))
    if name == "api":
        return api_requests(count, API_PAYLOAD)
    return api_requests(count, {"caller_phone": API_PAYLOAD["caller_phone"]})  # no description: refused


def run_child(name: str, measured: int, most: int) -> None:
    """Set up, warm up, then send `measured` requests; `most` requests are signed either way."""
    from app import create_app  # the app is built from the environment the parent prepared

    scenario = next(s for s in SCENARIOS if s.name == name)
    app = floor_app.create_app() if name == "floor" else create_app()
    client = app.test_client()

    def post(request: Signed, expect: Expect) -> None:
        """Send it; a wrong answer (status, Content-Type or body, as wrk checks them) ends the run."""
        headers = {"Content-Type": request.content_type, request.header[0]: request.header[1]}
        response = client.post(request.path, data=request.body, headers=headers)
        if (response.status_code, response.mimetype) != (expect.status, expect.content_type) or (
            expect.fragment not in response.get_data(as_text=True)
        ):
            raise SystemExit(f"{name}: HTTP {response.status_code} {response.mimetype}, not what {expect} describes")

    signed_ahead = requests_for(name, WARM_UP_REQUESTS + most, post)
    for request in signed_ahead[:WARM_UP_REQUESTS]:
        post(request, scenario.expect)
    # Whether a full collection of everything loaded so far falls among the measured requests would decide
    # a tenth of the figure: what is left from the set-up is frozen, and each request's own garbage counts.
    gc.collect()
    gc.freeze()
    for request in signed_ahead[WARM_UP_REQUESTS : WARM_UP_REQUESTS + measured]:
        post(request, scenario.expect)


# -- the parent: two counted runs a scenario, the difference per request ----------------------

COLLECTED = re.compile(r"Collected : (\d+)")


def counted(name: str, requests: int, most: int, env: dict[str, str], temp: Path) -> int:
    """Instructions the child ran for `requests` measured requests (set-up and warm-up included)."""
    out_file = temp / f"callgrind.{name}.{requests}"
    command = [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={out_file}",
        sys.executable,
        "-m",
        "benchmarks.instructions",
        "--child",
        name,
        str(requests),
        str(most),
    ]
    done = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=1800)
    found = COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"{name} ({requests} requests) failed:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def per_request(scenario: Scenario, extra: int, env: dict[str, str], temp: Path) -> float:
    most = FEW_REQUESTS + extra
    few, many = (counted(scenario.name, count, most, env, temp) for count in (FEW_REQUESTS, most))
    return (many - few) / extra


def print_report(results: dict[str, float]) -> None:
    floor = results["floor"]
    width = max(len(f"{s.name:<8}{s.label}") for s in SCENARIOS)
    print(f"\n{'scenario':<{width}}  {'instructions':>12}  {'floor/this':>10}  throughput goal")
    for scenario in SCENARIOS:
        count = results[scenario.name]
        goal = f">= {scenario.goal.of_floor:g}x floor" if scenario.goal else ""
        ratio = f"x{floor / count:.2f}"
        print(f"{scenario.name:<8}{scenario.label:<{width - 8}}  {count / 1e6:>10.2f} M  {ratio:>10}  {goal}")
    print(
        "\ninstructions: run by the app's Python process for one request (the database and Redis not counted)."
        "\nfloor/this: the throughput ratio the instructions alone allow, on a machine whose CPUs are the limit."
    )


def run(extra: int, temp: Path) -> int:
    if shutil.which("valgrind") is None:
        raise RuntimeError("valgrind is not installed (apt-get install valgrind)")
    database_url = database_url_for(temp)
    redis_url = os.environ.get("REDIS_URL", "").strip() or DEFAULT_REDIS_URL
    # The same hash seed in every run: the layout of sets and dicts, and so the instructions, repeat.
    env = {**app_environment(temp, database_url, redis_url), "PUBLIC_BASE_URL": BASE_URL, "PYTHONHASHSEED": "0"}
    with redis_for_run(redis_url) as redis_note:
        print(f"database: {make_url(database_url).render_as_string(hide_password=True)}; {redis_note}")
        print(f"valgrind --tool=callgrind; {FEW_REQUESTS} and {FEW_REQUESTS + extra} requests a scenario", flush=True)
        empty_database(database_url)
        flask(env, "db", "upgrade")
        env[TOKEN_VARIABLE] = integration_token(env)
        floor_app.create_table(database_url)
        try:
            with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
                futures = {s.name: pool.submit(per_request, s, extra, env, temp) for s in SCENARIOS}
                results = {name: future.result() for name, future in futures.items()}
        finally:
            floor_app.drop_table(database_url)
    print_report(results)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.instructions", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=30, help="the second run's extra requests (30)")
    parser.add_argument("--child", nargs=3, metavar=("SCENARIO", "MEASURED", "SIGNED"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        name, measured, most = args.child
        run_child(name, int(measured), int(most))
        return 0
    temp = Path(tempfile.mkdtemp(prefix="hatecrime-instructions-"))
    try:
        return run(max(1, args.requests), temp)
    except RuntimeError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
