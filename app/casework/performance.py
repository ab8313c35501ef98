"""The monthly performance report: did the line keep its published service standard? (no Flask)

For managers and the tenant scrutiny group (service standard, section 4). Figures only: no names,
numbers, addresses or references, so the report can be shared as it is.

Each promise is measured over what fell due in a London calendar month (and, for the month under
way, only what has fallen due so far), from what the database holds:

- **Respond within one working day**: every report's risk-assessment callback due in the month (a
  report that reopened a case included; enquiries and graffiti not), kept when its first attempt was
  completed by its deadline. A task cancelled because the case closed or was split first is not counted.
- **Offensive graffiti removed within one working day**: every report's removal job due in the month,
  kept when it was marked removed (or found already gone) by its deadline.
- **An update at least every two weeks**: every fortnightly round due in the month (one per case each
  time its 14 days ran out), kept when the resident heard from us after the contact that started the
  fortnight and by the end of the due day: a text Twilio took and did not report failed, or a contact
  that reached them.
- **Managers review cases fortnightly**: every review due in the month (14 days after the case opened,
  then the date each review set; a reopening starts the clock again), kept when a manager reviewed the
  case by the end of the due day. No review falls due while a case is closed.
- **A closure letter for every closure**: every closure's "send the closure letter" task due in the month
  (the next working day after closing), kept when it was marked done by then; one cancelled because the
  case reopened first is not counted.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.audit.models import AuditEvent
from app.audit.records import CASE_CLOSED, CASE_REOPENED
from app.calendar import LONDON, end_of_day, london_date
from app.casework.lifecycle import CLOSED, CLOSURE_LETTER, REACHED
from app.casework.models import Case, CaseReview, ContactLogEntry, Incident, ProgressContact, SurveyResponse, Task
from app.casework.reviews import review_due
from app.casework.tasks import GRAFFITI_REMOVAL, REPORT_ORIGIN, RISK_ASSESSMENT_CALLBACK
from app.casework.texts_in_doubt import RESIDENT_TEXTS
from app.messaging import models as m
from app.messaging.models import OutboundMessage

# What counts as news for the resident: not the confirmation of what they just reported, nor the questions
# of their own text conversation.
UPDATES = RESIDENT_TEXTS - {"report_confirmation", "reopened_confirmation", "question"}
# A text in one of these never reached the resident, or may not have: it is no update.
NOT_DELIVERED = (m.RETRYABLE, m.CLAIMED, m.REFUSED, m.UNCERTAIN, m.FAILED, m.UNDELIVERED)
FORTNIGHT = timedelta(days=14)


@dataclass(frozen=True)
class Measure:
    """One promise over the month: how many times it fell due, and how many of those it was kept."""

    promise: str
    due: int
    kept: int

    @property
    def missed(self) -> int:
        return self.due - self.kept

    @property
    def percent_kept(self) -> int | None:
        """Rounded down, so 199 of 200 is never shown as 100%; None when nothing fell due."""
        return self.kept * 100 // self.due if self.due else None


@dataclass(frozen=True)
class Survey:
    sent: int
    answered: int
    satisfaction: dict[int, int]  # 1 (very dissatisfied) .. 5 (very satisfied): how many answered each
    kept_informed: dict[str, int]  # yes | partly | no
    listened_to: dict[str, int]
    want_to_get_involved: int

    @property
    def average_satisfaction(self) -> float | None:
        scored = sum(self.satisfaction.values())
        return round(sum(score * n for score, n in self.satisfaction.items()) / scored, 1) if scored else None


@dataclass(frozen=True)
class MonthlyReport:
    month: date  # its first day
    as_of: datetime
    measures: list[Measure]
    received: dict[str, Counter[str]]  # "channel", "kind", "risk", "strand": counts of the month's new cases
    reopened: int
    closed: Counter[str]  # by reason
    survey: Survey

    @property
    def complete(self) -> bool:
        """False for the month under way."""
        return self.as_of >= month_bounds(self.month)[1]

    @property
    def new_cases(self) -> int:
        return sum(self.received["kind"].values())


def month_named(text: str) -> date | None:
    """The first day of the month `YYYY-MM` names; None for anything else."""
    try:
        first = datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        return None
    return first if 2000 <= first.year <= 2999 else None


def has_started(first: date, instant: datetime) -> bool:
    """Whether the month starting `first` has begun by `instant` (a month to come has no figures)."""
    return first <= london_date(instant).replace(day=1)


def last_complete_month(instant: datetime) -> date:
    this_month = london_date(instant).replace(day=1)
    return (this_month - timedelta(days=1)).replace(day=1)


def month_bounds(first: date) -> tuple[datetime, datetime]:
    """Midnight London on the month's first day, and on the next month's."""
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return datetime.combine(first, time(0), LONDON), datetime.combine(following, time(0), LONDON)


def monthly_report(session: Session, first: date, as_of: datetime) -> MonthlyReport:
    """The month starting `first`, as the database shows it at `as_of` (only what fell due by then counts)."""
    start, end = month_bounds(first)
    until = min(end, as_of)
    measures = [
        _tasks_on_time(session, "Respond to a hate crime report within one working day", _callbacks(), start, until),
        _tasks_on_time(session, "Remove offensive graffiti within one working day", _removals(), start, until),
        _updates_every_fortnight(session, start, until),
        _reviews_every_fortnight(session, start, until),
        _tasks_on_time(session, "Send a closure letter after every closure", _closure_letters(), start, until),
    ]
    return MonthlyReport(
        month=first,
        as_of=as_of,
        measures=measures,
        received=_received(session, start, until),
        reopened=_count(session, Incident.received_at, start, until),
        closed=Counter(
            str(reason)
            for reason in session.scalars(
                select(Case.closed_reason).where(Case.closed_at >= start, Case.closed_at < until)
            )
        ),
        survey=_survey(session, start, until),
    )


def _count(session: Session, when: InstrumentedAttribute[datetime], start: datetime, until: datetime) -> int:
    """How many rows have `when` in the window (a count of the rows of `when`'s table)."""
    return int(session.scalar(select(func.count()).where(when >= start, when < until)) or 0)


def _from_a_report() -> ColumnElement[bool]:
    return (Task.origin == REPORT_ORIGIN) | Task.origin.startswith(f"{REPORT_ORIGIN}:")


def _callbacks() -> tuple[ColumnElement[bool], ...]:
    return (Task.kind == RISK_ASSESSMENT_CALLBACK, Case.kind == "hate_crime", _from_a_report())


def _removals() -> tuple[ColumnElement[bool], ...]:
    return (Task.kind == GRAFFITI_REMOVAL, _from_a_report())


def _closure_letters() -> tuple[ColumnElement[bool], ...]:
    return (Task.kind == CLOSURE_LETTER,)


def _tasks_on_time(
    session: Session, promise: str, conditions: tuple[ColumnElement[bool], ...], start: datetime, until: datetime
) -> Measure:
    """The tasks due in the window; kept when completed (not cancelled) by their deadline."""
    query = (
        select(Task.status, Task.completed_at, Task.due_at)
        .join(Case, Case.id == Task.case_id)
        .where(
            *conditions,
            Task.due_at >= start,
            Task.due_at < until,
            # Called off before it fell due (the case closed or was split first): never due. Called off after
            # its deadline had passed, it was missed all the same: a later closure does not erase it.
            or_(Task.status != "cancelled", Task.completed_at >= Task.due_at),
        )
    )
    rows = session.execute(query).all()
    kept = sum(
        1 for status, completed_at, due_at in rows if status == "done" and completed_at and completed_at <= due_at
    )
    return Measure(promise, len(rows), kept)


def _updates_every_fortnight(session: Session, start: datetime, until: datetime) -> Measure:
    fell_due = session.execute(
        select(ProgressContact.case_id, ProgressContact.due_at).where(
            ProgressContact.due_at >= start, ProgressContact.due_at < until
        )
    )
    rounds = [(case_id, due_at) for case_id, due_at in fell_due if _update_deadline(due_at) <= until]  # ran out
    case_ids = {case_id for case_id, _ in rounds}
    heard = _contacts(session, case_ids, start - FORTNIGHT, until)
    kept = sum(
        1
        for case_id, due_at in rounds
        # After the contact that started the fortnight (due_at - 14 days exactly), by the end of the due day.
        if any(due_at - FORTNIGHT < at <= _update_deadline(due_at) for at in heard.get(case_id, ()))
    )
    return Measure("Update the resident at least every two weeks", len(rounds), kept)


def _update_deadline(due_at: datetime) -> datetime:
    """The end of the due day (5pm), or the due time itself when the fortnight runs out later that day."""
    return max(due_at, end_of_day(london_date(due_at)))


def _contacts(session: Session, case_ids: set[int], since: datetime, until: datetime) -> dict[int, list[datetime]]:
    """When each case's resident heard from us: texts Twilio took (and did not report failed), and contacts
    that reached them."""
    if not case_ids:
        return {}
    texts = select(OutboundMessage.case_id, OutboundMessage.created_at).where(
        OutboundMessage.case_id.in_(case_ids),
        OutboundMessage.purpose.in_(UPDATES),
        OutboundMessage.status.not_in(NOT_DELIVERED),
        OutboundMessage.created_at >= since,
        OutboundMessage.created_at <= until,
    )
    reached = select(ContactLogEntry.case_id, ContactLogEntry.at).where(
        ContactLogEntry.case_id.in_(case_ids),
        ContactLogEntry.outcome == REACHED,
        ContactLogEntry.at >= since,
        ContactLogEntry.at <= until,
    )
    heard: dict[int, list[datetime]] = {}
    for query in (texts, reached):
        for case_id, at in session.execute(query):
            if case_id is not None:
                heard.setdefault(case_id, []).append(at)
    return heard


def _reviews_every_fortnight(session: Session, start: datetime, until: datetime) -> Measure:
    """A case's review clock runs in each spell it is open (from opening, and from each reopening, to its
    next closure): the first review is due 14 days (on a working day) after the spell began, each later one
    on the date the review before it set. A spell's reviews answer its due dates in order."""
    open_then = (Case.created_at < until, Case.kind != "enquiry", or_(Case.status != CLOSED, Case.closed_at > start))
    candidates = session.execute(
        select(Case.id, Case.created_at, Case.closed_at, Case.reopened_at).where(*open_then)
    ).all()
    reviews: dict[int, list[CaseReview]] = {}
    of_candidates = CaseReview.case_id.in_(select(Case.id).where(*open_then))
    for review in session.scalars(
        select(CaseReview).where(of_candidates).order_by(CaseReview.reviewed_at, CaseReview.id)
    ):
        reviews.setdefault(review.case_id, []).append(review)
    reopened = _closings_and_reopenings(session, [case_id for case_id, *_, reopened_at in candidates if reopened_at])
    due, kept = 0, 0
    for case_id, created_at, closed_at, _ in candidates:
        changes = reopened.get(case_id, [("closed_at", closed_at)] if closed_at else [])
        for began, ended in _spells_open(created_at, changes):
            in_spell = [
                r for r in reviews.get(case_id, []) if began <= r.reviewed_at and (not ended or r.reviewed_at < ended)
            ]
            for due_at, answer in _review_dues(began, in_spell):
                if start <= due_at < until and (ended is None or due_at < ended):
                    due += 1
                    kept += int(answer is not None and answer.reviewed_at <= end_of_day(london_date(due_at)))
    return Measure("Managers review each open case every two weeks", due, kept)


def _review_dues(began: datetime, reviews: list[CaseReview]) -> list[tuple[datetime, CaseReview | None]]:
    """A spell's review due dates, each with the review that answered it (None for the last, still awaited)."""
    dues = [review_due(began), *(review.next_review_due for review in reviews)]
    return [(due_at, reviews[position] if position < len(reviews) else None) for position, due_at in enumerate(dues)]


def _closings_and_reopenings(session: Session, case_ids: list[int]) -> dict[int, list[tuple[str, datetime]]]:
    """Each reopened case's closings and reopenings in order, as ("closed_at" or "reopened_at", when): the case
    keeps only its latest of each, so the audit log, which records every change to them, is the history."""
    history: dict[int, list[tuple[str, datetime]]] = {case_id: [] for case_id in case_ids}
    events = select(AuditEvent.case_id, AuditEvent.changes).where(
        AuditEvent.case_id.in_(case_ids), AuditEvent.action.in_((CASE_CLOSED, CASE_REOPENED))
    )
    for case_id, changes in session.execute(events.order_by(AuditEvent.at, AuditEvent.id)):
        for field in ("closed_at", "reopened_at"):
            if field in changes and changes[field][1]:
                history[case_id].append((field, datetime.fromisoformat(changes[field][1])))
    return history


def _spells_open(opened: datetime, changes: list[tuple[str, datetime]]) -> list[tuple[datetime, datetime | None]]:
    """From opening and each reopening to the closing that ended it (None while still open)."""
    spells: list[tuple[datetime, datetime | None]] = []
    began: datetime | None = opened
    for field, when in changes:
        if field == "closed_at" and began is not None:
            spells.append((began, when))
            began = None
        elif field == "reopened_at":
            began = when
    return [*spells, (began, None)] if began is not None else spells


def _received(session: Session, start: datetime, until: datetime) -> dict[str, Counter[str]]:
    rows = session.execute(
        select(Case.channel, Case.kind, Case.risk_level, Case.strands).where(
            Case.created_at >= start, Case.created_at < until
        )
    ).all()
    strands: Counter[str] = Counter()
    for _, kind, _, chosen in rows:
        if kind == "hate_crime":  # graffiti and enquiries are about no strand
            strands.update(chosen or ["not_given"])
    return {
        "channel": Counter(channel for channel, *_ in rows),
        "kind": Counter(kind for _, kind, *_ in rows),
        "risk": Counter(risk for _, kind, risk, _ in rows if kind == "hate_crime"),
        "strand": strands,
    }


def _survey(session: Session, start: datetime, until: datetime) -> Survey:
    sent = _count(session, SurveyResponse.created_at, start, until)
    answered = session.scalars(
        select(SurveyResponse).where(SurveyResponse.answered_at >= start, SurveyResponse.answered_at < until)
    ).all()
    return Survey(
        sent=sent,
        answered=len(answered),
        satisfaction=dict(Counter(a.satisfaction for a in answered if a.satisfaction is not None)),
        kept_informed=dict(Counter(a.kept_informed for a in answered if a.kept_informed)),
        listened_to=dict(Counter(a.listened_to for a in answered if a.listened_to)),
        want_to_get_involved=sum(1 for a in answered if a.get_involved),
    )


def as_csv(report: MonthlyReport) -> str:
    """One row a figure: section, item, value (the promises as fell due, kept, missed, percent kept)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "item", "value"])
    writer.writerow(["month", f"{report.month:%Y-%m}", "complete" if report.complete else "so far"])
    for measure in report.measures:
        kept = "" if measure.percent_kept is None else measure.percent_kept
        for name, value in (("fell due", measure.due), ("kept", measure.kept), ("missed", measure.missed)):
            writer.writerow([measure.promise, name, value])
        writer.writerow([measure.promise, "percent kept", kept])
    for group, counts in report.received.items():
        for name, count in sorted(counts.items()):
            writer.writerow([f"new cases by {group}", name, count])
    writer.writerow(["cases reopened by a new report", "", report.reopened])
    for reason, count in sorted(report.closed.items()):
        writer.writerow(["cases closed by reason", reason, count])
    survey = report.survey
    writer.writerow(["satisfaction survey", "sent", survey.sent])
    writer.writerow(["satisfaction survey", "answered", survey.answered])
    average = "" if survey.average_satisfaction is None else survey.average_satisfaction
    writer.writerow(["satisfaction survey", "average satisfaction (1 to 5)", average])
    for question, answers in (("kept informed", survey.kept_informed), ("felt listened to", survey.listened_to)):
        for answer, count in sorted(answers.items()):
            writer.writerow([f"satisfaction survey: {question}", answer, count])
    writer.writerow(["satisfaction survey", "would like to get involved", survey.want_to_get_involved])
    return out.getvalue()
