"""Who gets a new callback task (no Flask, no database).

The rule, in order, among the officers who work for at least an hour before the task's deadline (a
part-time or weekend officer who is off until after it, or whose shift is ending, cannot call the
resident back in time), or among all of them when none does:
1. An officer whose patch covers the case's postcode district; among several,
   one on duty first, then the fewest open tasks.
2. Otherwise the officer on duty with the fewest open tasks.
3. Otherwise (nobody on duty: a night, a weekend) the officer with the fewest
   open tasks, who will see it when their next shift starts.
Ties go to the officer created first (lowest id), so the choice is repeatable.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from app.calendar import LONDON, is_bank_holiday

# Working time an officer needs before a task's deadline to be given it (read the case, call, record).
TIME_TO_CALL_BACK = timedelta(hours=1)
# A full UK postcode ("B10 0AA", "b100aa"): the district is the outward code.
POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*[0-9][A-Z]{2}\b", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    officer_id: int
    patch: frozenset[str]
    on_duty: bool
    open_tasks: int
    works_before_deadline: bool = True


def postcode_district(text: str | None) -> str | None:
    """'Outside 12 Coventry Road, b10 0aa' -> 'B10'; None when no full postcode is given."""
    match = POSTCODE.search(text or "")
    return match.group(1).upper() if match else None


def is_on_duty(working_days: Sequence[int], works_from: str, works_until: str, instant: datetime) -> bool:
    """On one of their working weekdays (bank holidays off) within their hours, London time."""
    local = instant.astimezone(LONDON)
    return (
        local.weekday() in working_days
        and not is_bank_holiday(local.date())
        and time.fromisoformat(works_from) <= local.time() < time.fromisoformat(works_until)
    )


def works_before(
    working_days: Sequence[int], works_from: str, works_until: str, instant: datetime, deadline: datetime
) -> bool:
    """Whether they work for at least TIME_TO_CALL_BACK between `instant` and `deadline`, London time."""
    day, last = instant.astimezone(LONDON).date(), deadline.astimezone(LONDON).date()
    working = timedelta(0)
    while day <= last and working < TIME_TO_CALL_BACK:
        if day.weekday() in working_days and not is_bank_holiday(day):
            starts = datetime.combine(day, time.fromisoformat(works_from), LONDON)
            ends = datetime.combine(day, time.fromisoformat(works_until), LONDON)
            working += max(timedelta(0), min(ends, deadline) - max(starts, instant))
        day += timedelta(days=1)
    return working >= TIME_TO_CALL_BACK


def choose_officer(district: str | None, candidates: Sequence[Candidate]) -> int | None:
    if not candidates:
        return None
    in_time = [c for c in candidates if c.works_before_deadline] or list(candidates)
    covering = [c for c in in_time if district and district in c.patch]
    on_duty = [c for c in in_time if c.on_duty]
    pool = covering or on_duty or in_time
    best = min(pool, key=lambda c: (not c.on_duty, c.open_tasks, c.officer_id))
    return best.officer_id
