"""Cases, their tasks, recordings, and the phone calls they come from."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import now
from app.extensions import Base, UTCDateTime
from app.staff.models import StaffMember


class Case(Base):
    """A report from a resident: a hate crime or incident, graffiti, or an enquiry."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    reference_digits: Mapped[str] = mapped_column(String(6), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # hate_crime | graffiti | enquiry
    channel: Mapped[str] = mapped_column(String(10))  # phone | sms | web | staff
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    caller_phone: Mapped[str | None] = mapped_column(String(20), index=True)
    callback_phone: Mapped[str | None] = mapped_column(String(20), index=True)
    call_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    strands: Mapped[list[str]] = mapped_column(JSON, default=list)
    risk_answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    risk_level: Mapped[str] = mapped_column(String(10), default="standard")
    priority: Mapped[bool] = mapped_column(default=False)
    duty_officer_flag: Mapped[bool] = mapped_column(default=False)
    needs_adjustment: Mapped[bool | None] = mapped_column(default=None)
    safe_to_text: Mapped[bool | None] = mapped_column(default=None)
    visit_requested: Mapped[bool | None] = mapped_column(default=None)
    referral_consent: Mapped[bool | None] = mapped_column(default=None)
    graffiti_offensive: Mapped[bool | None] = mapped_column(default=None)
    incomplete_call: Mapped[bool] = mapped_column(default=False)
    # What the resident wrote (texts, the website); a phone report's account is a recording.
    description: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(Text)
    occurred: Mapped[str | None] = mapped_column(Text)
    # Set when the resident's number opts out of texts: the officer updates by phone instead.
    contact_by_phone_only: Mapped[bool] = mapped_column(default=False)
    # Why it is phone only ("stop": the resident texted STOP, so START undoes it; anything else stays).
    phone_only_reason: Mapped[str | None] = mapped_column(String(20))
    # A high-risk case whose alert reached no duty manager: shown by `flask jobs failed` until somebody acts.
    duty_alert_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    postcode_district: Mapped[str | None] = mapped_column(String(4))
    # The named investigating officer, set when the first contact is made.
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    last_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Last contact + 14 days; the fortnightly job picks up cases through the index below.
    next_update_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A report taken in the console (channel "staff"): who took it, and how it reached them.
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    taken_how: Mapped[str | None] = mapped_column(String(10))  # phone | walk_in | email | letter
    # How the resident wants us to get in touch, when it is safe to, and the interpreter or adjustment they need.
    contact_method: Mapped[str | None] = mapped_column(String(10))  # phone | text | letter | visit
    safe_times: Mapped[str | None] = mapped_column(String(200))
    adjustments: Mapped[str | None] = mapped_column(String(500))
    # Casework: the case's life (app.casework.lifecycle), the officer the resident was last told about,
    # and the manager's fortnightly review.
    # Who letters go to and where (the closure letter, a copy of the action plan): asked for by staff.
    resident_name: Mapped[str | None] = mapped_column(String(200))
    postal_address: Mapped[str | None] = mapped_column(Text)
    officer_told_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    closure_proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_reason: Mapped[str | None] = mapped_column(String(30))
    closed_reason_text: Mapped[str | None] = mapped_column(Text)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    closure_agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_review_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    officer: Mapped[StaffMember | None] = relationship(foreign_keys=[officer_id])
    taken_by: Mapped[StaffMember | None] = relationship(foreign_keys=[taken_by_id])
    notes: Mapped[list[CaseNote]] = relationship(order_by="CaseNote.id")
    tasks: Mapped[list[Task]] = relationship(back_populates="case", order_by="Task.id")
    attachments: Mapped[list[Attachment]] = relationship(back_populates="case", order_by="Attachment.id")
    recordings: Mapped[list[Recording]] = relationship(back_populates="case", order_by="Recording.id")
    incidents: Mapped[list[Incident]] = relationship(order_by="Incident.id")
    action_plan_items: Mapped[list[ActionPlanItem]] = relationship(order_by="ActionPlanItem.id")
    action_plan_versions: Mapped[list[ActionPlanVersion]] = relationship(order_by="ActionPlanVersion.version")
    witnesses: Mapped[list[Witness]] = relationship(order_by="Witness.id")
    interventions: Mapped[list[Intervention]] = relationship(order_by="Intervention.id")
    contact_log: Mapped[list[ContactLogEntry]] = relationship(order_by="ContactLogEntry.at")
    reviews: Mapped[list[CaseReview]] = relationship(order_by="CaseReview.reviewed_at")
    survey: Mapped[SurveyResponse | None] = relationship()


class Task(Base):
    """Work owed to a resident: a callback, a graffiti removal, an update call."""

    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("case_id", "kind", "origin", name="uq_task_origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    # What created it (e.g. "report", "call:CA..."), so a retried webhook adds no twin.
    origin: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(20), default="open")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    priority: Mapped[bool] = mapped_column(default=False)
    phone: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    attempt: Mapped[int] = mapped_column(default=1)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    outcome: Mapped[str | None] = mapped_column(String(30))
    # When the duty managers were told that no officer could take this task (once per task).
    unassigned_alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship(back_populates="tasks")
    assignee: Mapped[StaffMember | None] = relationship(foreign_keys=[assignee_id])


