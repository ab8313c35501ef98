"""Time the staff console's pages on PostgreSQL seeded with 50,000 cases and 500,000 timeline rows.

    .venv/bin/python -m benchmarks.console_pages
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_console]
        [--requests 200] [--keep] [--reuse] [--try-index "phone_calls (case_id)"] [--plans]

The database (its name must begin with "bench") is created if missing, emptied to a fresh schema,
migrated and seeded with COPY (benchmarks/console_seed.py): 50,000 cases (10% open), 60,000 tasks,
60,000 calls, 40,000 recordings, 150,000 texts out, 120,000 texts in and 70,000 audit events. One
officer has 200 open tasks and one of their cases about 100 timeline entries.

Each page is asked for by the Flask test client, signed in through the form as the role that uses
it (so the sign-in, role, session and audit work is all counted; no browser), once per warm-up and
then `--requests` times, its whole body read; it prints p50/p95/max against the goal (p95 under
150 ms). The recording page streams a recording from the local fake Twilio (devtools/fake_twilio.py)
over HTTP on 127.0.0.1. As gunicorn's workers do (gunicorn.conf.py), the app's long-lived objects
are frozen out of the garbage collector once it is built; `--no-gc-freeze` measures without that.
Then every SELECT one request of each page sends is run again under EXPLAIN ANALYZE, and the
sequential scans of tables and the slowest statements are listed: the indexes to add. `--try-index`
creates an index in the scratch database first (not a migration) to measure one before proposing it.
`--keep` leaves the data in place; `--reuse` times it again without seeding. Only 127.0.0.1 is
contacted with the defaults; the instance path is a temporary directory.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url

from benchmarks.console_seed import ROWS, SEARCHED_POSTCODE, Seeded, Seeder, copy_rows
from benchmarks.progress_selection import database_name, empty_schema, ensure_database
from devtools.fake_twilio import FakeTwilioApi, FakeTwilioServer

DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_console"
GOAL_P95_MS = 150.0
WARM_UP = 5
PASSWORD = "benchmark horse battery staple"
SIGN_IN_POST = "sign in (POST: argon2id)"
SIGN_IN_REQUESTS = 20
STAFF = {"officer": 40, "manager": 3, "contact_centre": 5, "admin": 1}
TWILIO_ACCOUNT_SID = "AC" + "b" * 32
TWILIO_AUTH_TOKEN = "bench"
RECORDING_BYTES = 180_000  # 45 seconds of a call as Twilio's MP3 (32 kbit/s)


@dataclass(frozen=True)
class Page:
    label: str
    role: str | None  # None: signed out
    path: str


@dataclass(frozen=True)
class BusyCase:
    """The busy case's rows that pages name by id: an open task of the officer's, and a recording."""

    task_id: int
    recording_id: int
    recording_sid: str


def pages(seeded: Seeded, busy: BusyCase) -> list[Page]:
    """Every console page, as the role that uses it most; add new pages here."""
    district, inward = SEARCHED_POSTCODE
    return [
        Page("sign-in form", None, "/console/sign-in"),
        Page("my work, 200 open tasks", "officer", "/console/work"),
        Page("dashboard", "manager", "/console/dashboard"),
        Page("search: reference", "contact_centre", f"/console/search?q={seeded.some_reference}"),
        Page("search: phone 07911 123456", "contact_centre", "/console/search?q=07911+123456"),
        Page(f"search: postcode {district} {inward}", "contact_centre", f"/console/search?q={district}+{inward}"),
        Page(f"search: district {district}", "contact_centre", f"/console/search?q={district}"),
        Page(f"search: district {district} (officer)", "officer", f"/console/search?q={district}"),
        Page("case page, ~100 events", "officer", f"/console/cases/{seeded.busy_reference}"),
        Page("case page, ~100 events, who viewed it", "manager", f"/console/cases/{seeded.busy_reference}"),
        Page("complete a task form", "officer", f"/console/tasks/{busy.task_id}/complete"),
        Page(
            f"recording, {RECORDING_BYTES // 1000} kB from fake Twilio",
            "officer",
            f"/console/cases/{seeded.busy_reference}/recordings/{busy.recording_id}",
        ),
        Page("take a report form", "contact_centre", "/console/reports/new"),
        *(
            Page(f"dashboard list: {name}", "manager", f"/console/dashboard/{name}")
            for name in ("due-today", "overdue", "no-contact", "graffiti-overdue", "high-risk", "unassigned")
        ),
        Page("change a case's officer form", "manager", f"/console/cases/{seeded.busy_reference}/officer"),
        Page("audit log, newest first", "manager", "/console/audit"),
        Page("audit log, one case", "manager", f"/console/audit?case={seeded.busy_reference}"),
        Page("staff accounts", "admin", "/console/staff"),
        Page("staff account, the busy officer", "admin", f"/console/staff/{seeded.officer_id}"),
        *(
            Page(f"casework: {name}", "manager", f"/console/cases/{seeded.busy_reference}/{name}")
            for name in ("action-plan", "witnesses", "interventions", "closure")
        ),
        Page("review queue", "manager", "/console/reviews"),
        Page("record a review", "manager", f"/console/reviews/{seeded.busy_reference}"),
    ]


@dataclass
class Timing:
    page: Page
    ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)  # this process's CPU time: Flask, SQLAlchemy, Jinja
    gc_ms: list[float] = field(default_factory=list)  # of which the garbage collector's pauses
    statements: int = 0
    db_ms: float = 0.0
    findings: list[str] = field(default_factory=list)

    def quantile(self, share: float, times: list[float] | None = None) -> float:
        ordered = sorted(self.ms if times is None else times)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# -- seeding ----------------------------------------------------------------------------


def make_staff() -> dict[str, list[int]]:
    """STAFF accounts of each role, every one with the password PASSWORD; their ids by role."""
    from app.extensions import db
    from app.staff.accounts import create_staff
    from app.staff.passwords import hash_password

    password_hash = hash_password(PASSWORD)
    ids: dict[str, list[int]] = {}
    for role, count in STAFF.items():
        for number in range(count):
            member = create_staff(db.session(), email_of(role, number), f"Bench {role} {number}", role)
            member.password_hash = password_hash
            db.session.flush()
            ids.setdefault(role, []).append(member.id)
    db.session.commit()
    return ids


def officers_seeded() -> list[int]:
    """The officers' ids a --keep run left, in the order they were made (the first holds the 200 tasks)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.staff.models import StaffMember

    return list(db.session.scalars(select(StaffMember.id).where(StaffMember.role == "officer").order_by("id")))


