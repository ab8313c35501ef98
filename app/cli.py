"""Command-line interface: `flask --app app db|staff|jobs|ivr|seed-demo ...`."""

from __future__ import annotations

from datetime import datetime

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app import demo, migrate
from app.background.registry import JOBS, job_named
from app.clock import frozen_at
from app.config import INSTANCE_DIR
from app.extensions import db
from app.staff.accounts import (
    StaffError,
    WorkingPattern,
    create_staff,
    issue_token,
    parse_days,
    parse_hours,
    revoke_all_tokens,
)
from app.staff.models import ROLES
from app.staff.passwords import check_password_allowed, set_password

db_cli = AppGroup("db", help="Database migrations.")
staff_cli = AppGroup("staff", help="Staff accounts and API tokens.")
jobs_cli = AppGroup("jobs", help="Background jobs and the periodic schedule.")
ivr_cli = AppGroup("ivr", help="Try the phone line without a phone.")


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration (the Procfile's release step)."""
    migrate.upgrade(str(current_app.config["DATABASE_URL"]))
    click.echo("database is up to date")


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Write a new migration from the models (developers)."""
    migrate.new_revision(str(current_app.config["DATABASE_URL"]), message)


@staff_cli.command("create")
@click.argument("email")
@click.argument("name", required=False)
@click.option("--name", "name_option", help="The person's name (or give it after the email).")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--mobile", help="Where task notifications are texted.")
@click.option("--patch", default="", help="Postcode districts covered, e.g. B10,B11.")
@click.option("--manager", "manager_email", help="The email of the manager overdue tasks escalate to.")
@click.option("--days", default="mon-fri", show_default=True, help="Working days, e.g. mon-fri or mon,tue,thu.")
@click.option("--hours", default="09:00-17:00", show_default=True, help="Working hours, London time.")
@click.option("--duty-manager", is_flag=True, help="A manager who receives high-risk alerts.")
@click.option("--password", "with_password", is_flag=True, help="Ask for a console password (typed, not shown).")
def staff_create(
    email: str,
    name: str | None,
    name_option: str | None,
    role: str,
    mobile: str | None,
    patch: str,
    manager_email: str | None,
    days: str,
    hours: str,
    duty_manager: bool,
    with_password: bool,
) -> None:
    """Create a staff account: flask staff create EMAIL "NAME" --role ROLE [--password]."""
    if not (name or name_option):
        raise click.UsageError("give the person's name after the email, or as --name")
    try:
        works_from, works_until = parse_hours(hours)
        pattern = WorkingPattern(parse_days(days), works_from, works_until)
        password = _ask_for_password() if with_password else None
        if password is not None:
            check_password_allowed(role, password)  # before the account exists, so a refusal leaves nothing
        member = create_staff(
            db.session(),
            email,
            str(name or name_option),
            role,
            mobile=mobile,
            patch=patch.split(","),
            manager_email=manager_email,
            pattern=pattern,
            duty_manager=duty_manager,
        )
        if password is not None:
            set_password(db.session(), member.email, password)
    except StaffError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"created {member.role} account for {member.email}" + (" with a password" if password else ""))


@staff_cli.command("set-password")
@click.argument("email")
def staff_set_password(email: str) -> None:
    """Set or reset EMAIL's console password (asked for, never on the command line); ends their sessions."""
    try:
        member = set_password(db.session(), email, _ask_for_password())
    except StaffError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"new password set for {member.email}; any console session they had has ended")


def _ask_for_password() -> str:
    """Typed twice and never shown, so it stays out of the shell's history and the screen."""
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@staff_cli.command("token")
@click.argument("email")
@click.option("--replace", is_flag=True, help="Revoke every token EMAIL had (rotate a token that may have leaked).")
def staff_token(email: str, replace: bool) -> None:
    """Print a new API token for EMAIL (only its hash is stored: keep it safe)."""
    try:
        click.echo(issue_token(db.session(), email, replacing=replace))
    except StaffError as error:
        raise click.ClickException(str(error)) from error


@staff_cli.command("revoke-tokens")
@click.argument("email")
def staff_revoke_tokens(email: str) -> None:
    """Revoke every API token of EMAIL at once (the account itself stays as it is)."""
    try:
        revoked = revoke_all_tokens(db.session(), email)
    except StaffError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"revoked {revoked} token(s) of {email.strip().lower()}")


DEMO_LETTERS = INSTANCE_DIR / "letters"


