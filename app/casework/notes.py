"""Notes on a case, and signposting or referrals to other agencies, as staff log them (no Flask).

Each is a `CaseNote` on the case's timeline and an audit event, written in one commit. Signposting is
information given to the resident (an agency's number or website): it needs no consent. A referral passes
the resident's details to the agency, so it is refused unless the resident agreed.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.audit.records import CONSOLE_NOTE_ADDED, CONSOLE_SIGNPOSTED, record_change
from app.casework.models import Case, CaseNote
from app.staff.models import StaffMember

NOTE_MAX = 2000
DETAILS_MAX = 500
AGENCIES = {
    "police_101": "Police (101, non-emergency)",
    "police_999": "Police (999, emergency)",
    "victim_support": "Victim Support",
    "stop_hate_uk": "Stop Hate UK",
    "true_vision": "True Vision",
    "citizens_advice": "Citizens Advice",
    "council_housing": "The council's housing service",
    "council_social_care": "The council's social care service",
}


class NotAllowed(ValueError):
    """What staff asked for breaks a rule; the message says which, in words for the page."""


def _text(words: str | None, longest: int, what: str, required: bool = False) -> str | None:
    stripped = (words or "").strip()
    if required and not stripped:
        raise NotAllowed(f"Enter the {what}")
    if len(stripped) > longest:
        raise NotAllowed(f"The {what} must be {longest} characters or fewer")
    return stripped or None


def add_note(session: Session, case: Case, staff: StaffMember, body: str, address: str | None) -> CaseNote:
    """A note on the case's timeline, as written (up to NOTE_MAX characters); commits."""
    note = CaseNote(case_id=case.id, staff_id=staff.id, kind="note", body=_text(body, NOTE_MAX, "note", True))
    session.add(note)
    session.flush()
    record_change(session, staff, CONSOLE_NOTE_ADDED, case.id, address, {"note": [None, note.id]})
    session.commit()
    return note


def log_signposting(
    session: Session,
    case: Case,
    staff: StaffMember,
    *,
    agency: str,
    referral: bool,
    consent: bool | None,
    details: str | None,
    address: str | None,
) -> CaseNote:
    """Record that the resident was given an agency's details (signposting) or referred to it; commits.

    Raises NotAllowed for an agency not on the list, and for a referral the resident did not agree to.
    """
    if agency not in AGENCIES:
        raise NotAllowed("Choose an agency from the list")
    if referral and consent is not True:
        raise NotAllowed(
            "A referral needs the resident's consent to pass on their details: "
            "without it, give them the agency's details instead (signposting)"
        )
    kind = "referral" if referral else "signposting"
    note = CaseNote(
        case_id=case.id,
        staff_id=staff.id,
        kind=kind,
        agency=agency,
        consent=consent,
        body=_text(details, DETAILS_MAX, "details"),
    )
    session.add(note)
    session.flush()
    changes = {"kind": [None, kind], "agency": [None, agency], "consent": [None, consent], "note": [None, note.id]}
    record_change(session, staff, CONSOLE_SIGNPOSTED, case.id, address, changes)
    session.commit()
    return note


def note_title(note: CaseNote) -> str:
    """How the timeline names a note: 'Note by Asha Patel', 'Referred to Victim Support by Asha Patel'."""
    agency = AGENCIES.get(note.agency or "", note.agency or "")
    by = f"by {note.staff.name}"
    titles = {
        "note": f"Note {by}",
        "signposting": f"Signposted to {agency} {by}",
        "referral": f"Referred to {agency} {by}",
        "preferences": f"Contact preferences changed {by}",
    }
    return titles.get(note.kind, f"{note.kind.replace('_', ' ').capitalize()} {by}")


def note_detail(note: CaseNote) -> str | None:
    """What the timeline shows under the title: the note, or the consent and any details of a signposting."""
    if note.kind not in ("signposting", "referral"):
        return note.body
    consent = {True: "yes", False: "no", None: "not asked"}[note.consent]
    return f"Resident agreed to their details being passed on: {consent}." + (f"\n{note.body}" if note.body else "")