Index("ix_tasks_open_due", Task.status, Task.due_at)
# One open flood alert per case, whatever the concurrency.
Index(
    "uq_tasks_one_open_flood_alert",
    Task.case_id,
    unique=True,
    sqlite_where=(Task.kind == "text_flood") & (Task.status == "open"),
    postgresql_where=(Task.kind == "text_flood") & (Task.status == "open"),
)
Index("ix_tasks_open_remind", Task.status, Task.remind_at)
# Open tasks whose owner has not been told yet, oldest first: what an assign job takes next.
UNTOLD = (Task.status == "open") & Task.notified_at.is_(None)
Index("ix_tasks_untold", Task.created_at, Task.id, sqlite_where=UNTOLD, postgresql_where=UNTOLD)


class CaseNote(Base):
    """What a member of staff wrote or did on a case: a note, a signposting or referral, a change of contact
    preferences. Kept as written: the console never edits or deletes one."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    kind: Mapped[str] = mapped_column(String(20))  # note | signposting | referral | preferences
    agency: Mapped[str | None] = mapped_column(String(30))  # signposting and referrals: app.casework.notes.AGENCIES
    consent: Mapped[bool | None] = mapped_column(default=None)  # the resident agreed to their details being passed
    body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    staff: Mapped[StaffMember] = relationship()


Index("ix_case_notes_case", CaseNote.case_id, CaseNote.created_at)


class ProgressContact(Base):
    """One fortnightly contact per case and due date: the unique key makes a second run a no-op."""

    __tablename__ = "progress_contacts"
    __table_args__ = (UniqueConstraint("case_id", "due_at", name="uq_progress_contact_due"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    method: Mapped[str] = mapped_column(
        String(20)
    )  # text | call_task | letter_or_visit | already_trying (a task to reach them was open)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


TRANSCRIBED_UP_TO_SECONDS = 120  # Twilio transcribes recordings of 2 to 120 seconds only


class Recording(Base):
    """A voice recording Twilio holds for us; we keep its URL, length and any transcription."""

    __tablename__ = "recordings"

    id: Mapped[int] = mapped_column(primary_key=True)
    recording_sid: Mapped[str] = mapped_column(String(64), unique=True)
    call_sid: Mapped[str] = mapped_column(String(64), index=True)
    purpose: Mapped[str] = mapped_column(String(20))  # account | location
    url: Mapped[str | None] = mapped_column(Text)
    duration_seconds: Mapped[int | None]
    transcription: Mapped[str | None] = mapped_column(Text)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    case: Mapped[Case | None] = relationship(back_populates="recordings")

    @property
    def transcription_note(self) -> str | None:
        """Says so when the account is too long for Twilio to transcribe (we invite up to three minutes)."""
        too_long = (self.duration_seconds or 0) > TRANSCRIBED_UP_TO_SECONDS
        return "not transcribed: listen to the recording" if too_long and not self.transcription else None


class PhoneCall(Base):
    """One call to the line: where the caller is in the flow and what they have answered.

    State lives here, keyed on Twilio's CallSid, so a retried webhook or a
    dropped line never loses an answer.
    """

    __tablename__ = "phone_calls"
    # Room in each page for a row's next versions: a keypress's UPDATE then stays on the row's page and,
    # touching no indexed column, writes no index entry (a HOT update; see ix_phone_calls_unfinished).
    __table_args__ = {"postgresql_with": {"fillfactor": 70}}

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    from_phone: Mapped[str | None] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    last_step_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    flow: Mapped[str | None] = mapped_column(String(20))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_status: Mapped[str | None] = mapped_column(String(20))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))


# The calls still going (or abandoned, until the sweep ends them): few at any time. Indexing last_step_at
# itself would make every answered question rewrite four index entries instead of none.
Index(
    "ix_phone_calls_unfinished",
    PhoneCall.started_at,
    sqlite_where=PhoneCall.ended_at.is_(None),
    postgresql_where=PhoneCall.ended_at.is_(None),
)
Index("ix_cases_update_due", Case.status, Case.next_update_due)


class TextConversation(Base):
    """A resident's text conversation with the line: where they are and what they have answered.

    Keyed on the resident's number; idle for 24 hours it expires, and a
    half-finished report is kept as an incomplete case.
    """

    __tablename__ = "text_conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), index=True)
    flow: Mapped[str] = mapped_column(String(20))
    step: Mapped[str] = mapped_column(String(40))
    attempts: Mapped[int] = mapped_column(default=1)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | finished | expired | stopped
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    # While set, more texts are joined to the free-text answer; the next question waits until then.
    collecting_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))


Index("ix_text_conversations_active", TextConversation.status, TextConversation.last_activity_at)
# One active conversation per number, held by the database even when two texts arrive at once.
Index(
    "uq_text_conversations_one_active",
    TextConversation.phone,
    unique=True,
    sqlite_where=TextConversation.status == "active",
    postgresql_where=TextConversation.status == "active",
)


class Attachment(Base):
    """A picture or file a resident sent with a text (MMS), to fetch from Twilio later."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    inbound_message_id: Mapped[int] = mapped_column(ForeignKey("inbound_messages.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="to_fetch")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    case: Mapped[Case | None] = relationship(back_populates="attachments")


