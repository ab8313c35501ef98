"""Everything that happened on a case, oldest first: calls and the steps answered, recordings, texts both ways,
tasks set and done, notes, and changes to the case's status and officer (from the audit log).

The timeline holds the resident's words (texts, transcriptions), so only roles that may read the
whole case are shown it (`app.staff.access.fields_for`); a call's answers follow the same rule field by
field (app/casework/call_steps.py). Times are UTC; the console shows London time.

Its queries stay bounded as a case's history grows: one per kind of entry, and the audit log's reads
(one for every visit to the case page) are never fetched for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.log import AuditEntry, case_changes
from app.casework.call_steps import answered_steps, words
from app.casework.contact_log import contact_title
from app.casework.lifecycle import CLOSURE_REASONS
from app.casework.models import Case, PhoneCall
from app.casework.notes import note_detail, note_title
from app.messaging.history import messages_for_case
from app.staff.models import StaffMember

# What the timeline shows of the audit log: changes to these fields of the case (staff ids read as names).
# A closure's reason is shown with the change of status it came with (app/casework/lifecycle.py).
CASE_CHANGES = {
    "status": "Status",
    "officer": "Officer",
    "closed_reason": "Reason for closing",
    "closed_reason_text": "More about the reason",
}
STATUS_TITLES = {"closure_proposed": "Closure proposed", "closed": "Case closed", "reopened": "Case reopened"}
LATEST_CHANGE_EVENTS = 500  # the audit events that changed anything, newest first: enough for any real case


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # call | recording | text_in | text_out | task_set | task_done | case_changed | contact | a note's kind
    title: str
    detail: str | None = None


def case_timeline(session: Session, case: Case, allowed: tuple[str, ...] | None) -> list[TimelineEntry]:
    """The case's timeline for a role that may read `allowed` fields (None: all of them)."""
    entries = _calls(session, case, allowed) + _recordings(case) + _texts(session, case) + _tasks(case)
    entries += _notes(case) + _changes(session, case) + _contacts(session, case)
    return sorted(entries, key=lambda entry: entry.at)


def _calls(session: Session, case: Case, allowed: tuple[str, ...] | None) -> list[TimelineEntry]:
    calls = session.scalars(select(PhoneCall).where(PhoneCall.case_id == case.id).order_by(PhoneCall.started_at))
    return [
        TimelineEntry(
            call.started_at,
            "call",
            f"Phone call: {len(call.answers)} steps answered"
            + (f", {words(call.end_status)}" if call.end_status else ""),
            "\n".join(answered_steps(call.answers, allowed)) or None,
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


def _changes(session: Session, case: Case) -> list[TimelineEntry]:
    """The case's status and officer changes, old → new, each with who made it."""
    return [
        TimelineEntry(event.at, "case_changed", _change_title(event), _change_detail(event))
        for event in case_changes(session, case.id, tuple(CASE_CHANGES), LATEST_CHANGE_EVENTS)
    ]


def _change_title(event: AuditEntry) -> str:
    """'Case closed by Mo Khan (manager)' for a step in the case's life, else 'Officer changed by ...'."""
    who = f" by {event.staff_name} ({words(event.role)})" if event.staff_name else ""
    new_status = next((str(change.new) for change in event.changes if change.field == "status"), None)
    if new_status in STATUS_TITLES:
        return f"{STATUS_TITLES[new_status]}{who}"
    what = " and ".join(CASE_CHANGES[change.field].lower() for change in event.changes).capitalize()
    return f"{what} changed{who}"


def _change_detail(event: AuditEntry) -> str:
    """'Status: open → closed', one line a field; a field that was empty reads 'none'."""
    return "\n".join(
        f"{CASE_CHANGES[c.field]}: {_shown(c.field, c.old)} → {_shown(c.field, c.new)}" for c in event.changes
    )


def _shown(field: str, value: object) -> str:
    """A changed value as staff read it: a closure reason as the fixed list words it, typed text as typed."""
    if value is None:
        return "none"
    if field == "closed_reason":
        return CLOSURE_REASONS.get(str(value), words(str(value)))
    return str(value) if field == "closed_reason_text" else words(str(value))
