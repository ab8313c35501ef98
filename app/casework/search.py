"""Finding a case from what a member of staff typed: a reference, a phone number in any UK format, or a postcode.

No Flask: the console reads the words, this module decides what they are and which cases match,
within the cases the member of staff may see (`app.staff.access.visible_to`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.casework.models import Case
from app.phones import typed_number
from app.staff.access import visible_to
from app.staff.models import StaffMember

LONGEST_SEARCH = 100
MOST_SHOWN = 50
# HC-123456, hc 123456, GR123456 or the six digits alone (as a caller keys them on the phone).
_REFERENCE = re.compile(r"(?:(HC|GR|EN)[\s-]*)?([0-9]{6})", re.IGNORECASE)
# A postcode (B10 0AA, b100aa) or just its district (B10): the outward code, then the optional inward code.
_POSTCODE = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})?", re.IGNORECASE)


@dataclass(frozen=True)
class SearchTerm:
    """What was typed, read: `value` is the reference's digits, an E.164 number, or a postcode district."""

    kind: Literal["reference", "phone", "postcode"]
    value: str
    postcode: str | None = None  # the whole postcode without its space, when one was given


def read_search(text: str) -> SearchTerm | None:
    """A reference, a UK phone number or a postcode; None when the words are none of these."""
    words = text.strip()
    if not words or len(words) > LONGEST_SEARCH:
        return None
    if reference := _REFERENCE.fullmatch(words):
        return SearchTerm("reference", reference.group(2))
    if (number := typed_number(words)) is not None:
        return SearchTerm("phone", number)
    if postcode := _POSTCODE.fullmatch(words):
        district, inward = postcode.group(1).upper(), postcode.group(2)
        return SearchTerm("postcode", district, f"{district}{inward.upper()}" if inward else None)
    return None


def find_cases(session: Session, staff: StaffMember, term: SearchTerm) -> list[Case]:
    """The matching cases `staff` may see, newest first (at most MOST_SHOWN), with officer and tasks loaded."""
    query = (
        select(Case)
        .options(selectinload(Case.officer), selectinload(Case.tasks))
        .where(visible_to(staff))
        .order_by(Case.created_at.desc(), Case.id.desc())
        .limit(MOST_SHOWN)
    )
    if term.kind == "reference":
        query = query.where(Case.reference_digits == term.value)
    elif term.kind == "phone":
        query = query.where(or_(Case.caller_phone == term.value, Case.callback_phone == term.value))
    else:
        query = query.where(Case.postcode_district == term.value)
        if term.postcode:  # a case keeps only the district; the whole postcode is in what the resident wrote
            squeezed = func.upper(func.replace(func.coalesce(Case.location, ""), " ", ""))
            query = query.where(squeezed.contains(term.postcode, autoescape=True))
    return list(session.scalars(query))
