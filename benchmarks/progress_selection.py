"""Time the fortnightly selection of due cases, and their enqueue, against the size of the cases table.

    .venv/bin/python -m benchmarks.progress_selection [--sizes 10000,1000000]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_progress]
        [--redis-url redis://127.0.0.1:6379/13] [--runs 5] [--keep]

For each size it seeds the `cases` table in PostgreSQL with COPY: 10% open,
90% closed. An open case's `next_update_due` (last contact + 14 days) is
spread uniformly over the day before the run to 14 days after it, so about
13% of the open cases are due; most closed cases have no due date and about a
third keep an old one (the history of a long-running line). Open rows are
scattered through the table, not clustered at the end, so every due case
costs a heap page: the pessimistic layout. Then, in a Flask app context, at
a fixed run time (Wednesday 2026-11-25 10:30 London, cut-off Thursday 10:00):

* selection: `app.casework.progress.due_case_ids`, one warm-up and 5 timed runs
  (median), each in its own transaction (pool checkout, ping, BEGIN) as the
  sweep would, so about 0.4 ms of it is fixed cost; "in db" is PostgreSQL's
  own execution time for the same SQL, from EXPLAIN ANALYZE;
* enqueue: one RQ job per due case built as `app.background.sweeps.queue_progress_updates`
  builds them and handed to `app.jobs.enqueue_now`, into an empty queue;
* sweep: `queue_progress_updates()` itself under a frozen clock, into an empty
  queue (selection + enqueue, the production path); enqueue and sweep are
  each the median of 3 runs, Redis flushed before each;
* the `EXPLAIN (ANALYZE, BUFFERS)` of the selection's own SQL.

Every size after the first is run twice: with due cases proportional to the
table (13% of its open cases), and with exactly as many due cases as the first
size. If the selection is an index range scan, its time follows the number
of due cases, not the number of rows: the second ratio stays near 1.

The database is dropped to an empty `public` schema, migrated, and emptied
again at the end (`--keep` leaves the last data set for inspection); its name
must begin with "bench" and it is created if missing. The Redis database is
flushed at the start and end; db 15 (the tests') is refused. The instance path
is a temporary directory. Only 127.0.0.1 is contacted with the defaults.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from redis import Redis
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url

DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_progress"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
TESTS_REDIS_DB = 15
DEFAULT_SIZES = "10000,1000000"

AS_OF = datetime(2026, 11, 25, 10, 30, tzinfo=UTC)  # a Wednesday; 10:30 London (GMT in November)
OPEN_DUE_FROM = AS_OF - timedelta(days=1)
OPEN_DUE_UNTIL = AS_OF + timedelta(days=14)
HISTORY = timedelta(days=3 * 365)
FORTNIGHT = timedelta(days=14)
OPEN_SHARE = 10  # one case in ten is open
CLOSED_KEEPING_DUE_DATE = 0.35
SELECTION_RUNS = 5
ENQUEUE_RUNS = 3  # each into an emptied Redis database
SEED = 20261125
COPY_CHUNK_ROWS = 50_000

COPY_COLUMNS = (
    "reference",
    "reference_digits",
    "kind",
    "channel",
    "status",
    "created_at",
    "caller_phone",
    "callback_phone",
    "strands",
    "risk_answers",
    "risk_level",
    "priority",
    "duty_officer_flag",
    "safe_to_text",
    "incomplete_call",
    "contact_by_phone_only",
    "postcode_district",
    "last_contact_at",
    "next_update_due",
)
KINDS = ("hate_crime",) * 7 + ("graffiti",) * 2 + ("enquiry",)
CHANNELS = ("phone",) * 6 + ("sms",) * 2 + ("web", "staff")
STRANDS = ('["race"]', '["religion"]', '["disability"]', '["sexual_orientation"]', '["transgender"]', "[]")
DISTRICTS = tuple(f"B{n}" for n in range(1, 46))
BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


# -- set-up -------------------------------------------------------------------------


def database_name(url: URL) -> str:
    name = url.database or ""
    if name == "test" or not name.startswith("bench"):
        raise SystemExit(f"refusing database {name!r}: this benchmark drops its schema; use a name beginning 'bench'")
    return name


def ensure_database(url: URL) -> None:
    """Create the benchmark database if it is missing (from the server's `postgres` database)."""
    name = database_name(url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
            if not exists:
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
                print(f"created database {name}")
    finally:
        admin.dispose()


def empty_schema(url: URL) -> None:
    database_name(url)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    finally:
        engine.dispose()


def redis_client(redis_url: str) -> Redis:
    client = Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5)
    if int(client.connection_pool.connection_kwargs.get("db", 0)) == TESTS_REDIS_DB:
        raise SystemExit(f"refusing Redis db {TESTS_REDIS_DB}: the tests use it")
    return client


# -- seeding ------------------------------------------------------------------------


def base36(number: int, width: int = 6) -> str:
    digits = ""
    while number:
        number, remainder = divmod(number, 36)
        digits = BASE36[remainder] + digits
    if len(digits) > width:
        raise ValueError(f"{number} does not fit {width} base-36 characters")
    return digits.rjust(width, "0")


def stamp(instant: datetime) -> str:
    return instant.isoformat()


def uniform(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + timedelta(seconds=rng.uniform(0, (end - start).total_seconds()))


def case_lines(size: int, due_open: int, cutoff: datetime) -> Iterator[str]:
    """COPY text-format rows: `size` cases, a tenth open, exactly `due_open` of those due before `cutoff`."""
    rng = random.Random(SEED)
    open_count = size // OPEN_SHARE
    open_rows = rng.sample(range(size), open_count)
    due_rows = set(rng.sample(open_rows, due_open))
    open_set = set(open_rows)
    history_start = AS_OF - HISTORY
    for row in range(size):
        number = row + 1
        kind = KINDS[row % len(KINDS)]
        phone = f"+4479{rng.randrange(10**8):08d}"
        if row in open_set:
            status = "open"
            if row in due_rows:
                due = uniform(rng, OPEN_DUE_FROM, cutoff - timedelta(microseconds=1))
            else:
                due = uniform(rng, cutoff, OPEN_DUE_UNTIL)
            last_contact = due - FORTNIGHT
            created = last_contact - timedelta(seconds=rng.uniform(0, 180 * 86400))
            next_due, last = stamp(due), stamp(last_contact)
        else:
            status = "closed"
            created = uniform(rng, history_start, AS_OF - timedelta(days=1))
            last_contact = created + timedelta(seconds=rng.uniform(0, 120 * 86400))
            last = stamp(last_contact)
            next_due = stamp(last_contact + FORTNIGHT) if rng.random() < CLOSED_KEEPING_DUE_DATE else r"\N"
        safe = ("t", "f", r"\N")[row % 3]
        yield (
            f"HC-{number:07d}\t{base36(number)}\t{kind}\t{CHANNELS[row % len(CHANNELS)]}\t{status}\t"
            f"{stamp(created)}\t{phone}\t{phone}\t{STRANDS[row % len(STRANDS)] if kind == 'hate_crime' else '[]'}\t"
            f"{{}}\t{'high' if row % 20 == 0 else 'standard'}\t{'t' if row % 20 == 0 else 'f'}\tf\t{safe}\tf\t"
            f"{'t' if row % 50 == 0 else 'f'}\t{DISTRICTS[row % len(DISTRICTS)]}\t{last}\t{next_due}\n"
        )


def seed_cases(engine: Engine, size: int, due_open: int, cutoff: datetime) -> float:
    """Empty `cases` and COPY a fresh data set in, then VACUUM ANALYZE; returns the seconds taken."""
    started = time.perf_counter()
    raw = engine.raw_connection()
    try:
        connection: Any = raw.driver_connection  # a psycopg Connection
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE cases RESTART IDENTITY CASCADE")
            with cursor.copy(f"COPY cases ({', '.join(COPY_COLUMNS)}) FROM STDIN") as copy:
                chunk: list[str] = []
                for line in case_lines(size, due_open, cutoff):
                    chunk.append(line)
                    if len(chunk) >= COPY_CHUNK_ROWS:
                        copy.write("".join(chunk))
                        chunk.clear()
                if chunk:
                    copy.write("".join(chunk))
        connection.commit()
        connection.autocommit = True
        try:
            connection.execute("VACUUM (ANALYZE) cases")
        finally:
            connection.autocommit = False
    finally:
        raw.close()
    return time.perf_counter() - started


# -- measuring ----------------------------------------------------------------------


@dataclass
class Scenario:
    label: str
    size: int
    due_open: int
    open_count: int = 0
    due: int = 0
    seed_seconds: float = 0.0
    selection_ms: list[float] = field(default_factory=list)
    enqueue_ms: float = 0.0
    sweep_ms: float = 0.0
    plan: list[str] = field(default_factory=list)

    @property
    def selection_median_ms(self) -> float:
        return statistics.median(self.selection_ms)

    @property
    def execution_ms(self) -> float:
        """PostgreSQL's own time for the query, from EXPLAIN ANALYZE (no round trip, no Python)."""
        for line in self.plan:
            if line.startswith("Execution Time:"):
                return float(line.split(":")[1].split()[0])
        return float("nan")


@contextmanager
def captured_sql(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Record the SQL (and parameters) the engine sends while the block runs."""
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def timed_ms(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return (time.perf_counter() - started) * 1000, result


def measure(scenario: Scenario, runs: int, redis_url: str, redis: Redis) -> None:
    """Selection, enqueue, the real sweep and the plan, inside the current app context."""
    from rq import Queue

    from app.background.sweeps import queue_progress_updates
    from app.calendar import london_date
    from app.casework import progress
    from app.clock import frozen_at
    from app.extensions import db
    from app.jobs import QUEUE_NAME, JobName, JobRequest, enqueue_now

    session = db.session
    scenario.open_count = int(session.scalar(text("SELECT count(*) FROM cases WHERE status = 'open'")) or 0)
    session.rollback()

    with captured_sql(db.engine) as statements:
        due = progress.due_case_ids(session, AS_OF)  # warm-up, and the SQL to explain
    session.rollback()
    scenario.due = len(due)
    if scenario.due != scenario.due_open:
        raise RuntimeError(f"{scenario.label}: selected {scenario.due} due cases, seeded {scenario.due_open}")
    for _ in range(runs):
        elapsed, _ids = timed_ms(lambda: progress.due_case_ids(session, AS_OF))
        session.rollback()  # a new transaction (and pool checkout) per run, as each sweep gets
        scenario.selection_ms.append(elapsed)

    statement, parameters = statements[-1]
    plan = session.connection().exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
    scenario.plan = [str(row[0]) for row in plan]
    session.rollback()

    redis.flushdb()
    day = london_date(AS_OF)

    def enqueue() -> int:
        requests = [
            JobRequest(JobName.CONTACT_FOR_UPDATE, (case_id, AS_OF.isoformat()), f"progress-{case_id}-{day:%Y%m%d}")
            for case_id in due
        ]
        return enqueue_now(redis_url, requests) if requests else 0

    enqueue_times: list[float] = []
    sweep_times: list[float] = []
    for _ in range(ENQUEUE_RUNS):
        redis.flushdb()
        elapsed, added = timed_ms(enqueue)
        enqueue_times.append(elapsed)
        queued = Queue(QUEUE_NAME, connection=redis).count
        if added != scenario.due or queued != scenario.due:
            raise RuntimeError(f"{scenario.label}: {scenario.due} due but {added} enqueued, {queued} on the queue")

        redis.flushdb()
        with frozen_at(AS_OF):
            elapsed, swept = timed_ms(queue_progress_updates)
        session.rollback()
        sweep_times.append(elapsed)
        if swept != scenario.due:
            raise RuntimeError(f"{scenario.label}: the sweep queued {swept} jobs, {scenario.due} are due")
    redis.flushdb()
    scenario.enqueue_ms = statistics.median(enqueue_times)
    scenario.sweep_ms = statistics.median(sweep_times)


def warm_up_enqueue(redis_url: str, redis: Redis) -> None:
    """One untimed job first, so the first data set does not pay for the process's first enqueue."""
    from app.jobs import JobName, JobRequest, enqueue_now

    enqueue_now(redis_url, [JobRequest(JobName.CONTACT_FOR_UPDATE, (0,), "progress-warm-up")])
    redis.flushdb()


# -- report -------------------------------------------------------------------------


def per_due_us(ms: float, due: int) -> float:
    return ms * 1000 / due if due else float("nan")


def print_table(scenarios: list[Scenario], runs: int) -> None:
    width = max(len(s.label) for s in scenarios)
    print()
    print(
        f"{'scenario':<{width}}  {'cases':>9}  {'open':>7}  {'due':>6}  {'seed s':>6}  "
        f"{'select ms':>9}  {'us/due':>6}  {'in db ms':>8}  {'enqueue ms':>10}  {'us/due':>6}  {'sweep ms':>8}"
    )
    for s in scenarios:
        print(
            f"{s.label:<{width}}  {s.size:>9,}  {s.open_count:>7,}  {s.due:>6,}  {s.seed_seconds:>6.1f}  "
            f"{s.selection_median_ms:>9.2f}  {per_due_us(s.selection_median_ms, s.due):>6.1f}  {s.execution_ms:>8.3f}  "
            f"{s.enqueue_ms:>10.1f}  {per_due_us(s.enqueue_ms, s.due):>6.1f}  {s.sweep_ms:>8.1f}"
        )
    print(
        f"select ms: due_case_ids, median of {runs} runs after a warm-up, each a new transaction; "
        "in db ms: EXPLAIN ANALYZE's execution time;\n"
        f"enqueue ms: JobRequests + enqueue_now; sweep ms: queue_progress_updates(); "
        f"each the median of {ENQUEUE_RUNS} runs into an empty queue"
    )


def ratio_line(name: str, big: Scenario, base: Scenario) -> str:
    return (
        f"  {name}: cases x{big.size / base.size:,.0f}, due x{big.due / base.due:.2f}; "
        f"selection x{big.selection_median_ms / base.selection_median_ms:.2f} "
        f"(in db x{big.execution_ms / base.execution_ms:.2f}), "
        f"enqueue x{big.enqueue_ms / base.enqueue_ms:.2f}, sweep x{big.sweep_ms / base.sweep_ms:.2f}"
    )


def print_ratios(base: Scenario, pairs: list[tuple[Scenario, Scenario]]) -> None:
    for proportional, equal in pairs:
        print()
        print(f"{proportional.size:,} cases vs {base.size:,}:")
        print(ratio_line("(a) due proportional to the table", proportional, base))
        print(ratio_line("(b) due held equal              ", equal, base))


def print_plans(scenarios: list[Scenario]) -> None:
    for s in scenarios:
        print()
        print(f"EXPLAIN (ANALYZE, BUFFERS) of the selection, {s.label}:")
        for line in s.plan:
            print(f"  {line}")


# -- main ---------------------------------------------------------------------------


def parse_sizes(value: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in value.split(",") if part.strip()]
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"sizes are whole numbers separated by commas, not {value!r}") from error
    if not sizes or any(size < 10 * OPEN_SHARE for size in sizes) or any(size >= 36**6 for size in sizes):
        raise argparse.ArgumentTypeError(f"each size must be from {10 * OPEN_SHARE} to {36**6 - 1:,}")
    return sizes


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.progress_selection", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument(
        "--sizes", type=parse_sizes, default=parse_sizes(DEFAULT_SIZES), help=f"cases per data set ({DEFAULT_SIZES})"
    )
    parser.add_argument(
        "--database-url", default=DEFAULT_DATABASE_URL, help="PostgreSQL URL; the name must begin 'bench'"
    )
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL, help=f"Redis URL, flushed ({DEFAULT_REDIS_URL})")
    parser.add_argument(
        "--runs", type=int, default=SELECTION_RUNS, help=f"timed selection runs per data set ({SELECTION_RUNS})"
    )
    parser.add_argument("--keep", action="store_true", help="leave the last data set in the database")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.runs < 1:
        raise SystemExit("--runs must be at least 1")
    url = make_url(args.database_url)
    if url.get_backend_name() != "postgresql":
        raise SystemExit("this benchmark needs PostgreSQL (it seeds with COPY)")
    database_name(url)
    redis = redis_client(args.redis_url)
    temp = Path(tempfile.mkdtemp(prefix="hatecrime-bench-"))
    os.environ["INSTANCE_PATH"] = str(temp)  # before app.config is imported: nothing written to the checkout
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    database_url = url.render_as_string(hide_password=False)
    migrated = False
    try:
        from app import create_app
        from app.casework.progress import selection_cutoff
        from app.extensions import db
        from app.migrate import upgrade

        cutoff = selection_cutoff(AS_OF)
        if cutoff is None:
            raise RuntimeError(f"{AS_OF} is outside the daily run")
        redis.flushdb()
        ensure_database(url)
        empty_schema(url)
        upgrade(database_url)
        migrated = True
        print(f"database: {url.render_as_string(hide_password=True)}; redis: {args.redis_url}")
        print(f"run at {AS_OF:%a %Y-%m-%d %H:%M} UTC (London), selecting cases due before {cutoff:%a %H:%M} London")
        print(f"{os.cpu_count()} CPUs; sizes {', '.join(f'{s:,}' for s in args.sizes)}", flush=True)

        app = create_app(
            {
                "DATABASE_URL": database_url,
                "REDIS_URL": args.redis_url,
                "TWILIO_AUTH_TOKEN": "bench",
                "SECRET_KEY": "bench",
            }
        )
        due_fraction = (cutoff - OPEN_DUE_FROM) / (OPEN_DUE_UNTIL - OPEN_DUE_FROM)
        base_size, *larger = args.sizes
        base = Scenario(f"{base_size:,}", base_size, round(base_size // OPEN_SHARE * due_fraction))
        plan: list[Scenario] = [base]
        pairs: list[tuple[Scenario, Scenario]] = []
        for size in larger:
            proportional = Scenario(f"{size:,}", size, round(size // OPEN_SHARE * due_fraction))
            equal = Scenario(f"{size:,}, due = {base_size:,}'s", size, base.due_open)
            plan += [proportional, equal]
            pairs.append((proportional, equal))

        with app.app_context():
            warm_up_enqueue(args.redis_url, redis)
            for scenario in plan:
                print(f"  {scenario.label}: seeding {scenario.size:,} cases ...", end=" ", flush=True)
                scenario.seed_seconds = seed_cases(db.engine, scenario.size, scenario.due_open, cutoff)
                print(f"{scenario.seed_seconds:.1f}s; measuring ...", end=" ", flush=True)
                measure(scenario, args.runs, args.redis_url, redis)
                print(f"{scenario.due:,} due, selection {scenario.selection_median_ms:.2f} ms", flush=True)
            db.session.remove()
            db.engine.dispose()

        print_table(plan, args.runs)
        print_ratios(base, pairs)
        print_plans(plan)
        return 0
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except RuntimeError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    finally:
        try:
            redis.flushdb()
        finally:
            redis.close()
        if migrated and not args.keep:
            empty_schema(url)
        shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