def email_of(role: str, number: int) -> str:
    return f"{role.replace('_', '.')}.{number}@bench.example.org"


def seed(engine: Engine, seeder: Seeder) -> None:
    raw = engine.raw_connection()
    try:
        connection: Any = raw.driver_connection  # psycopg
        for table, columns, rows in seeder.tables():
            started = time.perf_counter()
            count = copy_rows(connection, table, columns, rows)
            print(f"  {table}: {count:,} rows in {time.perf_counter() - started:.1f} s", flush=True)
        connection.execute("SELECT setval('cases_id_seq', (SELECT max(id) FROM cases))")
        connection.commit()
        connection.autocommit = True
        connection.execute("VACUUM (ANALYZE)")
    finally:
        raw.close()


def prepare(engine: Engine, reuse: bool, indexes: list[str]) -> Seeded:
    """Seed (or find the data a --keep run left), then put exactly the indexes to try in place."""
    from app.clock import now
    from app.extensions import db

    seeder = Seeder(now(), officers_seeded() if reuse else make_staff()["officer"])
    if not reuse:
        seed(engine, seeder)
    db.session.remove()
    with engine.begin() as connection:
        tried = connection.exec_driver_sql("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'bench_try_%%'")
        for (name,) in tried.all():
            connection.exec_driver_sql(f"DROP INDEX {name}")
        for number, index in enumerate(indexes):
            connection.exec_driver_sql(f"CREATE INDEX bench_try_{number} ON {index}")
            print(f"  trying the index {index}")
        connection.exec_driver_sql("ANALYZE")
    return seeder.seeded()


def busy_case(seeded: Seeded) -> BusyCase:
    """The busy case's open task (the officer's callback) and first recording, as seeded."""
    from sqlalchemy import select

    from app.casework.models import Recording, Task
    from app.extensions import db

    task_id = db.session.scalars(
        select(Task.id).where(Task.case_id == seeded.busy_case_id, Task.status == "open").order_by(Task.id)
    ).first()
    recording = db.session.scalars(
        select(Recording).where(Recording.case_id == seeded.busy_case_id).order_by(Recording.id)
    ).first()
    if task_id is None or recording is None:
        raise RuntimeError("the busy case has no open task or no recording: seed again")
    return BusyCase(task_id, recording.id, recording.recording_sid)


# -- measuring --------------------------------------------------------------------------


