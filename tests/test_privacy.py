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


def test_a_logged_database_error_never_quotes_the_rows_values(app):
    """PostgreSQL names the row in its own detail, whatever hide_parameters hides: the log line does not."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's errors quote no values: the detail to cut is PostgreSQL's")
    import io

    from sqlalchemy import text

    from app.log_privacy import NoRowValues

    db.session.execute(
        text(
            "INSERT INTO phone_opt_outs (phone, opted_out, changed_at, source) VALUES "
            "(:phone, true, CURRENT_TIMESTAMP, 'test')"
        ),
        {"phone": RESIDENT},
    )
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.addFilter(NoRowValues())
    logger = logging.getLogger("tests.privacy")
    logger.addHandler(handler)
    try:
        db.session.execute(
            text(
                "INSERT INTO phone_opt_outs (phone, opted_out, changed_at, source) VALUES "
                "(:phone, true, CURRENT_TIMESTAMP, 'test')"
            ),
            {"phone": RESIDENT},
        )
    except IntegrityError as error:
        assert RESIDENT in str(error), "the error itself names the number: the filter is what keeps it out"
        logger.exception("could not record the opt-out")
    finally:
        logger.removeHandler(handler)
        db.session.rollback()
    assert "could not record the opt-out" in written.getvalue() and "IntegrityError" in written.getvalue()
    assert RESIDENT not in written.getvalue() and RESIDENT[3:] not in written.getvalue()


def test_the_detail_of_a_postgresql_error_is_cut_wherever_it_is_quoted():
    from app.log_privacy import without_row_values

    detail = (
        'duplicate key value violates unique constraint "phone_opt_outs_pkey"\n'
        "DETAIL:  Key (phone)=(+447911123456) already exists.\n"
        'null value in column "source" violates not-null constraint\n'
        "DETAIL:  Failing row contains (+447911123456, t, 2026-12-01 10:00:00+00, null)."
    )
    cut = without_row_values(detail)
    assert "447911123456" not in cut and cut.count("(values not logged)") == 2 and "phone_opt_outs_pkey" in cut


def test_a_stop_and_twilios_21610_for_one_number_both_land(app):
    from app.messaging.models import PhoneOptOut
    from app.messaging.opt_outs import is_opted_out, set_opted_out

    set_opted_out(db.session, RESIDENT, True, "text_stop")
    set_opted_out(db.session, RESIDENT, True, "twilio_21610")  # the same choice: kept as it was
    db.session.commit()
    record = db.session.get(PhoneOptOut, RESIDENT)
    assert (record.opted_out, record.source) == (True, "text_stop")
    set_opted_out(db.session, RESIDENT, False, "text_start")
    db.session.commit()
    assert not is_opted_out(db.session, RESIDENT) and db.session.get(PhoneOptOut, RESIDENT).source == "text_start"


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


def test_a_request_killed_for_taking_too_long_leaves_no_query_string_in_gunicorns_log(tmp_path):
    """The Procfile's gunicorn, with this project's gunicorn.conf.py, killing a worker that hangs mid-request."""
    import shutil
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "gunicorn.log"
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    command = [str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "1"]
    with log.open("w") as output:
        server = subprocess.Popen([*command, "tests.fakes.hanging_app:app"], cwd=root, stdout=output, stderr=output)
        try:
            for _ in range(100):
                if "Booting worker" in log.read_text():
                    break
                time.sleep(0.1)
            with pytest.raises(OSError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}/console/search?q=07911+123456", timeout=15)
            for _ in range(50):
                if "Error handling request" in log.read_text():
                    break
                time.sleep(0.1)
        finally:
            server.terminate()
            server.wait(timeout=10)
    logged = log.read_text()
    assert "WORKER TIMEOUT" in logged and "Error handling request GET /console/search" in logged
    assert "07911" not in logged and "q=" not in logged


def test_gunicorns_access_log_names_a_survey_without_its_token():
    """The token is the one key to a resident's survey: the access log (the Procfile's %(U)s) must not hold it."""
    from app.log_privacy import PathsOnly

    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, '%(h)s "%(m)s %(U)s" %(s)s', None, None)
    record.args = {"h": "192.0.2.7", "m": "GET", "U": "/survey/_9XqO63UyK8pJcyWupyokg", "s": "200"}
    PathsOnly().filter(record)
    assert record.getMessage() == '192.0.2.7 "GET /survey/<token>" 200'
