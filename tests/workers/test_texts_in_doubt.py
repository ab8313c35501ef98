"""A text to a resident that failed for good, or may not have arrived, becomes a phone task; never silence."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.background.sweeps import sweep_outbox
from app.casework.models import Task
from app.clock import frozen_at, now
from app.extensions import db
from app.messaging.models import OutboundMessage
from tests.casework.test_officer_tasks import report
from tests.conftest import PUBLIC_BASE_URL, RESIDENT
from tests.workers.test_confirmation_text import run_worker


def confirmation() -> OutboundMessage:
    return db.session.scalars(select(OutboundMessage).where(OutboundMessage.purpose == "report_confirmation")).one()


def reload(message: OutboundMessage) -> OutboundMessage:
    return db.session.get(OutboundMessage, message.id, populate_existing=True)


def phone_tasks() -> list[Task]:
    return list(db.session.scalars(select(Task).where(Task.kind == "progress_call")))


def test_a_text_out_of_retries_becomes_a_phone_task(app, officers, redis, twilio_api):
    report("B10 0AA")
    for _attempt in range(5):
        twilio_api.fail_next(500)
        with frozen_at(reload(confirmation()).next_attempt_at + timedelta(seconds=1)):
            sweep_outbox()
            run_worker(app, redis)
    assert reload(confirmation()).status == "failed"
    [task] = phone_tasks()
    assert task.phone == RESIDENT and "could not be delivered" in (task.note or "")


def test_a_text_left_uncertain_by_a_killed_worker_becomes_a_check_task(app, officers, redis, twilio_api):
    report("B10 0AA")
    redis.flushdb()  # the send job is lost with the worker that was running it
    stuck = confirmation()
    stuck.status, stuck.claimed_at = "sending", now()
    db.session.commit()
    with frozen_at(now() + timedelta(minutes=10)):
        sweep_outbox()
        sweep_outbox()
    assert reload(stuck).status == "uncertain"
    [task] = phone_tasks()
    assert "check they got it" in (task.note or "")


def test_a_text_that_finally_succeeds_clears_its_old_error(app, officers, redis, twilio_api):
    twilio_api.fail_next(503)
    report("B10 0AA")
    run_worker(app, redis)
    assert reload(confirmation()).error_code == "20500"
    with frozen_at(reload(confirmation()).next_attempt_at + timedelta(seconds=1)):
        sweep_outbox()
        run_worker(app, redis)
    sent = reload(confirmation())
    assert sent.status == "queued" and sent.error_code is None
    assert phone_tasks() == []


def test_a_text_twilio_reports_undelivered_becomes_a_phone_task_at_once(app, officers, redis, twilio_api, phone):
    """The carrier could not deliver the confirmation (phone off for days, number gone): the officer phones."""
    report("B10 0AA")
    run_worker(app, redis)
    sid = reload(confirmation()).twilio_sid
    status_url = f"{PUBLIC_BASE_URL}/twilio/sms/status"
    phone.post(status_url, {"MessageSid": sid, "MessageStatus": "undelivered", "ErrorCode": "30003"})
    [task] = phone_tasks()
    assert task.phone == RESIDENT and "could not be delivered (30003)" in (task.note or "")
    phone.post(status_url, {"MessageSid": sid, "MessageStatus": "undelivered", "ErrorCode": "30003"})  # a retry
    sweep_outbox()
    assert len(phone_tasks()) == 1, "one task per text, whichever path finds it"
