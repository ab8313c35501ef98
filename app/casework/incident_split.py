"""Staff decide a further report that reopened a case is not part of it: it becomes a case of its own (no Flask)."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.records import commit_hooks, record_change
from app.casework.lifecycle import CLOSED, REOPENED, stop_work
from app.casework.models import Case, Incident, PhoneCall
from app.casework.reopening import incident_callback
from app.casework.report import Report
from app.casework.service import open_case
from app.clock import now
from app.staff.models import StaffMember

log = logging.getLogger(__name__)

INCIDENT_SPLIT = "incident_split"  # audit, on both cases
SPLIT_OFF = "split_off"  # the outcome of the callback the report had added to the case it left


def incident_on(case: Case, incident_id: int) -> Incident | None:
    return next((incident for incident in case.incidents if incident.id == incident_id), None)


def _call_of(session: Session, case: Case, incident: Incident) -> PhoneCall | None:
    """The call that made a phone incident: a call's report is received at the call's start."""
    if incident.channel != "phone":
        return None
    same_phone = PhoneCall.from_phone == incident.phone if incident.phone else PhoneCall.from_phone.is_(None)
    query = select(PhoneCall).where(
        PhoneCall.case_id == case.id, PhoneCall.started_at == incident.received_at, same_phone
    )
    return session.scalars(query).first()


def split_incident(session: Session, case: Case, incident: Incident, staff: StaffMember, address: str | None) -> Case:
    """Open a new case from `incident` and take it off `case`; commits, audited on both cases.

    The new case is opened as any report is (a reference, a callback due by the next working day's
    deadline from when the report arrived, assignment). The callback the report had added to `case` is
    cancelled as split off, a call's recordings go with its report, and a case that this report alone
    reopened goes back to closed, with whatever else opened on it since cancelled as closing does.
    """
    report = Report(
        kind=case.kind,
        channel=incident.channel,
        caller_phone=incident.phone,
        callback_phone=case.callback_phone if incident.phone in {case.caller_phone, None} else incident.phone,
        risk_answers=dict(incident.risk_answers),
        safe_to_text=case.safe_to_text,
        description=incident.description,
        location=incident.location,
        occurred=incident.occurred,
        taken_by_id=staff.id,
        taken_how=SPLIT_OFF,
        confirm_by_text=False,
        call_sid=call.call_sid if (call := _call_of(session, case, incident)) else None,  # its recordings go too
    )
    callback = incident_callback(case, incident)
    if callback is not None and callback.status == "open":
        callback.status, callback.outcome = "cancelled", SPLIT_OFF
        callback.completed_at, callback.completed_by_id = now(), staff.id
    case.incidents.remove(incident)
    session.delete(incident)
    changes: dict[str, list[object]] = {"incident": [incident.id, None]}
    if case.status == REOPENED and not any(other.received_at >= incident.received_at for other in case.incidents):
        changes["status"] = [case.status, CLOSED]
        case.status = CLOSED
        stop_work(case, staff, now())  # closed again as closing leaves it: no open tasks, no updates due
    opened: list[Case] = []

    def collect(flushed: Session, _context: object) -> None:
        opened.extend(row for row in flushed.new if isinstance(row, Case))

    def add_events(committing: Session) -> None:
        """In the commit that opens the new case: the split, on both cases."""
        for new_case in opened:
            split_to = {**changes, "split_to": [None, new_case.reference]}
            record_change(committing, staff, INCIDENT_SPLIT, case.id, address, split_to)
            record_change(
                committing, staff, INCIDENT_SPLIT, new_case.id, address, {"split_from": [None, case.reference]}
            )
        opened.clear()

    with commit_hooks(session, collect, add_events, lambda _rolled_back: opened.clear()):
        new_case = open_case(session, report, incident.received_at, may_reopen=False)  # commits
    if call is not None:
        call.case_id = new_case.id
        session.commit()
    log.info("an incident of case %s split into case %s", case.reference, new_case.reference)
    return new_case
