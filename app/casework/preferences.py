"""How a resident wants us to get in touch, as staff change it (no Flask).

Every change is audited field by field (old -> new) and shown on the case's timeline, in the commit that
makes it. A resident's STOP is not undone here: texts stay refused to a number that opted out.

The resident's name and postal address (for letters), and the number we call them on, are personal
details: staff whose role may not read them (`app.staff.access.fields_for`) change the rest and leave
these as they are.

A text still waiting to go (queued, or waiting to retry after an error) when staff record that texts are
not safe, or change the number, is held back and the officer phones instead: it must not reach a phone
the resident has just told us is not safe to text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.audit.records import CONSOLE_CONTACT_PREFERENCES, record_change
from app.casework.contact import WRONG_NUMBER, may_text_now
from app.casework.models import Case, CaseNote
from app.casework.notes import NotAllowed
from app.casework.texts_in_doubt import phone_instead_of_waiting_texts
from app.phones import callback_number
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
    "callback_phone": "Callback number",
    "contact_by_phone_only": "Phone contact only",
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
    callback_phone: str | None = None  # as staff typed it; None or blank: left as it is


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
    if (wanted.callback_phone or "").strip() and callback_number(wanted.callback_phone) is None:
        found["callback_phone"] = "Enter a UK phone number, like 07911 123456 or 0121 464 7269"
    return found


def postal_lines(address: str | None) -> list[str]:
    """The address's lines, each trimmed, empty ones left out."""
    return [line.strip() for line in (address or "").splitlines() if line.strip()]


def _shown(name: str, value: Any) -> str:
    if name == "callback_phone":  # the timeline is read by roles that may not read the number itself
        return "given" if value else "not given"
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
    for name, (_old, value) in changes.items():
        setattr(case, name, value)
    if (wanted.callback_phone or "").strip():
        changes |= call_back_on(session, case, callback_number(wanted.callback_phone))
    if not changes:
        return {}
    if not may_text_now(session, case):
        phone_instead_of_waiting_texts(session, case, case.callback_phone)
    summary = "\n".join(
        f"{LABELS[name]}: {_shown(name, old)} → {_shown(name, value)}"
        for name, (old, value) in changes.items()
        if name in LABELS
    )
    session.add(CaseNote(case_id=case.id, staff_id=staff.id, kind="preferences", body=summary))
    record_change(session, staff, CONSOLE_CONTACT_PREFERENCES, case.id, address, changes)
    session.commit()
    return changes


def call_back_on(session: Session, case: Case, number: str | None) -> dict[str, list[Any]]:
    """The resident gave a new number to call them on: open tasks call it, texts still waiting to go to the old
    one are held back, and a number that proved wrong no longer keeps the case phone only. Returns what
    changed on the case, as {"field": [old, new]} (not committed)."""
    old = case.callback_phone
    if not number or number == old:
        return {}
    changes: dict[str, list[Any]] = {"callback_phone": [old, number]}
    if case.phone_only_reason == WRONG_NUMBER:
        changes |= {"contact_by_phone_only": [True, False], "phone_only_reason": [WRONG_NUMBER, None]}
    for name, (_old, value) in changes.items():
        setattr(case, name, value)
    for task in case.tasks:
        if task.status == "open" and task.phone == old:
            task.phone = number
    phone_instead_of_waiting_texts(session, case, old)
    return changes
