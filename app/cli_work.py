"""Command-line work on tasks and cases: `flask --app app tasks|cases ...` (the console comes later)."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.casework import progress, tasks
from app.casework.models import Task
from app.casework.performance import as_csv, has_started, last_complete_month, month_named, monthly_report
from app.casework.service import find_case_by_reference
from app.clock import now
from app.extensions import db
from app.staff.accounts import find_staff

tasks_cli = AppGroup("tasks", help="Callback, removal and other tasks.")
cases_cli = AppGroup("cases", help="Cases.")


@click.command("performance")
@click.argument("month", required=False)
def performance_report(month: str | None) -> None:
    """The service standard's figures for MONTH (YYYY-MM; the last complete month if none) as CSV, figures only."""
    instant = now()
    first = month_named(month) if month else last_complete_month(instant)
    if first is None:
        raise click.ClickException("give the month as YYYY-MM, for example 2026-11")
    if not has_started(first, instant):
        raise click.ClickException(f"{first:%Y-%m} has not started yet: give a month that has")
    click.echo(as_csv(monthly_report(db.session(), first, instant)), nl=False)


@tasks_cli.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include completed tasks.")
def tasks_list(show_all: bool) -> None:
    """Open tasks, soonest due first (overdue ones say so)."""
    query = select(Task).order_by(Task.due_at)
    if not show_all:
        query = query.where(Task.status == "open")
    for task in db.session.scalars(query):
        owner = task.assignee.email if task.assignee else "-"
        click.echo(
            f"{task.id:>6}  {task.case.reference}  {task.kind:<26} {tasks.shown_status(task):<8} "
            f"due {task.due_at.isoformat()}  {owner}"
        )


@tasks_cli.command("complete")
@click.argument("task_id", type=int)
@click.option(
    "--outcome",
    required=True,
    help="spoke_to_resident, no_answer, wrong_number, resident_declined; "
    "removed or not_found for graffiti; done for other tasks.",
)
@click.option(
    "--risk", "risk_level", type=click.Choice(["standard", "medium", "high"]), help="The risk assessment result."
)
@click.option("--note", default=None)
@click.option("--by", "by_email", default=None, help="The email of the officer who did it.")
def tasks_complete(task_id: int, outcome: str, risk_level: str | None, note: str | None, by_email: str | None) -> None:
    """Complete a task with its outcome (no answer schedules the next attempt)."""
    by = find_staff(db.session(), by_email) if by_email else None
    if by_email and by is None:
        raise click.ClickException(f"no staff account for {by_email}")
    try:
        follow_up = tasks.complete(db.session(), task_id, outcome, by, risk_level, note)
    except tasks.TaskError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"task {task_id} completed: {outcome}")
    if follow_up is not None:
        click.echo(f"next: task {follow_up.id} ({follow_up.kind}) due {follow_up.due_at.isoformat()}")


@tasks_cli.command("reassign")
@click.argument("task_id", type=int)
@click.option("--to", "to_email", required=True, help="The email of the officer taking it over.")
def tasks_reassign(task_id: int, to_email: str) -> None:
    """Give a task to another officer (managers); they are told at once."""
    officer = find_staff(db.session(), to_email)
    if officer is None:
        raise click.ClickException(f"no staff account for {to_email}")
    try:
        tasks.reassign(db.session(), task_id, officer)
    except tasks.TaskError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"task {task_id} reassigned to {officer.email}")


@cases_cli.command("send-update")
@click.argument("reference")
def cases_send_update(reference: str) -> None:
    """Text the resident their progress update now; resets the two-week clock."""
    case = find_case_by_reference(db.session(), reference)
    if case is None:
        raise click.ClickException(f"no case {reference}")
    if not progress.send_update_now(db.session(), case):
        raise click.ClickException("this resident cannot be texted (not safe, not a mobile, or opted out): phone them")
    next_due = case.next_update_due.isoformat() if case.next_update_due else "-"
    click.echo(f"update queued for {case.reference}; next due {next_due}")
