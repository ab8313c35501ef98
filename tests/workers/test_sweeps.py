"""Periodic sweeps: nothing a caller said is lost, and running them twice does no harm."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

from rq import Queue
from sqlalchemy import func, select

from app.casework.models import Case, PhoneCall, Task
from app.clock import frozen_at, now
from app.extensions import db
from app.messaging.models import OutboundMessage
from tests.conftest import RESIDENT, at_once
from tests.workers.test_confirmation_text import run_worker


def test_a_call_whose_status_callback_never_came_becomes_an_incomplete_case(app, phone):
    phone.dial().press("1").press("2").press("2")
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0
    runner = app.test_cli_runner()
    soon = (now() + timedelta(minutes=5)).isoformat()
    assert "0" in runner.invoke(args=["jobs", "run", "incomplete-calls", "--as-of", soon]).output
    later = (now() + timedelta(minutes=31)).isoformat()
    result = runner.invoke(args=["jobs", "run", "incomplete-calls", "--as-of", later])
    assert result.exit_code == 0 and "incomplete-calls: 1" in result.output
    case = db.session.scalars(select(Case)).one()
    assert case.incomplete_call and case.caller_phone == RESIDENT
    assert db.session.scalars(select(Task)).one().phone == RESIDENT
    assert db.session.scalars(select(PhoneCall)).one().end_status == "no-status-callback"
    assert "incomplete-calls: 0" in runner.invoke(args=["jobs", "run", "incomplete-calls", "--as-of", later]).output


def test_the_sweep_does_not_touch_calls_that_chose_nothing_or_finished(app, phone, call_from):
    phone.dial()
    other = call_from("+447912345678")
    other.dial().press("2").record().press("1")
    with frozen_at(now() + timedelta(hours=1)):
        app.test_cli_runner().invoke(args=["jobs", "run", "incomplete-calls"])
    assert [c.kind for c in db.session.scalars(select(Case))] == ["graffiti"]


def test_two_sweeps_at_once_queue_each_text_once_and_send_it_once(app, redis, twilio_api, phone):
    """What two `rq cron` processes would do: both sweeps run, one text goes out."""
    from tests.telephony.test_report_call import report_everything

    report_everything(phone)
    redis.flushdb()  # as if Redis had lost the first enqueue
    from app.background.sweeps import sweep_outbox

    assert sorted(at_once(app, sweep_outbox)) == [0, 1]
    assert Queue("default", connection=redis).count == 1
    run_worker(app, redis)
    assert len(twilio_api.sent) == 1
    assert db.session.scalars(select(OutboundMessage)).one().status == "queued"


def test_the_cron_config_registers_every_periodic_job(settings):
    """`rq cron workers/cron.py` loads our schedule (checked without starting the scheduler)."""
    code = (
        "from rq.cron import CronScheduler; from redis import Redis; import os\n"
        "s = CronScheduler(connection=Redis.from_url(os.environ['REDIS_URL']))\n"
        "s.load_config_from_file('workers/cron.py')\n"
        "print(sorted(j.name for j in s.get_jobs()))"
    )
    env = {**os.environ, "REDIS_URL": settings["REDIS_URL"], "DATABASE_URL": settings["DATABASE_URL"]}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    expected = (
        "['incomplete-calls', 'outbox', 'progress-updates', 'reminders', 'review-reminders', 'text-conversations']"
    )
    assert result.stdout.strip().splitlines()[-1] == expected


def test_two_rq_cron_processes_enqueue_everything_twice_and_nothing_is_sent_twice(
    app, redis, twilio_api, phone, settings
):
    """RQ's cron scheduler takes no lock: run two, as an operator might by mistake."""
    import time

    from tests.telephony.test_report_call import report_everything

    report_everything(phone)
    redis.flushdb()  # the confirmation's send job was lost: only the sweep can send it now
    env = {**os.environ, "REDIS_URL": settings["REDIS_URL"], "DATABASE_URL": settings["DATABASE_URL"]}
    rq = os.path.join(os.path.dirname(sys.executable), "rq")
    schedulers = [
        subprocess.Popen(
            [rq, "cron", "--url", settings["REDIS_URL"], "workers/cron.py"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    try:
        deadline = time.monotonic() + 30
        queue = Queue("default", connection=redis)
        while time.monotonic() < deadline and queue.count < 10:
            time.sleep(0.2)
    finally:
        for scheduler in schedulers:
            scheduler.terminate()
            scheduler.wait(timeout=10)
    outbox_sweeps = [job for job in queue.get_jobs() if job.args == ("outbox",)]
    assert len(outbox_sweeps) == 2, "each scheduler enqueued the sweep"
    run_worker(app, redis)
    assert [m["To"] for m in twilio_api.sent] == [RESIDENT]
    assert db.session.scalars(select(OutboundMessage)).one().status == "queued"
