"""The outbox: committed first, sent by the worker, retried with back-off, never sent twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rq import Queue
from rq.job import JobStatus
from rq.registry import FailedJobRegistry
from sqlalchemy import select

from app.background.sweeps import sweep_outbox
from app.background.texts import drain_due_texts
from app.clock import frozen_at, now
from app.extensions import db
from app.jobs import JobName, JobRequest, enqueue_now
from app.messaging.models import OutboundMessage
from app.messaging.outbox import queue_text
from tests.conftest import PUBLIC_BASE_URL, RESIDENT
from tests.workers.test_confirmation_text import run_worker


def a_text(to: str = RESIDENT) -> OutboundMessage:
    message = queue_text(
        db.session, to=to, body="Birmingham City Council: your reference is HC-123456.", purpose="test"
    )
    db.session.commit()
    return message


def reload(message: OutboundMessage) -> OutboundMessage:
    return db.session.get(OutboundMessage, message.id, populate_existing=True)


def test_twilio_5xx_is_retried_with_back_off_and_sent_once(app, redis, twilio_api):
    twilio_api.fail_next(503)
    message = a_text()
    run_worker(app, redis)
    failed = reload(message)
    assert failed.status == "pending" and failed.attempts == 1 and failed.error_code == "20500"
    assert failed.next_attempt_at > now() + timedelta(seconds=20)
    assert FailedJobRegistry(queue=Queue("default", connection=redis)).count == 1, "visible in RQ's failed registry"

    assert sweep_outbox() == 0, "not due yet"
    with frozen_at(failed.next_attempt_at + timedelta(seconds=1)):
        assert sweep_outbox() == 1
        run_worker(app, redis)
    sent = reload(message)
    assert sent.status == "queued" and sent.attempts == 2
    assert [m["Body"] for m in twilio_api.sent] == [message.body]


def test_a_text_fails_for_good_after_the_last_attempt(app, redis, twilio_api):
    message = a_text()
    for _attempt in range(5):
        twilio_api.fail_next(500)
        with frozen_at(reload(message).next_attempt_at + timedelta(seconds=1)):
            sweep_outbox()
            run_worker(app, redis)
    assert reload(message).status == "failed" and reload(message).attempts == 5
    assert twilio_api.sent == []


def test_opted_out_number_21610_is_a_permanent_failure_not_retried(app, redis, twilio_api):
    twilio_api.refuse(RESIDENT, 21610)
    message = a_text()
    run_worker(app, redis)
    assert reload(message).status == "failed" and reload(message).error_code == "21610"
    with frozen_at(now() + timedelta(days=1)):
        assert sweep_outbox() == 0


def test_two_jobs_for_the_same_row_send_one_text(app, redis, twilio_api, settings):
    message = a_text()
    enqueue_now(settings["REDIS_URL"], [JobRequest(JobName.SEND_TEXT, (message.id,), "a-duplicate-job")])
    assert Queue("default", connection=redis).count == 2
    run_worker(app, redis)
    assert len(twilio_api.sent) == 1


def test_a_texts_claim_is_committed_before_twilio_is_asked(app, redis, twilio_api):
    """So a worker killed while Twilio has the text leaves it claimed, never due again (see the next test)."""
    message = a_text()
    engine, seen_while_sending = db.engine, []
    status_of_text = select(OutboundMessage.status).where(OutboundMessage.id == message.id)

    def read_from_another_connection(_text):
        with engine.connect() as elsewhere:
            seen_while_sending.append(elsewhere.scalar(status_of_text))

    twilio_api.on_sent = read_from_another_connection
    run_worker(app, redis)
    assert seen_while_sending == ["sending"]
    assert reload(message).status == "queued"


def test_a_claim_left_by_a_killed_worker_is_never_resent(app, redis, twilio_api):
    """The worker may have died before or after Twilio took the text: we cannot tell, so we do not resend."""
    message = a_text()
    redis.flushdb()
    stuck = reload(message)
    stuck.status, stuck.claimed_at = "sending", now()
    db.session.commit()
    with frozen_at(now() + timedelta(minutes=10)):
        assert sweep_outbox() == 0
    assert reload(message).status == "uncertain"
    run_worker(app, redis)
    assert twilio_api.sent == []


def test_texts_go_through_the_messaging_service_when_configured(make_app, redis, twilio_api):
    service_app = make_app(TWILIO_MESSAGING_SERVICE_SID="MG" + "2" * 32)
    with service_app.app_context():
        a_text()
        run_worker(service_app, redis)
    sent = twilio_api.sent[0]
    assert sent["MessagingServiceSid"] == "MG" + "2" * 32 and "From" not in sent


def test_status_callbacks_update_the_row_and_never_go_backwards(app, redis, twilio_api, phone):
    message = a_text()
    run_worker(app, redis)
    sid = reload(message).twilio_sid
    url = f"{PUBLIC_BASE_URL}/twilio/sms/status"
    assert phone.post(url, {"MessageSid": sid, "MessageStatus": "delivered"}).status_code == 200
    phone.post(url, {"MessageSid": sid, "MessageStatus": "sent"})  # late and out of order
    assert reload(message).status == "delivered"
    assert phone.post(url, {"MessageSid": sid, "MessageStatus": "failed"}, signed=False).status_code == 403


def test_undelivered_status_keeps_twilios_error_code(app, redis, twilio_api, phone):
    message = a_text()
    run_worker(app, redis)
    phone.post(
        f"{PUBLIC_BASE_URL}/twilio/sms/status",
        {"MessageSid": reload(message).twilio_sid, "MessageStatus": "undelivered", "ErrorCode": "30003"},
    )
    assert reload(message).status == "undelivered" and reload(message).error_code == "30003"


@pytest.mark.parametrize("unreachable", ["unix:///nonexistent/redis.sock", "redis://127.0.0.1:1/0"])
def test_with_redis_down_the_call_succeeds_and_the_sweep_sends_the_text_later(make_app, redis, twilio_api, unreachable):
    from tests.conftest import AUTH_TOKEN
    from tests.phone import Phone
    from tests.telephony.test_report_call import report_everything

    down = make_app(REDIS_URL=unreachable)
    with down.app_context():
        phone = Phone(down.test_client(), PUBLIC_BASE_URL, AUTH_TOKEN, RESIDENT)
        report_everything(phone)
        assert phone.hears("reference is") and phone.hung_up
        message = db.session.scalars(select(OutboundMessage)).one()
        assert message.status == "pending"
    assert Queue("default", connection=redis).count == 0

    back = make_app()  # Redis is back: the periodic sweep finds the row
    with back.app_context():
        assert sweep_outbox() == 1
        run_worker(back, redis)
        assert reload(message).status == "queued"
    assert [m["To"] for m in twilio_api.sent] == [RESIDENT]


def test_each_row_records_the_parts_and_encoding_twilio_will_bill(app):
    """A '€' that cannot start in part 1's last free septet makes three parts, not ceil(306 / 153) = 2."""
    body = "a" * 152 + "€" + "a" * 152
    message = queue_text(db.session, to=RESIDENT, body=body, purpose="test")
    db.session.commit()
    assert (reload(message).segments, reload(message).encoding) == (3, "GSM-7")


