"""Everything that happened on a case, oldest first: calls, recordings, texts both ways, tasks set and done.

The timeline holds the resident's words (texts, transcriptions), so only roles that may read the
whole case are shown it (`app.staff.access.fields_for`). Times are UTC; the console shows London time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.casework.models import Case, PhoneCall
from app.casework.notes import note_detail, note_title
from app.messaging.history import messages_for_case


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # call | recording | text_in | text_out | task_set | task_done | note, signposting, referral, preferences
    title: str
    detail: str | None = None


def words(name: str | None) -> str:
    """'risk_assessment_callback' -> 'risk assessment callback'."""
    return (name or "").replace("_", " ")


def case_timeline(session: Session, case: Case) -> list[TimelineEntry]:
    entries = _calls(session, case) + _recordings(case) + _texts(session, case) + _tasks(case) + _notes(case)
    return sorted(entries, key=lambda entry: entry.at)


def _calls(session: Session, case: Case) -> list[TimelineEntry]:
    calls = session.scalars(select(PhoneCall).where(PhoneCall.case_id == case.id).order_by(PhoneCall.started_at))
    return [
        TimelineEntry(
            call.started_at,
            "call",
            f"Phone call: {len(call.answers)} steps answered"
            + (f", {words(call.end_status)}" if call.end_status else ""),
            "Answered: " + ", ".join(words(step) for step in call.answers) if call.answers else None,
        )
        for call in calls
    ]


def _recordings(case: Case) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            recording.created_at,
            "recording",
            f"Recording of the {words(recording.purpose)}"
            + (f" ({recording.duration_seconds} seconds)" if recording.duration_seconds is not None else ""),
            recording.transcription or recording.transcription_note,
        )
        for recording in case.recordings
    ]


def _texts(session: Session, case: Case) -> list[TimelineEntry]:
    return [
        TimelineEntry(text["created_at"], "text_in", "Text from the resident", text["body"])
        if text["direction"] == "inbound"
        else TimelineEntry(
            text["created_at"], "text_out", f"Text to the resident ({words(text['status'])})", text["body"]
        )
        for text in messages_for_case(session, case.id)
    ]


def _tasks(case: Case) -> list[TimelineEntry]:
    entries = []
    for task in case.tasks:
        owner = f" for {task.assignee.name}" if task.assignee else ""
        entries.append(TimelineEntry(task.created_at, "task_set", f"Task set{owner}: {words(task.kind)}", task.note))
        if task.completed_at is not None:
            entries.append(
                TimelineEntry(task.completed_at, "task_done", f"Task done: {words(task.kind)}", words(task.outcome))
            )
    return entries


def _notes(case: Case) -> list[TimelineEntry]:
    """Staff's notes, signposting and referrals, and changes to contact preferences."""
    return [TimelineEntry(note.created_at, note.kind, note_title(note), note_detail(note)) for note in case.notes]
