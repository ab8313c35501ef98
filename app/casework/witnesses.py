"""Witnesses to a resident's incidents (no Flask): special category data, seen only by the case's officer and managers.

Who may see them is `app.staff.access.runs_case`; everyone else is told the page does not exist. The audit
log is read by admins too, who may not see witnesses, so an event records the witness's id and the yes/no
answers (statement taken, consent to be contacted) and only the *names* of the details that changed, never
the witness's name, contact details or relationship. The witness row itself is the record of what they are.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.records import WITNESS_ADDED, WITNESS_CHANGED, record_change
from app.casework.models import Case, Witness
from app.casework.notes import NotAllowed
from app.staff.models import StaffMember

NAME_MAX = 200
CONTACT_MAX = 500
RELATIONSHIP_MAX = 100
PRIVATE_DETAILS = ("name", "contact", "relationship_to_resident")  # never written to the audit log
ANSWERS = ("statement_taken", "consent_to_contact")


@dataclass(frozen=True)
class WitnessDetails:
    name: str
    contact: str | None
    relationship_to_resident: str | None
    statement_taken: bool
    consent_to_contact: bool


def witness_problems(details: WitnessDetails) -> dict[str, str]:
    """What is wrong with a witness's details, by field (empty when nothing is)."""
    problems = {}
    if not details.name.strip():
        problems["name"] = "Enter the witness's name"
    limits = {"name": NAME_MAX, "contact": CONTACT_MAX, "relationship_to_resident": RELATIONSHIP_MAX}
    words = {"name": "The name", "contact": "Contact details", "relationship_to_resident": "The relationship"}
    for field, longest in limits.items():
        if len((getattr(details, field) or "").strip()) > longest and field not in problems:
            problems[field] = f"{words[field]} must be {longest} characters or fewer"
    return problems


def _cleaned(details: WitnessDetails) -> dict[str, Any]:
    problems = witness_problems(details)
    if problems:
        raise NotAllowed(next(iter(problems.values())))
    fields = asdict(details)
    for name in PRIVATE_DETAILS:
        fields[name] = (fields[name] or "").strip() or None
    return fields


def witnesses_of(session: Session, case: Case) -> list[Witness]:
    return list(session.scalars(select(Witness).where(Witness.case_id == case.id).order_by(Witness.id)))


def witness_of(session: Session, case: Case, witness_id: int) -> Witness | None:
    witness = session.get(Witness, witness_id)
    return witness if witness is not None and witness.case_id == case.id else None


def add_witness(
    session: Session, case: Case, staff: StaffMember, details: WitnessDetails, address: str | None
) -> Witness:
    """Record a witness on the case; commits. Raises NotAllowed for details that cannot be kept."""
    witness = Witness(case_id=case.id, created_by_id=staff.id, **_cleaned(details))
    session.add(witness)
    session.flush()
    changes: dict[str, list[Any]] = {"witness": [None, witness.id]}
    changes.update({name: [None, getattr(witness, name)] for name in ANSWERS})
    record_change(session, staff, WITNESS_ADDED, case.id, address, changes)
    session.commit()
    return witness


def change_witness(
    session: Session, case: Case, staff: StaffMember, witness: Witness, details: WitnessDetails, address: str | None
) -> bool:
    """Change a witness's details; commits and returns True when anything changed (audited as above)."""
    if witness.case_id != case.id:
        raise NotAllowed("That witness is not on this case")
    fields = _cleaned(details)
    changed = {
        name: [getattr(witness, name), value] for name, value in fields.items() if getattr(witness, name) != value
    }
    if not changed:
        return False
    for name, (_old, new) in changed.items():
        setattr(witness, name, new)
    changes: dict[str, list[Any]] = {"witness": [witness.id, witness.id]}
    changes.update({name: pair for name, pair in changed.items() if name in ANSWERS})
    if private := [name for name in PRIVATE_DETAILS if name in changed]:
        changes["details changed"] = [None, ", ".join(name.replace("_", " ") for name in private)]
    record_change(session, staff, WITNESS_CHANGED, case.id, address, changes)
    session.commit()
    return True