def test_a_ucs2_text_is_logged_by_id_and_count_never_by_body_or_number(app, caplog):
    body = "Your officer Siobhán is working on it \U0001f44d"
    with caplog.at_level("WARNING", logger="app.messaging.outbox"):
        message = queue_text(db.session, to=RESIDENT, body=body, purpose="test")
    db.session.commit()
    assert (reload(message).segments, reload(message).encoding) == (1, "UCS-2")
    assert f"text {message.id} for case id None needs UCS-2 (1 segments)" in caplog.text
    assert "Siobhán" not in caplog.text and RESIDENT not in caplog.text


def test_a_burst_of_texts_waits_for_one_job_that_sends_them_all_in_order_each_once(app, redis, twilio_api):
    """Texts queued while a send job waits join it, rather than each paying for a job of its own."""
    burst = [a_text(f"+4479110000{n:02d}") for n in range(12)]
    queue = Queue("default", connection=redis)
    assert queue.count == 1
    run_worker(app, redis)
    assert [m["To"] for m in twilio_api.sent] == [text.to_phone for text in burst]
    assert all(reload(text).status == "queued" for text in burst)


def test_a_text_queued_while_the_send_job_runs_gets_a_job_of_its_own(app, redis, twilio_api):
    first = a_text()
    queue = Queue("default", connection=redis)
    [shared] = queue.get_jobs()
    shared.set_status(JobStatus.STARTED)  # a worker has taken it: it may already be past its last look
    second = a_text("+447911000099")
    assert sorted(job.id for job in queue.get_jobs()) == sorted([shared.id, f"send-text-{second.id}-0"])
    assert first.id != second.id
    a_text("+447911000098")
    assert queue.count == 2, "the next text joins the second's job, which is waiting"
    run_worker(app, redis)
    assert len(twilio_api.sent) == 3


def test_texts_that_joined_a_job_are_sent_when_its_own_text_fails_for_now(app, redis, twilio_api):
    own, joined = a_text(), a_text("+447911000099")
    assert Queue("default", connection=redis).count == 1
    twilio_api.fail_next(500)
    run_worker(app, redis)
    assert reload(own).status == "pending" and reload(own).attempts == 1, "waits for its retry"
    assert reload(joined).status == "queued" and [m["To"] for m in twilio_api.sent] == [joined.to_phone]


def test_a_send_job_out_of_time_hands_the_rest_to_a_job_for_the_next_text(app, redis, twilio_api):
    texts = [a_text(f"+4479110000{n:02d}") for n in range(3)]
    Queue("default", connection=redis).empty()
    waiting = Queue("default", connection=redis).enqueue("app.background.registry.run_job", "outbox")
    assert drain_due_texts(f"{PUBLIC_BASE_URL}/twilio/sms/status", until=0.0) == 0, "no time left at all"
    carry_on, _ = Queue("default", connection=redis).get_jobs()
    assert carry_on.id == f"send-text-{texts[0].id}-0-next", "ahead of the jobs already waiting"
    waiting.delete()
    run_worker(app, redis)
    assert len(twilio_api.sent) == 3


def test_draining_stops_at_twilios_first_5xx_and_leaves_the_rest_due(app, redis, twilio_api):
    texts = [a_text(f"+4479110000{n:02d}") for n in range(3)]
    Queue("default", connection=redis).empty()
    twilio_api.fail_next(503)
    assert drain_due_texts(f"{PUBLIC_BASE_URL}/twilio/sms/status", float("inf")) == 0
    assert reload(texts[0]).status == "pending" and reload(texts[0]).attempts == 1, "waits for its retry"
    assert [reload(text).attempts for text in texts[1:]] == [0, 0], "not tried while Twilio is failing"
    assert twilio_api.sent == []