# The console's reads (make bench-console: 50,000 cases): a case page's calls, a search by postcode or
# district, and the dashboard's open high-risk count.
Index("ix_phone_calls_case", PhoneCall.case_id)
Index("ix_cases_postcode_district", Case.postcode_district, Case.created_at, Case.id)
Index("ix_cases_status_risk", Case.status, Case.risk_level)


# Casework (the service standard's sections 2 to 4): what an officer does with a case after the first callback.


class Incident(Base):
    """A further report from a resident that was added to an existing case instead of opening a new one:
    a report within 28 days of their case closing reopens it (app.casework.lifecycle)."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    channel: Mapped[str] = mapped_column(String(10))  # phone | sms | web | staff
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(Text)
    occurred: Mapped[str | None] = mapped_column(Text)
    risk_answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class ActionPlanItem(Base):
    """One thing agreed with the resident: what, who does it, by when, and when it was done."""

    __tablename__ = "action_plan_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    what: Mapped[str] = mapped_column(Text)
    who: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


Index("ix_action_plan_items_open_due", ActionPlanItem.done_at, ActionPlanItem.due_on)


class ActionPlanVersion(Base):
    """The plan as it stood when it changed or was sent: every version is kept, never edited."""

    __tablename__ = "action_plan_versions"
    __table_args__ = (UniqueConstraint("case_id", "version", name="uq_action_plan_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    version: Mapped[int]
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    agreed_with_resident: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    # When a copy went to the resident, and how: letter | letter_and_text.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_how: Mapped[str | None] = mapped_column(String(20))


class Witness(Base):
    """Someone who saw or heard an incident. Special category data: only the case's officer and managers see it."""

    __tablename__ = "witnesses"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    contact: Mapped[str | None] = mapped_column(Text)
    relationship_to_resident: Mapped[str | None] = mapped_column(String(100))
    statement_taken: Mapped[bool] = mapped_column(default=False)
    consent_to_contact: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class Intervention(Base):
    """An informal tool, legal power, partner agency, multi-agency meeting or ASB Case Review, considered or used."""

    __tablename__ = "interventions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    category: Mapped[str] = mapped_column(String(20))  # informal | legal | partner | meeting | case_review
    kind: Mapped[str] = mapped_column(String(40))  # from the category's fixed list, or "other"
    other: Mapped[str | None] = mapped_column(String(200))  # what "other" is
    status: Mapped[str] = mapped_column(String(20))  # considered | used | requested | attended
    note: Mapped[str | None] = mapped_column(Text)
    on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class ContactLogEntry(Base):
    """One call, visit, letter or text to or from the resident, with its outcome; a contact made restarts the
    fortnightly clock, and closure counts the closure discussions and attempts recorded here."""

    __tablename__ = "contact_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    method: Mapped[str] = mapped_column(String(10))  # call | visit | letter | text | email
    direction: Mapped[str] = mapped_column(String(3), default="out")  # out | in
    outcome: Mapped[str] = mapped_column(String(30))  # made_contact | no_answer | left_message | sent | ...
    closure_discussion: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


Index("ix_contact_log_case", ContactLogEntry.case_id, ContactLogEntry.at)


class SurveyResponse(Base):
    """The satisfaction survey sent with the closure letter: one per case, used once (by web or by a text reply)."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    short_code: Mapped[str] = mapped_column(String(12), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_via: Mapped[str | None] = mapped_column(String(10))  # web | sms
    satisfaction: Mapped[int | None]  # 1 (very dissatisfied) to 5 (very satisfied)
    kept_informed: Mapped[str | None] = mapped_column(String(10))  # yes | partly | no
    listened_to: Mapped[str | None] = mapped_column(String(10))  # yes | partly | no
    get_involved: Mapped[list[str]] = mapped_column(JSON, default=list)  # block_champion | street_champion | ...
    comments: Mapped[str | None] = mapped_column(Text)


class CaseReview(Base):
    """A manager's fortnightly review of a case: what they found and decided, and when the next is due."""

    __tablename__ = "case_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    notes: Mapped[str | None] = mapped_column(Text)
    decisions: Mapped[str | None] = mapped_column(Text)
    next_review_due: Mapped[datetime] = mapped_column(UTCDateTime)
    reassigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


Index("ix_cases_review_due", Case.status, Case.next_review_due)