@click.command("seed-demo")
def seed_demo() -> None:
    """Create the demo staff accounts and the demo case (safe to run again); prints its reference.

    A demo console account's password is printed once, when it is set; later runs say the accounts exist.
    """
    base_url = str(current_app.config["PUBLIC_BASE_URL"])
    sign_ins = demo.seed_demo_staff(db.session())
    reference = demo.seed_demo(db.session(), base_url)
    click.echo("demo staff: " + ", ".join(f"{email} ({role})" for email, _, role in demo.DEMO_STAFF))
    click.echo(demo_sign_ins(sign_ins))
    click.echo(f"demo case: {reference}")
    for letter in demo.write_demo_letters(db.session(), DEMO_LETTERS, base_url):
        click.echo(f"demo letter: {letter}")


def demo_sign_ins(sign_ins: list[demo.DemoSignIn]) -> str:
    """The demo console accounts' sign-in details, or where to find them once they have been shown."""
    if not sign_ins:
        return (
            "demo console accounts already exist: their passwords were shown when they were made "
            "(set a new one with: flask --app app staff set-password EMAIL)"
        )
    lines = [f"    {login.role:<15} {login.email:<28} {login.password}" for login in sign_ins]
    return "\n".join(["demo console sign-ins (shown only this once; only a hash of each password is kept):", *lines])


@jobs_cli.command("list")
def jobs_list() -> None:
    """Show every background job: the periodic schedule, then the jobs the line asks for."""
    for job in sorted(JOBS, key=lambda job: job.every_seconds is None):
        when = f"every {job.every_seconds:>4}s" if job.every_seconds else "on demand "
        click.echo(f"{job.name:<22} {when}  {job.purpose}")


@jobs_cli.command("run")
@click.argument("name")
@click.option("--as-of", "as_of", default=None, help="Run as if it were this ISO 8601 time (with offset).")
def jobs_run(name: str, as_of: str | None) -> None:
    """Run one periodic job now."""
    try:
        job = job_named(name)
    except KeyError as error:
        raise click.ClickException(f"no periodic job called {name}") from error
    if job.every_seconds is None:
        raise click.ClickException(f"{name} runs on demand for one row, not on a schedule")
    if as_of is None:
        click.echo(f"{name}: {job.func()}")
        return
    instant = datetime.fromisoformat(as_of)
    if instant.tzinfo is None:
        raise click.ClickException("--as-of needs a UTC offset, e.g. 2026-11-30T10:00:00+00:00")
    with frozen_at(instant):
        click.echo(f"{name}: {job.func()}")


@ivr_cli.command("call")
@click.option("--url", default=None, show_default="http://127.0.0.1:$PORT", help="Where the app is running.")
@click.option(
    "--public-url",
    default=None,
    show_default="PUBLIC_BASE_URL",
    help="The app's PUBLIC_BASE_URL, which signatures are checked against.",
)
@click.option("--from", "from_number", default="+447911123456", show_default=True, help="The caller's number.")
def ivr_call(url: str | None, public_url: str | None, from_number: str) -> None:
    """Play the call flow in the terminal, signing requests as Twilio does."""
    from app.telephony.simulator import PhoneSimulator, SimulatorError

    config = current_app.config
    app_url = url or f"http://127.0.0.1:{config['PORT']}"
    try:
        PhoneSimulator(
            app_url=app_url,
            public_base_url=public_url or str(config["PUBLIC_BASE_URL"]),
            also_signed_for=(str(config["PUBLIC_BASE_URL"]), app_url),
            auth_token=str(config["TWILIO_AUTH_TOKEN"]),
            account_sid=str(config["TWILIO_ACCOUNT_SID"]),
            from_number=from_number,
            to_number=str(config["TWILIO_PHONE_NUMBER"]),
        ).run()
    except SimulatorError as error:
        raise click.ClickException(str(error)) from error


@jobs_cli.command("failed")
def jobs_failed() -> None:
    """What needs a person (unalerted high-risk cases, tasks nobody can take), then RQ's failed jobs."""
    from redis.exceptions import RedisError

    from app.background.failures import failed_jobs
    from app.casework.attention import needs_attention

    for item in needs_attention(db.session()):
        click.echo(f"needs attention  case {item.case_reference}  {item.problem}")
    try:
        rows = failed_jobs()
    except RedisError as error:
        raise click.ClickException(f"cannot reach Redis ({type(error).__name__}): is REDIS_URL right?") from error
    for row in rows:
        click.echo(f"{row.job_id}  {row.function}  case {row.case_reference or '-'}  {row.error}")
    if not rows:
        click.echo("no failed jobs")


def register_commands(app: Flask) -> None:
    from app.cli_work import cases_cli, performance_report, tasks_cli

    for command in (db_cli, staff_cli, jobs_cli, ivr_cli, tasks_cli, cases_cli, seed_demo, performance_report):
        app.cli.add_command(command)