def sign_in(client: Any, role: str) -> float:
    """Fill in the sign-in form as the first account of `role`; returns the POST's milliseconds."""
    form = client.get("/console/sign-in").get_data(as_text=True)
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
    if found is None:
        raise RuntimeError("no CSRF token on the sign-in form")
    data = {"csrf_token": found.group(1), "email": email_of(role, 0), "password": PASSWORD}
    started = time.perf_counter()
    if client.post("/console/sign-in", data=data).status_code != 302:
        raise RuntimeError(f"{role} could not sign in")
    return (time.perf_counter() - started) * 1000


def signed_in_client(app: Any, role: str | None) -> Any:
    """A test client signed in through the form as `role` (or signed out)."""
    client = app.test_client()
    if role is not None:
        sign_in(client, role)
    return client


def time_sign_in(app: Any, requests: int) -> Timing:
    """The sign-in POST itself, each from a new client: an argon2id check, slow by design (not a page)."""
    timing = Timing(Page(SIGN_IN_POST, None, "/console/sign-in"))
    timing.ms = [sign_in(app.test_client(), "officer") for _ in range(requests)]
    return timing


@contextmanager
def captured_sql(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


class CollectorPauses:
    """A `gc.callbacks` entry adding up the time the garbage collector stops the process for, in ms."""

    def __init__(self) -> None:
        self.total_ms = 0.0
        self._started = 0.0

    def __call__(self, phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.total_ms += (time.perf_counter() - self._started) * 1000


@contextmanager
def collector_timed() -> Iterator[CollectorPauses]:
    pauses = CollectorPauses()
    gc.callbacks.append(pauses)
    try:
        yield pauses
    finally:
        gc.callbacks.remove(pauses)


def time_page(timing: Timing, client: Any, requests: int) -> None:
    with collector_timed() as pauses:
        for number in range(WARM_UP + requests):
            started, cpu_started, collecting = time.perf_counter(), time.process_time(), pauses.total_ms
            response = client.get(timing.page.path)
            response.get_data()  # a streamed page (a recording) is timed to its last byte
            elapsed, cpu = (time.perf_counter() - started) * 1000, (time.process_time() - cpu_started) * 1000
            response.close()
            if response.status_code != 200:
                raise RuntimeError(f"{timing.page.label}: {timing.page.path} answered {response.status_code}")
            if number >= WARM_UP:
                timing.ms.append(elapsed)
                timing.cpu_ms.append(cpu)
                timing.gc_ms.append(pauses.total_ms - collecting)


def explain_page(timing: Timing, client: Any, engine: Engine, show_plans: bool) -> None:
    """EXPLAIN ANALYZE each SELECT of one request: PostgreSQL's time, and where it scanned a whole table."""
    with captured_sql(engine) as statements:
        client.get(timing.page.path)
    selects = [(sql, params) for sql, params in statements if sql.lstrip().upper().startswith("SELECT")]
    timing.statements = len(statements)
    with engine.connect() as connection:
        for sql, params in selects:
            plan = [str(row[0]) for row in connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)]
            took = float(plan[-1].split(":")[1].split()[0])  # "Execution Time: 1.234 ms"
            timing.db_ms += took
            scans = sorted({m.group(1) for line in plan if (m := re.search(r"Seq Scan on (\w+)", line))})
            big = [table for table in scans if table in ROWS or table == "cases"]
            if big or took > 5 or show_plans:
                where = re.sub(r"^SELECT .*? FROM ", "SELECT ... FROM ", " ".join(sql.split()))[:220]
                timing.findings.append(f"{took:7.2f} ms, seq scan on {', '.join(big) or 'none'}: {where}")
                if show_plans:
                    timing.findings.extend(f"            {line}" for line in plan)


def met(timing: Timing) -> bool:
    return timing.quantile(0.95) < GOAL_P95_MS


def print_results(timings: list[Timing], requests: int) -> None:
    width = max(len(t.page.label) for t in timings)
    columns = "  ".join(f"{name:>7}" for name in ("p50 ms", "p95 ms", "max ms", "cpu p50", "cpu p95", "gc max"))
    print(f"\n{'page':<{width}}  {'role':<14}  {columns}  {'SQL':>3}  {'in db':>6}")
    for t in timings:
        cpu = (
            f"{t.quantile(0.5, t.cpu_ms):>7.1f}  {t.quantile(0.95, t.cpu_ms):>7.1f}  {max(t.gc_ms):>7.1f}"
            if t.cpu_ms
            else " " * 25
        )
        verdict = "ok" if met(t) else f"OVER {GOAL_P95_MS:.0f} ms"
        if t.page.label == SIGN_IN_POST:
            verdict = f"not a page: argon2id by design ({SIGN_IN_REQUESTS} requests)"
        print(
            f"{t.page.label:<{width}}  {t.page.role or 'signed out':<14}  {statistics.median(t.ms):>7.1f}  "
            f"{t.quantile(0.95):>7.1f}  {max(t.ms):>7.1f}  {cpu}  {t.statements:>3}  {t.db_ms:>6.1f}  {verdict}"
        )
    print(f"{requests} requests per page after {WARM_UP} warm-ups; p50/p95/max: wall time; cpu: this process's CPU")
    print("time (Flask, SQLAlchemy, Jinja: steadier than wall time on a busy machine); gc max: the longest the")
    print("garbage collector paused one request; SQL: statements in one request; in db: PostgreSQL's execution")
    print("time for its SELECTs (EXPLAIN ANALYZE), ms")
    for t in timings:
        if t.findings:
            print(f"\n{t.page.label}:")
            for finding in t.findings:
                print(f"  {finding}")


# -- main -------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    summary = (__doc__ or "").splitlines()[0]
    parser = argparse.ArgumentParser(prog="python -m benchmarks.console_pages", description=summary)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL, help="PostgreSQL; the name begins 'bench'")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page (200)")
    parser.add_argument("--keep", action="store_true", help="leave the data in the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="time the data a --keep run left, without seeding")
    parser.add_argument("--try-index", action="append", default=[], metavar="TABLE (COLUMNS)", help="repeatable")
    parser.add_argument("--plans", action="store_true", help="print every SELECT's plan")
    parser.add_argument(
        "--no-gc-freeze",
        action="store_true",
        help="leave the app's objects to the garbage collector (see gunicorn.conf.py)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    url = make_url(args.database_url)
    if url.get_backend_name() != "postgresql" or args.requests < 1:
        raise SystemExit("this benchmark needs PostgreSQL (it seeds with COPY) and --requests of at least 1")
    database_name(url)  # refuses any name not beginning "bench"
    temp = Path(tempfile.mkdtemp(prefix="hatecrime-bench-"))
    os.environ["INSTANCE_PATH"] = str(temp)  # before app.config is imported: nothing written to the checkout
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    database_url = url.render_as_string(hide_password=False)
    try:
        from app import create_app
        from app.extensions import db
        from app.long_lived import freeze_after_loading
        from app.migrate import upgrade

        if not args.reuse:
            ensure_database(url)
            empty_schema(url)
            upgrade(database_url)
        twilio = FakeTwilioApi(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)
        with FakeTwilioServer(twilio) as twilio_server:
            settings = {
                "DATABASE_URL": database_url,
                "SECRET_KEY": "bench",
                "TWILIO_ACCOUNT_SID": TWILIO_ACCOUNT_SID,
                "TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
                "TWILIO_API_BASE_URL": twilio_server.base_url,
            }
            app = create_app({**settings, "SESSION_COOKIE_SECURE": False, "RATELIMIT_STORAGE_URI": "memory://"})
            logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per recording from the fake Twilio
            if not args.no_gc_freeze:
                freeze_after_loading()
            print(f"database: {url.render_as_string(hide_password=True)}; {os.cpu_count()} CPUs", flush=True)
            print(f"garbage collector: {'not ' if args.no_gc_freeze else ''}frozen after loading", flush=True)
            with app.app_context():
                engine = db.engine
                seeded = prepare(engine, args.reuse, args.try_index)
                busy = busy_case(seeded)
            twilio.hold_recording(busy.recording_sid, b"ID3" + bytes(RECORDING_BYTES - 3))
            timings = [Timing(page) for page in pages(seeded, busy)]
            clients = {role: signed_in_client(app, role) for role in {t.page.role for t in timings}}
            for timing in timings:
                time_page(timing, clients[timing.page.role], args.requests)
                explain_page(timing, clients[timing.page.role], engine, args.plans)
                print(f"  {timing.page.label}: p95 {timing.quantile(0.95):.1f} ms", flush=True)
            print_results([*timings, time_sign_in(app, SIGN_IN_REQUESTS)], args.requests)
        with app.app_context():
            db.engine.dispose()
        return 0 if all(met(t) for t in timings) else 1
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    finally:
        if not args.keep:
            empty_schema(url)
        shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
