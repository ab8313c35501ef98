"""The named investigating officer (service standard, section 2): the resident is told who it is (no Flask).

At first contact the officer is named on the call itself; a resident whose agreed method is text also
gets a text naming them and how to reach them. When a manager gives the case to another officer, the
resident is texted the new name where texts are safe; otherwise the new officer names themself on
their first call that reaches the resident (until then the case page says the resident has not been
told). `Case.officer_told_id` records whom the resident was last told about: it is claimed with one
conditional UPDATE before the text is queued, so a retried or doubled request never texts twice.
The fortnightly update text names the officer too.
"""

from __future__ import annotations

import logging
from typing import Any, cast

from sqlalchemy import CursorResult, or_, update
from sqlalchemy.orm import Session

from app.casework.contact import may_text_now
from app.casework.lifecycle import is_open
from app.casework.models import Case
from app.messaging import templates
from app.messaging.outbox import queue_text
from app.staff.models import StaffMember

log = logging.getLogger(__name__)

OFFICER_NAMED = "officer_named"  # the outbox's purpose for these texts


def introduce_officer(session: Session, case: Case) -> bool:
    """A call reached the resident: the officer named themself on it (the first contact, or the first since a
    change the resident could not be texted about); where the resident chose texts, a text names them too.
    The caller commits. Returns whether a text was queued.
    """
    if case.officer_id is None or case.officer_told_id == case.officer_id:
        return False
    texting = case.contact_method == "text" and may_text_now(session, case)
    return _mark_told(session, case, texted=texting, changed=False)


def announce_new_officer(session: Session, case: Case) -> bool:
    """The case has another officer: text the resident the new name where texts are safe; the caller commits.

    Returns whether a text was queued; when none may be sent the resident stays untold about this officer.
    """
    if case.officer_id is None or case.officer_told_id == case.officer_id or not may_text_now(session, case):
        return False
    if not is_open(case):  # a closed case's resident has no officer to be told about
        return False
    return _mark_told(session, case, texted=True, changed=case.officer_told_id is not None)


def _mark_told(session: Session, case: Case, texted: bool, changed: bool) -> bool:
    officer = case.officer_id
    if officer is None or not _claim(session, case.id, officer):
        return False
    case.officer_told_id = officer
    if not texted:
        return False
    named = session.get(StaffMember, officer)  # not case.officer: loaded before the change, it may be the old one
    assert named is not None
    body = templates.officer_named(case.reference, named.name, changed)
    queue_text(
        session, to=str(case.callback_phone), body=body, purpose=OFFICER_NAMED, case_id=case.id, daytime_only=True
    )
    log.info("case %s: resident texted the name of their %sofficer", case.reference, "new " if changed else "")
    return True


def _claim(session: Session, case_id: int, officer_id: int) -> bool:
    """Mark the resident told about `officer_id` unless someone already has: one winner among concurrent runs."""
    not_yet_told = or_(Case.officer_told_id.is_(None), Case.officer_told_id != officer_id)
    statement = (
        update(Case)
        .where(Case.id == case_id, not_yet_told)
        .values(officer_told_id=officer_id)
        .execution_options(synchronize_session=False)
    )
    return bool(cast("CursorResult[Any]", session.execute(statement)).rowcount)


def resident_not_told(case: Case) -> bool:
    """The case has an officer the resident has not been told about (a change they could not be texted about)."""
    return case.officer_id is not None and case.officer_told_id != case.officer_id
