"""The command line staff and operators use: `flask --app app ...`."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.messaging.models import OutboundMessage
from app.staff.models import StaffMember


def test_staff_create_and_token_give_a_working_api_token(app, client):
    runner = app.test_cli_runner()
    created = runner.invoke(
        args=["staff", "create", "Officer.Khan@Birmingham.gov.uk", "--name", "A Khan", "--role", "officer"]
    )
    assert created.exit_code == 0, created.output
    assert db.session.scalars(select(StaffMember)).one().email == "officer.khan@birmingham.gov.uk"
    token = runner.invoke(args=["staff", "token", "officer.khan@birmingham.gov.uk"]).output.strip()
    assert (
        client.get("/api/v1/cases?phone=07911123456", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    )


def test_staff_create_refuses_an_unknown_role_and_a_duplicate(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["staff", "create", "x@example.org", "--name", "X", "--role", "superuser"]).exit_code != 0
    assert runner.invoke(args=["staff", "create", "x@example.org", "--name", "X", "--role", "manager"]).exit_code == 0
    again = runner.invoke(args=["staff", "create", "x@example.org", "--name", "X", "--role", "manager"])
    assert again.exit_code != 0 and "already" in again.output


def test_a_token_that_may_have_leaked_is_replaced_or_revoked_without_touching_the_account(app, client):
    runner = app.test_cli_runner()
    runner.invoke(args=["staff", "create", "web@example.org", "--name", "Website", "--role", "integration"])

    def accepted(token: str) -> bool:
        reply = client.get("/api/v1/cases?phone=07911123456", headers={"Authorization": f"Bearer {token}"})
        return reply.status_code != 401

    first, second = (runner.invoke(args=["staff", "token", "web@example.org"]).output.strip() for _ in range(2))
    assert accepted(first) and accepted(second)
    rotated = runner.invoke(args=["staff", "token", "web@example.org", "--replace"]).output.strip()
    assert (accepted(first), accepted(second), accepted(rotated)) == (False, False, True)
    revoked = runner.invoke(args=["staff", "revoke-tokens", "web@example.org"])
    assert revoked.exit_code == 0 and "revoked 1 token" in revoked.output
    assert not accepted(rotated)
    assert db.session.scalars(select(StaffMember)).one().active, "the account itself is untouched"
    assert runner.invoke(args=["staff", "revoke-tokens", "nobody@example.org"]).exit_code != 0


def test_token_for_an_unknown_email_fails(app):
    assert app.test_cli_runner().invoke(args=["staff", "token", "nobody@example.org"]).exit_code != 0


def test_seed_demo_can_run_twice_and_prints_the_console_passwords_only_the_first_time(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    second = runner.invoke(args=["seed-demo"])
    assert first.exit_code == second.exit_code == 0
    assert len(db.session.scalars(select(StaffMember)).all()) == 5, "one of each role"
    assert re.search(r"officer +demo\.officer@example\.org +\S{20}", first.output)
    assert "demo console accounts already exist" in second.output and "demo.officer@example.org  " not in second.output


def test_jobs_list_shows_the_schedule(app):
    output = app.test_cli_runner().invoke(args=["jobs", "list"]).output
    assert "outbox" in output and "incomplete-calls" in output


def test_seed_demo_prints_the_reference_of_a_case_the_api_serves(app, client):
    """`make run`'s banner has a working curl: the demo case exists, once, and can be read."""
    runner = app.test_cli_runner()
    first = re.search(r"demo case: (HC-\d{6})", runner.invoke(args=["seed-demo"]).output)
    again = re.search(r"demo case: (HC-\d{6})", runner.invoke(args=["seed-demo"]).output)
    assert first and again and first.group(1) == again.group(1)
    token = runner.invoke(args=["staff", "token", "demo.admin@example.org"]).output.strip()
    shown = client.get(f"/api/v1/cases/{first.group(1)}", headers={"Authorization": f"Bearer {token}"})
    assert shown.status_code == 200 and shown.json["reference"] == first.group(1)
    assert db.session.scalars(select(OutboundMessage)).all() == [], "seeding texts nobody"


def test_staff_create_with_password_asks_twice_and_never_takes_it_as_an_argument(app):
    runner = app.test_cli_runner()
    created = runner.invoke(
        args=["staff", "create", "admin@birmingham.gov.uk", "Ada Admin", "--role", "admin", "--password"],
        input="three random words\nthree random words\n",
    )
    assert created.exit_code == 0, created.output
    assert "three random words" not in created.output, "the password is never shown"
    admin = db.session.scalars(select(StaffMember)).one()
    assert admin.name == "Ada Admin" and admin.password_hash.startswith("$argon2id$")
    refused = runner.invoke(
        args=["staff", "create", "x@birmingham.gov.uk", "X", "--role", "officer", "--password", "hunter2hunter2"]
    )
    assert refused.exit_code != 0


def test_staff_create_refuses_a_short_password_or_a_password_for_an_integration_and_creates_nothing(app):
    runner = app.test_cli_runner()
    short = runner.invoke(
        args=["staff", "create", "o@birmingham.gov.uk", "O", "--role", "officer", "--password"], input="short\nshort\n"
    )
    website = runner.invoke(
        args=["staff", "create", "web@birmingham.gov.uk", "Web", "--role", "integration", "--password"],
        input="three random words\nthree random words\n",
    )
    assert short.exit_code != 0 and "at least 12 characters" in short.output
    assert website.exit_code != 0 and "API tokens" in website.output
    assert db.session.scalars(select(StaffMember)).all() == []


def test_an_admin_resets_a_password_with_set_password(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["staff", "create", "o@birmingham.gov.uk", "--name", "O", "--role", "officer"])
    reset = runner.invoke(
        args=["staff", "set-password", "o@birmingham.gov.uk"], input="new words for o\nnew words for o\n"
    )
    assert reset.exit_code == 0, reset.output
    assert db.session.scalars(select(StaffMember)).one().session_generation == 1
    mismatch = runner.invoke(
        args=["staff", "set-password", "o@birmingham.gov.uk"], input="one thing here\nanother\n" * 3
    )
    assert mismatch.exit_code != 0
    assert (
        runner.invoke(
            args=["staff", "set-password", "nobody@birmingham.gov.uk"], input="x" * 12 + "\n" + "x" * 12 + "\n"
        ).exit_code
        != 0
    )
