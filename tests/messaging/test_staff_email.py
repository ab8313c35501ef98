"""Where SMTP is configured, staff are emailed as well as texted; emails have an outbox of their own."""

from __future__ import annotations

import subprocess

from sqlalchemy import select

from app.extensions import db
from app.messaging.models import OutboundEmail
from tests.casework.test_officer_tasks import report, the_task
from tests.conftest import OFFICER_A
from tests.fakes.smtp_server import FakeSmtpServer
from tests.workers.test_confirmation_text import run_worker


def test_officers_and_the_duty_manager_are_emailed_when_smtp_is_configured(make_app, officers, redis, twilio_api, at):
    with FakeSmtpServer() as smtp:
        mail_app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_STARTTLS=False)
        with mail_app.app_context(), at("2026-11-25 10:00"):
            case = report("B10 0AA", danger=True)
            run_worker(mail_app, redis)
            run_worker(mail_app, redis)
        by_recipient = {mail["To"]: mail for mail in smtp.mailbox.received}
    assert set(by_recipient) == {"a@example.org", "duty@example.org"}
    officer_mail = by_recipient["a@example.org"]
    assert officer_mail["Subject"] == f"New callback: {case.reference}"
    assert "due by 5pm on Thursday 26 November" in officer_mail.get_payload()
    assert "detail" not in officer_mail.get_payload()


def test_a_refused_address_fails_for_good_and_a_dead_server_is_retried(make_app, officers, redis, twilio_api, at):
    with FakeSmtpServer() as smtp:
        smtp.mailbox.refused.add("a@example.org")
        port = smtp.port
        mail_app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_STARTTLS=False)
        with mail_app.app_context(), at("2026-11-25 10:00"):
            report("B10 0AA")
            run_worker(mail_app, redis)
            run_worker(mail_app, redis)
            assert db.session.scalars(select(OutboundEmail)).one().status == "failed"
    down_app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_STARTTLS=False)  # nothing listens there now
    with down_app.app_context(), at("2026-11-25 10:05"):
        case = report("B10 0AA")
        run_worker(down_app, redis)
        run_worker(down_app, redis)
        email = db.session.scalars(select(OutboundEmail).where(OutboundEmail.case_id == case.id)).one()
        assert email.status == "pending" and email.attempts == 1 and email.error_code == "ConnectionRefusedError"


def test_without_smtp_staff_are_texted_only(app, officers, redis, twilio_api):
    case = report("B10 0AA")
    run_worker(app, redis)
    assert db.session.scalars(select(OutboundEmail)).all() == []
    assert the_task(case).assignee.email == "a@example.org"
    assert any(case.reference in m["Body"] for m in twilio_api.sent if m["To"] == OFFICER_A)


def test_email_never_logs_in_to_a_server_whose_certificate_it_cannot_trust(make_app, officers, redis, at, tmp_path):
    """Someone on the network path answering for the mail server gets neither the password nor the emails."""
    certificate, key = str(tmp_path / "cert.pem"), str(tmp_path / "key.pem")
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=evil.example",
            "-keyout",
            key,
            "-out",
            certificate,
        ],
        check=True,
        capture_output=True,
    )
    with FakeSmtpServer(certificate=(certificate, key)) as smtp:
        mail_app = make_app(
            SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_USERNAME="hcl@birmingham.gov.uk", SMTP_PASSWORD="secret"
        )
        with mail_app.app_context(), at("2026-11-25 10:00"):
            report("B10 0AA")
            run_worker(mail_app, redis)
            email = db.session.scalars(select(OutboundEmail)).one()
            assert email.status == "pending" and "SSLCertVerificationError" in str(email.error_code)
    assert smtp.mailbox.logins == [] and smtp.mailbox.received == []
