"""Redis stopped and restarted, or Twilio failing: the webhooks still answer and nothing is lost."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

from redis import Redis
from sqlalchemy import select

from app.casework.models import Case, Task
from app.clock import frozen_at, now
from app.extensions import db
from app.messaging.models import OutboundMessage
from devtools.embedded_redis import EmbeddedRedis
from tests.conftest import AUTH_TOKEN, OFFICER_A, PUBLIC_BASE_URL, RESIDENT
from tests.phone import Phone, Texter
from tests.telephony.test_report_call import report_everything
from tests.workers.test_confirmation_text import run_worker


def test_with_redis_stopped_calls_and_texts_are_taken_and_the_work_is_done_when_it_returns(
    make_app, officers, twilio_api, at
):
    server = EmbeddedRedis(Path(tempfile.mkdtemp(prefix="hcr-outage-")) / "redis.sock").start()
    try:
        outage_app = make_app(REDIS_URL=server.url)
        with outage_app.app_context(), at("2026-11-25 10:00"):  # a weekday: officers A and B are on duty
            server.stop()  # Redis goes down
            phone = Phone(outage_app.test_client(), PUBLIC_BASE_URL, AUTH_TOKEN, RESIDENT)
            report_everything(phone)
            assert phone.hears("reference is") and phone.hung_up
            texter = Texter(outage_app.test_client(), PUBLIC_BASE_URL, AUTH_TOKEN, "+447912345678")
            assert "REPORT" in texter.send("hello")
            case = db.session.scalars(select(Case)).one()
            task = db.session.scalars(select(Task)).one()
            assert task.assignee_id is not None and task.notified_at is None, "owner chosen, not yet told"

            server.start()  # Redis is back (empty: whatever was queued before is gone)
            redis = Redis.from_url(server.url)
            with frozen_at(now() + timedelta(minutes=2)):
                runner = outage_app.test_cli_runner()
                assert "1 notified" in runner.invoke(args=["jobs", "run", "reminders"]).output
                runner.invoke(args=["jobs", "run", "outbox"])
                run_worker(outage_app, redis)
            assert db.session.get(Task, task.id).notified_at is not None
            assert [m["To"] for m in twilio_api.sent].count(RESIDENT) == 1, "the confirmation, once"
            assert any(case.reference in m["Body"] for m in twilio_api.sent if m["To"] == OFFICER_A)
    finally:
        server.stop()


def test_twilio_5xx_then_recovery_sends_each_text_once(app, officers, redis, twilio_api, phone, at):
    twilio_api.fail_next(500, 502, 503)
    with at("2026-11-25 10:00"):
        report_everything(phone)
    for minutes in (1, 3, 13, 43):
        with at("2026-11-25 10:00"), frozen_at(now() + timedelta(minutes=minutes)):
            app.test_cli_runner().invoke(args=["jobs", "run", "outbox"])
            run_worker(app, redis)
    statuses = {m.purpose: m.status for m in db.session.scalars(select(OutboundMessage))}
    assert statuses == {"report_confirmation": "queued", "staff_notification": "queued"}
    assert sorted(m["To"] for m in twilio_api.sent) == sorted([RESIDENT, OFFICER_A])


def test_a_progress_job_lost_with_a_killed_worker_is_queued_again_by_the_next_run(app, officers, redis, twilio_api, at):
    """The dead job's id stays in Redis; the next run uses a new id and the database stops a double contact."""
    from tests.casework.test_fortnightly_updates import contacted_case, progress_texts

    contacted_case(app, redis, at)
    with at("2026-11-25 10:00"):
        app.test_cli_runner().invoke(args=["jobs", "run", "progress-updates"])
        redis.delete("rq:queue:default")  # the worker took the job and was killed before it ran
    with at("2026-11-25 10:15"):
        assert "progress-updates: 1" in app.test_cli_runner().invoke(args=["jobs", "run", "progress-updates"]).output
        run_worker(app, redis)
    assert len(progress_texts(twilio_api)) == 1
