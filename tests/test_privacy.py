"""Special category data stays out of logs: errors and log lines carry ids and references, never numbers or accounts."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import IntegrityError

from app.casework.models import Case
from app.extensions import db
from tests.conftest import RESIDENT
from tests.telephony.test_report_call import report_everything
from tests.workers.test_confirmation_text import run_worker


def test_a_database_error_does_not_carry_the_residents_details(app):
    secret = "They shouted at me in the park"
    for _ in range(2):
        db.session.add(
            Case(
                reference="HC-100001",
                reference_digits="100001",
                kind="hate_crime",
                channel="web",
                caller_phone=RESIDENT,
                description=secret,
            )
        )
    with pytest.raises(IntegrityError) as error:
        db.session.commit()
    db.session.rollback()
    assert RESIDENT not in str(error.value) and secret not in str(error.value)


def test_a_whole_call_texts_and_the_worker_log_no_number_or_account(app, phone, texter, redis, twilio_api, caplog):
    caplog.set_level(logging.DEBUG)
    report_everything(phone)
    texter.send("Somebody wrote abuse on my front door in red paint last night")
    texter.send("STOP")
    run_worker(app, redis)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert logged, "something was logged"
    assert RESIDENT not in logged and "7911" not in logged
    assert "red paint" not in logged
