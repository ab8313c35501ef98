"""How the console words times and answers: London time, working time left, yes or no (no Flask, no database)."""

from __future__ import annotations

from datetime import datetime

from app.calendar import LONDON, clock_time, working_minutes_between
from app.clock import now

WORKING_DAY_MINUTES = 8 * 60


def london_time(instant: datetime | None) -> str:
    """'Mon 30 Nov 2026 at 5pm' in London time (stored times are UTC); '' for no time."""
    if instant is None:
        return ""
    local = instant.astimezone(LONDON)
    return f"{local:%a} {local.day} {local:%b %Y} at {clock_time(local)}"


def text_queued(waits_until: datetime, to: str) -> str:
    """What staff are told once a text to a resident is queued: sent now, or when texting hours open."""
    if waits_until > now():
        return f"Text to {to} will be sent {london_time(waits_until)}: residents are not texted at night"
    return f"Text sent to {to}"


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def working_time_left(due_at: datetime, instant: datetime) -> str:
    """'1 day 3 hours', '45 minutes': working time (9 to 5 on working days, 8 hours a day) until the deadline."""
    minutes = working_minutes_between(instant, due_at)
    days, minutes = divmod(minutes, WORKING_DAY_MINUTES)
    hours, minutes = divmod(minutes, 60)
    parts = [_plural(days, "day") if days else "", _plural(hours, "hour") if hours else ""]
    if not days:
        parts.append(_plural(minutes, "minute") if minutes or not hours else "")
    return " ".join(part for part in parts if part)


def yes_no(answer: bool | None) -> str:
    return "Not answered" if answer is None else "Yes" if answer else "No"


def words(name: str | None) -> str:
    """'risk_assessment_callback' -> 'Risk assessment callback'."""
    return (name or "").replace("_", " ").capitalize()
