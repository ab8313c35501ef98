"""How fast two Procfile workers drain a burst of website reports' texts.

    .venv/bin/python -m benchmarks.background_sends [--reports 2000] [--workers 2]

(`make bench` runs it after the webhook benchmark.) It opens `--reports`
website reports in-process (untimed): each queues an assign-task job (the
officer's notification text) and a confirmation text. Then it starts
`--workers` processes of `python -m workers.run worker`, exactly as the
Procfile does, against a local fake of Twilio's Messages API, and waits
until every text is handed to Twilio. It prints the sends per second over
the drain (first to last text sent, from the outbox rows' `sent_at`) and
from the workers' start, and checks that no text was sent twice.

DATABASE_URL is used when set (migrated first; point it at a scratch
PostgreSQL database, e.g. bench_sends: its tables are emptied), else a
temporary SQLite file. REDIS_URL is used when set, else
redis://127.0.0.1:6379/13 (flushed). Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from redis import Redis
from sqlalchemy import func, make_url, select, text

from app import create_app
from app.casework import service
from app.clock import now
from app.extensions import Base, db
from app.intake.report_form import parse_web_report
from app.messaging.models import OutboundMessage
from app.migrate import upgrade
from app.staff.accounts import create_staff
from devtools.fake_twilio import FakeTwilioApi, FakeTwilioServer

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ACCOUNT_SID = "AC" + "2" * 32
AUTH_TOKEN = "bench-auth-token-sends"
GOAL_SENDS_PER_SECOND = 200.0
DRAIN_TIMEOUT_SECONDS = 300.0


def settings(database_url: str, redis_url: str, twilio_url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "bench-secret",
        "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_PHONE_NUMBER": "+441214647269",
        "TWILIO_API_BASE_URL": twilio_url,
    }


def open_reports(count: int) -> None:
    """`count` website reports from distinct mobiles, each safe to text, for one officer with a mobile."""
    create_staff(db.session, "bench.officer@example.org", "Bench Officer", "officer", mobile="+447911000001")
    db.session.commit()
    for number in range(count):
        payload = {
            "caller_phone": f"+4479{number:08d}",
            "description": "Abuse shouted in the street",
            "safe_to_text": True,
        }
        service.open_case(db.session, parse_web_report(payload), received_at=now())


def start_workers(count: int, env: dict[str, str]) -> list[subprocess.Popen[bytes]]:
    return [
        subprocess.Popen(
            [sys.executable, "-m", "workers.run", "worker"],
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(count)
    ]


def stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)


def sent_count() -> int:
    db.session.rollback()
    return int(db.session.scalar(select(func.count()).where(OutboundMessage.sent_at.is_not(None))) or 0)


def drain(expected: int, workers: list[subprocess.Popen[bytes]]) -> float:
    """Seconds until `expected` texts are sent (raises if a worker dies or it takes too long)."""
    started = time.monotonic()
    while sent_count() < expected:
        if any(worker.poll() is not None for worker in workers):
            raise RuntimeError("a worker exited during the benchmark")
        if time.monotonic() - started > DRAIN_TIMEOUT_SECONDS:
            raise RuntimeError(f"only {sent_count()} of {expected} texts sent in {DRAIN_TIMEOUT_SECONDS:.0f} s")
        time.sleep(0.1)
    return time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args(argv)
    # The fake Twilio's request log would cost this process a line per text, on the CPUs the workers share.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/13")
    with tempfile.TemporaryDirectory(prefix="bench-sends-") as scratch:
        database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{scratch}/bench.db"
        if os.environ.get("DATABASE_URL") and not (make_url(database_url).database or "").startswith("bench"):
            print("DATABASE_URL must name a scratch database whose name starts with bench: its tables are emptied")
            return 2
        upgrade(database_url)
        Redis.from_url(redis_url).flushdb()
        api = FakeTwilioApi(ACCOUNT_SID, AUTH_TOKEN)
        with FakeTwilioServer(api) as twilio:
            config = settings(database_url, redis_url, twilio.base_url)
            app = create_app(config)
            with app.app_context():
                empty_tables()
                print(f"opening {options.reports} website reports (untimed)...", flush=True)
                open_reports(options.reports)
                expected = 2 * options.reports  # a confirmation and an officer's notification each
                env = {**os.environ, **config, "INSTANCE_PATH": scratch}
                env.pop("TWILIO_EDGE", None)
                env.pop("TWILIO_REGION", None)
                workers = start_workers(options.workers, env)
                try:
                    elapsed = drain(expected, workers)
                finally:
                    stop(workers)
                report(expected, elapsed, api, database_url, options.workers)
                empty_tables()
    return 0


def report(expected: int, elapsed: float, api: FakeTwilioApi, database_url: str, workers: int) -> None:
    times = db.session.scalars(select(OutboundMessage.sent_at).where(OutboundMessage.sent_at.is_not(None))).all()
    drain_seconds = (max(times) - min(times)).total_seconds() or 1e-9
    doubled = sum(1 for _, seen in Counter((m["To"], m["Body"]) for m in api.sent).items() if seen > 1)
    database = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    print(f"{database}, {workers} workers (python -m workers.run worker), fake Twilio on 127.0.0.1")
    print(f"texts sent: {len(times)} of {expected}; sent twice: {doubled}; Twilio asked {len(api.sent)} times")
    print(f"drain (first to last send): {len(times) / drain_seconds:7.1f} sends/s over {drain_seconds:.1f} s")
    print(f"from the workers' start:    {len(times) / elapsed:7.1f} sends/s over {elapsed:.1f} s")
    workers_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers, stopped and waited for
    cpu_seconds = workers_cpu.ru_utime + workers_cpu.ru_stime
    print(f"workers' CPU (start-up included): {cpu_seconds:.1f} s, {1000 * cpu_seconds / len(times):.1f} ms a text")
    print(f"goal: >= {GOAL_SENDS_PER_SECOND:.0f} sends/s")


def empty_tables() -> None:
    """Every table emptied; on PostgreSQL truncated, so that one run's dead rows never slow the next."""
    tables = [table for table in reversed(Base.metadata.sorted_tables) if table.name != "alembic_version"]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(table.name for table in tables)} RESTART IDENTITY"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
