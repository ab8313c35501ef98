"""Everything that happened on a case, oldest first: calls, recordings, texts both ways, tasks set and done.

The timeline holds the resident's words (texts, transcriptions), so only roles that may read the
whole case are shown it (`app.staff.access.fields_for`). Times are UTC; the console shows London time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.casework.contact_log import contact_title
from app.casework.lifecycle import CLOSED, CLOSURE_PROPOSED, CLOSURE_REASONS
from app.casework.models import Case, PhoneCall
from app.casework.notes import note_detail, note_title
from app.messaging.history import messages_for_case
from app.staff.models import StaffMember


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    # call | recording | text_in | text_out | task_set | task_done | note, signposting, referral, preferences
    # | contact | closure_proposed | closed | reopened
    kind: str
    title: str
    detail: str | None = None


def words(name: str | None) -> str:
    """'risk_assessment_callback' -> 'risk assessment callback'."""
    return (name or "").replace("_", " ")


def case_timeline(session: Session, case: Case) -> list[TimelineEntry]:
    entries = _calls(session, case) + _recordings(case) + _texts(session, case) + _tasks(case) + _notes(case)
    entries += _contacts(session, case) + _closure(case)
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


def _contacts(session: Session, case: Case) -> list[TimelineEntry]:
    """The contact log: calls, visits, letters, texts and emails staff recorded, with their notes."""
    names = {
        member.id: member.name
        for member in session.scalars(
            select(StaffMember).where(StaffMember.id.in_({entry.staff_id for entry in case.contact_log}))
        )
    }
    return [
        TimelineEntry(entry.at, "contact", contact_title(entry, names.get(entry.staff_id or 0)), entry.note)
        for entry in case.contact_log
    ]


def _closure(case: Case) -> list[TimelineEntry]:
    """Closure proposed, the case closed or reopened (as they last happened: the audit log keeps every change)."""
    entries = []
    if case.status == CLOSURE_PROPOSED and case.closure_proposed_at:
        entries.append(TimelineEntry(case.closure_proposed_at, CLOSURE_PROPOSED, "Closure proposed"))
    if case.status == CLOSED and case.closed_at:
        reason = CLOSURE_REASONS.get(case.closed_reason or "", "")
        detail = "\n".join(part for part in (reason, case.closed_reason_text) if part)
        entries.append(TimelineEntry(case.closed_at, CLOSED, "Case closed", detail or None))
    if case.reopened_at:
        entries.append(TimelineEntry(case.reopened_at, "reopened", "Case reopened"))
    return entries
