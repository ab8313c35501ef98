"""Jobs for tasks and the fortnightly updates: each takes an id and is safe to run twice."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from app.background.context import job
from app.casework import progress, tasks
from app.casework.tasks import Contact, Teams
from app.extensions import db


def teams() -> Teams:
    config = current_app.config
    return Teams(
        cleansing=Contact(config["CLEANSING_TEAM_MOBILE"] or None, config["CLEANSING_TEAM_EMAIL"] or None),
        cleansing_manager=Contact(
            config["CLEANSING_MANAGER_MOBILE"] or None, config["CLEANSING_MANAGER_EMAIL"] or None
        ),
        email_enabled=bool(config["SMTP_HOST"]),
    )


@job
def assign_task(task_id: int) -> bool:
    """Give a new task its owner and tell them (and the duty manager for high risk)."""
    return tasks.assign(db.session(), task_id, teams())


@job
def contact_for_update(case_id: int, selected_at: str) -> str:
    """Send one case its fortnightly update by the agreed method (`selected_at`: ISO time of the run)."""
    return progress.contact_for_update(db.session(), case_id, datetime.fromisoformat(selected_at))
