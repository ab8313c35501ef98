"""The confirmation text reaches Twilio through the outbox worker, once per row."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import select

from app.extensions import db
from app.messaging.models import OutboundMessage
from tests.conftest import PUBLIC_BASE_URL, RESIDENT
from tests.telephony.test_report_call import report_everything
from workers.worker import AppWorker


def run_worker(app, redis: Redis) -> None:
    AppWorker([Queue("default", connection=redis)], connection=redis, app=app).work(burst=True)


def test_confirmation_text_is_sent_by_the_worker_after_the_call(app, phone, redis, twilio_api):
    report_everything(phone)
    assert twilio_api.sent == [], "the webhook itself never calls Twilio"
    run_worker(app, redis)
    assert len(twilio_api.sent) == 1
    sent = twilio_api.sent[0]
    message = db.session.scalars(select(OutboundMessage)).one()
    assert sent["To"] == RESIDENT and sent["From"] == "+441214647269"
    assert sent["Body"] == message.body
    assert sent["StatusCallback"] == f"{PUBLIC_BASE_URL}/twilio/sms/status"
    db.session.refresh(message)
    assert message.twilio_sid == sent["Sid"] and message.status == "queued"


@pytest.mark.parametrize(
    "worker_class", [["--worker-class", "workers.worker.AppWorker"], []], ids=["procfile", "plain"]
)
def test_the_real_rq_worker_command_sends_the_text(app, phone, redis, twilio_api, settings, worker_class):
    """`rq worker --burst` as a separate process: the Procfile's, or a plain one someone runs by hand."""
    report_everything(phone)
    env = {**os.environ, **{k: str(v) for k, v in settings.items() if isinstance(v, str)}}
    result = subprocess.run(
        [
            os.path.join(os.path.dirname(sys.executable), "rq"),
            "worker",
            "--burst",
            "--with-scheduler",
            "--url",
            settings["REDIS_URL"],
            *worker_class,
            "default",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert [m["To"] for m in twilio_api.sent] == [RESIDENT]
    assert RESIDENT not in result.stderr + result.stdout, "phone numbers are never logged"


def test_texts_wait_while_twilio_refuses_the_accounts_credentials_and_go_once_they_work(
    app, make_app, redis, twilio_api, at
):
    """Rotated credentials fail every text alike: nothing is wrong with the texts, so none is given up on."""
    from app.background.sweeps import sweep_outbox
    from tests.casework.test_officer_tasks import report

    rotated = make_app(TWILIO_AUTH_TOKEN="a-token-twilio-no-longer-accepts")
    with at("2026-11-25 10:00"), rotated.app_context():
        report("B10 0AA")
    for minutes in range(0, 60, 6):  # an hour of tries: twice a text's five
        with at(f"2026-11-25 10:{minutes:02d}"), rotated.app_context():
            sweep_outbox()
            run_worker(rotated, redis)
    message = db.session.scalars(select(OutboundMessage).execution_options(populate_existing=True)).one()
    assert (message.status, message.error_code) == ("pending", "20003"), "not failed: it waits for the account"
    assert twilio_api.sent == []
    with at("2026-11-25 11:05"):  # the credentials are put right
        sweep_outbox()
        run_worker(app, redis)
    assert [sent["To"] for sent in twilio_api.sent] == [RESIDENT]
