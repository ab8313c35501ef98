"""The console benchmark's data: 50,000 cases and 500,000 timeline rows, COPYed into PostgreSQL.

Rows are made relative to `now` (the console shows what is due and overdue from the real clock).
Cases 1..N have explicit ids so events can name them without reading them back; the sequences are
moved past them afterwards. One officer holds OFFICER_OPEN_TASKS open tasks, and one of their cases
(the "busy" case) has about BUSY_EVENTS timeline entries; the rest are spread over all cases.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

CASES = 50_000
OPEN_SHARE = 0.10
OFFICER_OPEN_TASKS = 200
BUSY_EVENTS = 100
# Timeline rows by table (tasks: one per case plus update calls); 500,000 in all.
ROWS = {
    "tasks": 60_000,
    "phone_calls": 60_000,
    "recordings": 40_000,
    "outbound_messages": 150_000,
    "inbound_messages": 120_000,
    "audit_events": 70_000,
}
SEARCHED_PHONE = "+447911123456"  # searched as "07911 123456": three cases
SEARCHED_POSTCODE = ("B10", "0AA")
DISTRICTS = tuple(f"B{n}" for n in range(1, 46))
STREETS = ("Coventry Road", "Soho Road", "Alum Rock Road", "Stratford Road", "Ladypool Road", "Bristol Road")
SEED = 20261130


@dataclass(frozen=True)
class Seeded:
    """What the timed pages ask for."""

    officer_id: int
    busy_reference: str
    some_reference: str
    busy_case_id: int


def json_text(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


class Seeder:
    def __init__(self, now: datetime, officer_ids: list[int]) -> None:
        self.now = now
        self.rng = random.Random(SEED)
        self.officer_ids = officer_ids  # officer_ids[0] is the benchmark's officer
        self.digits = self.rng.sample(range(100_000, 1_000_000), CASES)
        self.open_cases = set(self.rng.sample(range(1, CASES + 1), int(CASES * OPEN_SHARE)))
        mine = sorted(self.open_cases)[:: len(self.open_cases) // OFFICER_OPEN_TASKS][:OFFICER_OPEN_TASKS]
        self.officer_cases = set(mine)
        self.busy_case = mine[len(mine) // 2]
        self.created = {case: self.ago(3 * 365) for case in range(1, CASES + 1)}
        for case in self.open_cases:
            self.created[case] = self.ago(60)

    def ago(self, days: float) -> datetime:
        return self.now - timedelta(seconds=self.rng.uniform(0, days * 86_400))

    def after(self, case: int, days: float = 30) -> datetime:
        start = self.created[case]
        return min(start + timedelta(seconds=self.rng.uniform(0, days * 86_400)), self.now)

    def reference(self, case: int) -> str:
        return f"HC-{self.digits[case - 1]}"

    def seeded(self) -> Seeded:
        busy = self.busy_case
        return Seeded(self.officer_ids[0], self.reference(busy), self.reference(busy + 1), busy)

    def case_for_event(self) -> int:
        return self.rng.randrange(1, CASES + 1)

    def officer_of(self, case: int) -> int | None:
        if case in self.officer_cases:
            return self.officer_ids[0]
        return self.officer_ids[1 + case % (len(self.officer_ids) - 1)] if case % 20 else None

    # -- rows per table: (columns, rows) ---------------------------------------------

    def cases(self) -> tuple[str, Iterator[tuple[Any, ...]]]:
        columns = (
            "id, reference, reference_digits, kind, channel, status, created_at, caller_phone, callback_phone, "
            "strands, risk_answers, risk_level, priority, duty_officer_flag, safe_to_text, incomplete_call, "
            "contact_by_phone_only, postcode_district, location, description, officer_id, last_contact_at, "
            "next_update_due"
        )
        return columns, (self.case_row(case) for case in range(1, CASES + 1))

    def case_row(self, case: int) -> tuple[Any, ...]:
        rng = self.rng
        phone = SEARCHED_PHONE if case in (7, 7_007, self.busy_case) else f"+4479{rng.randrange(10**8):08d}"
        district = DISTRICTS[case % len(DISTRICTS)]
        inward = SEARCHED_POSTCODE[1] if case % 97 == 0 else f"{rng.randrange(10)}{rng.choice('ABDEHJLN')}Z"
        level = "high" if case % 20 == 0 else "medium" if case % 3 == 0 else "standard"
        answers = {"danger_now": level == "high", "happened_before": level != "standard", "unsafe_at_home": False}
        is_open = case in self.open_cases
        contact = self.after(case, 14)
        return (
            case,
            self.reference(case),
            str(self.digits[case - 1]),
            "hate_crime",
            ("phone", "phone", "sms", "web", "staff")[case % 5],
            "open" if is_open else "closed",
            self.created[case],
            phone,
            phone,
            json_text([("race", "religion", "disability", "sexual_orientation", "transgender")[case % 5]]),
            json_text(answers),
            level,
            level == "high",
            level == "high",
            case % 3 == 0,
            False,
            False,
            district,
            f"{rng.randrange(1, 300)} {rng.choice(STREETS)}, {district} {inward}",
            "Shouting in the street and a leaflet through the door.",
            self.officer_of(case),
            contact,
            contact + timedelta(days=14) if is_open else None,
        )

    def tasks(self) -> tuple[str, Iterator[tuple[Any, ...]]]:
        columns = (
            "case_id, kind, origin, status, due_at, priority, created_at, attempt, assignee_id, completed_at, outcome"
        )
        extra = ROWS["tasks"] - CASES - 2
        cases = [*range(1, CASES + 1), self.busy_case, self.busy_case, *(self.case_for_event() for _ in range(extra))]
        return columns, (self.task_row(case, number) for number, case in enumerate(cases))

    def task_row(self, case: int, number: int) -> tuple[Any, ...]:
        first = number < CASES
        created = self.created[case] if first else self.after(case)
        is_open = first and case in self.open_cases
        due = self.now + timedelta(hours=self.rng.uniform(-72, 240)) if is_open else created + timedelta(days=1)
        done = None if is_open else min(created + timedelta(hours=self.rng.uniform(1, 30)), self.now)
        kind = "risk_assessment_callback" if first else "update_callback"
        return (
            case,
            kind,
            "report" if first else f"bench:{number}",
            "open" if is_open else "done",
            due,
            case % 20 == 0,
            created,
            1,
            self.officer_of(case),
            done,
            None if is_open else "spoke_to_resident",
        )

    def phone_calls(self) -> tuple[str, Iterator[tuple[Any, ...]]]:
        columns = "call_sid, from_phone, started_at, last_step_at, flow, answers, ended_at, end_status, case_id"
        answers = json_text({"danger_now": "2", "happened_before": "1", "unsafe_at_home": "2", "account": "recorded"})

        def row(number: int, case: int) -> tuple[Any, ...]:
            started = self.after(case)
            ended = started + timedelta(minutes=4)
            return f"CA{number:032x}", "+447911123456", started, ended, "report", answers, ended, "completed", case

        return columns, (row(n, case) for n, case in enumerate(self.spread("phone_calls", 10)))

    def recordings(self) -> tuple[str, Iterator[tuple[Any, ...]]]:
        columns = "recording_sid, call_sid, purpose, url, duration_seconds, transcription, case_id, created_at"

        def row(number: int, case: int) -> tuple[Any, ...]:
            transcription = "They shouted at me outside the shop and followed me home."
            url = f"https://api.twilio.com/2010-04-01/Accounts/AC/Recordings/RE{number:032x}"
            return f"RE{number:032x}", f"CA{number:032x}", "account", url, 45, transcription, case, self.after(case)

        return columns, (row(n, case) for n, case in enumerate(self.spread("recordings", 4)))

    def outbound_messages(self) -> tuple[str, Iterator[tuple[Any, ...]]]:
        columns = (
            "case_id, purpose, body, status, attempts, next_attempt_at, created_at, sent_at, to_phone, segments, "
            "encoding, twilio_sid"
        )

        def row(number: int, case: int) -> tuple[Any, ...]:
            at = self.after(case, 60)
            purpose = "staff_notification" if number % 8 == 0 else "progress_update"
            body = f"An update on your report {self.reference(case)}: your officer will call you this week."
            return case, purpose, body, "delivered", 1, at, at, at, "+447911123456", 1, "GSM7", f"SM{number:032x}"

        return columns, (row(n, case) for n, case in enumerate(self.spread("outbound_messages", 40)))

    def inbound_messages(self) -> tuple[str, Iterator[tuple[Any, ...]]]:
        columns = "message_sid, from_raw, from_phone, to_phone, body, media, received_at, case_id, handled_as, raw_form"

        def row(number: int, case: int) -> tuple[Any, ...]:
            body = "They were back again last night. Please call after 6pm."
            sid, resident = f"SM{10**9 + number:032x}", "+447911123456"
            return sid, resident, resident, "+441214647269", body, "[]", self.after(case, 60), case, "case_reply", "{}"

        return columns, (row(n, case) for n, case in enumerate(self.spread("inbound_messages", 40)))

    def audit_events(self) -> tuple[str, Iterator[tuple[Any, ...]]]:
        columns = "at, staff_id, role, action, case_id, changes, address"

        def row(number: int, case: int) -> tuple[Any, ...]:
            staff_id = self.officer_ids[case % len(self.officer_ids)]
            if number % 4:
                return self.after(case, 60), staff_id, "officer", "console_read_case", case, "{}", "192.0.2.1"
            # every fourth a manager giving the case to another officer: the timeline's officer changes
            changes = json_text({"officer_id": [staff_id, self.officer_ids[(case + 1) % len(self.officer_ids)]]})
            return self.after(case, 60), staff_id, "manager", "case_reassigned", case, changes, "192.0.2.1"

        return columns, (row(n, case) for n, case in enumerate(self.spread("audit_events", 20)))

    def spread(self, table: str, busy: int) -> Iterable[int]:
        """`busy` rows for the busy case, the rest of the table's rows on random cases."""
        yield from [self.busy_case] * busy
        for _ in range(ROWS[table] - busy):
            yield self.case_for_event()

    def tables(self) -> Iterator[tuple[str, str, Iterator[tuple[Any, ...]]]]:
        """(table, columns, rows) for each table, cases first (the others refer to them)."""
        for name in ("cases", *ROWS):
            columns, rows = getattr(self, name)()
            yield name, columns, rows


def copy_rows(connection: Any, table: str, columns: str, rows: Iterable[tuple[Any, ...]]) -> int:
    """COPY the rows into the table over a psycopg connection; returns how many."""
    count = 0
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count
