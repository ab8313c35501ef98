"""How a resident wants us to get in touch, as staff change it (no Flask).

Every change is audited field by field (old -> new) and shown on the case's timeline, in the commit that
makes it. A resident's STOP is not undone here: texts stay refused to a number that opted out.

The resident's name and postal address (for letters) are personal details: staff whose role may not
read them (`app.staff.access.fields_for`) change the rest and leave these as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.audit.records import CONSOLE_CONTACT_PREFERENCES, record_change
from app.casework.models import Case, CaseNote
from app.casework.notes import NotAllowed
from app.staff.models import StaffMember

METHODS = {"phone": "Phone", "text": "Text message", "letter": "Letter", "visit": "Visit"}
SAFE_TIMES_MAX = 200
ADJUSTMENTS_MAX = 500
RESIDENT_NAME_MAX = 200
POSTAL_ADDRESS_MAX = 500
LABELS = {
    "contact_method": "Method",
    "safe_times": "Safe times",
    "safe_to_text": "Safe to text",
    "needs_adjustment": "Needs an interpreter or other adjustment",
    "adjustments": "Interpreter or adjustment",
    "resident_name": "Name",
    "postal_address": "Postal address",
}


@dataclass(frozen=True)
class NameAndAddress:
    resident_name: str | None
    postal_address: str | None  # one line per line of the envelope


@dataclass(frozen=True)
class ContactPreferences:
    contact_method: str
    safe_times: str | None
    safe_to_text: bool
    needs_adjustment: bool
    adjustments: str | None
    name_and_address: NameAndAddress | None = None  # None: left as they are (the role may not read them)


def problems(wanted: ContactPreferences) -> dict[str, str]:
    """What is wrong with the preferences, by field (empty when nothing is)."""
    found = {}
    if wanted.contact_method not in METHODS:
        found["contact_method"] = "Choose how the resident wants to be contacted"
    elif wanted.contact_method == "text" and not wanted.safe_to_text:
        found["contact_method"] = "Texts are not safe for this resident: choose another way to contact them"
    if len(wanted.safe_times or "") > SAFE_TIMES_MAX:
        found["safe_times"] = f"Safe times must be {SAFE_TIMES_MAX} characters or fewer"
    if len(wanted.adjustments or "") > ADJUSTMENTS_MAX:
        found["adjustments"] = f"The interpreter or adjustment must be {ADJUSTMENTS_MAX} characters or fewer"
    if (personal := wanted.name_and_address) is not None:
        if len(personal.resident_name or "") > RESIDENT_NAME_MAX:
            found["resident_name"] = f"The name must be {RESIDENT_NAME_MAX} characters or fewer"
        if len(personal.postal_address or "") > POSTAL_ADDRESS_MAX:
            found["postal_address"] = f"The postal address must be {POSTAL_ADDRESS_MAX} characters or fewer"
        elif wanted.contact_method == "letter" and not postal_lines(personal.postal_address):
            found["postal_address"] = "Enter the postal address: letters need one"
    return found


def postal_lines(address: str | None) -> list[str]:
    """The address's lines, each trimmed, empty ones left out."""
    return [line.strip() for line in (address or "").splitlines() if line.strip()]


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "not given"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return ", ".join(str(METHODS.get(value, value)).splitlines())


def change_contact_preferences(
    session: Session, case: Case, staff: StaffMember, wanted: ContactPreferences, address: str | None
) -> dict[str, list[Any]]:
    """Apply the preferences; returns what changed as {"field": [old, new]} (nothing changed: {}); commits.

    Raises NotAllowed with the first problem `problems` finds.
    """
    if found := problems(wanted):
        raise NotAllowed(next(iter(found.values())))
    new = {
        "contact_method": wanted.contact_method,
        "safe_times": (wanted.safe_times or "").strip() or None,
        "safe_to_text": wanted.safe_to_text,
        "needs_adjustment": wanted.needs_adjustment,
        "adjustments": ((wanted.adjustments or "").strip() or None) if wanted.needs_adjustment else None,
    }
    if (personal := wanted.name_and_address) is not None:
        new["resident_name"] = (personal.resident_name or "").strip() or None
        new["postal_address"] = "\n".join(postal_lines(personal.postal_address)) or None
    changes = {name: [getattr(case, name), value] for name, value in new.items() if getattr(case, name) != value}
    if not changes:
        return {}
    for name, (_old, value) in changes.items():
        setattr(case, name, value)
    summary = "\n".join(f"{LABELS[name]}: {_shown(old)} → {_shown(value)}" for name, (old, value) in changes.items())
    session.add(CaseNote(case_id=case.id, staff_id=staff.id, kind="preferences", body=summary))
    record_change(session, staff, CONSOLE_CONTACT_PREFERENCES, case.id, address, changes)
    session.commit()
    return changes
