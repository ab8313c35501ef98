"""Seeded fuzzing of every API route: 2,000 odd bodies, paths and tokens each; never a 5xx, always JSON.

The limits are raised for this app so the fuzz tests input handling, not the limiter (which still
runs: odd tokens and addresses go through its key functions). A failure prints the seed and round,
and the same seed replays the same requests.
"""

from __future__ import annotations

import json
import random
import zlib
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest

from app.casework.report import Report
from app.casework.service import open_case
from app.clock import now
from app.extensions import db
from app.intake.report_form import FIELDS
from app.staff.accounts import create_staff, issue_token

ROUNDS = 2000
ODD_TEXT = [
    "",
    " ",
    "\x00",
    "HC-\x00123456",
    "\ud800",
    "\udfff\ud800",
    "'; DROP TABLE cases; --",
    "%00",
    "../../etc/passwd",
    "\u202eevil",
    "e\u0301",
    "🙂" * 50,
    "0" * 300,
    "x" * 6000,
    "07911 123456",
    "+447911123456",
    "anonymous",
    "HC-123456",
    "hc-123456",
    "GR-000000",
    "Infinity",
    "null",
    "true",
    "\n\r\t",
    "\\u0000",
    "𝟘𝟙𝟚",
    "١٢٣٤٥٦",
]
ODD_NUMBERS = [0, -1, 1, 2**31 - 1, 2**31, 2**63, 10**20, -(10**30), 1e308, -0.0, 0.5, float("inf"), float("nan")]


class Fuzzer:
    """Odd JSON, text, paths and headers from one seeded generator."""

    def __init__(self, seed: int, tokens: dict[str, str], references: list[str], task_ids: list[int]) -> None:
        self.rng = random.Random(seed)
        self.tokens = tokens
        self.references = references
        self.task_ids = task_ids

    def text(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.5:
            return rng.choice(ODD_TEXT)
        if roll < 0.8:
            return "".join(
                chr(rng.choice([rng.randint(0, 0x7F), rng.randint(0, 0xFFFF), rng.randint(0, 0x10FFFF)]))
                for _ in range(rng.randint(0, 40))
            )
        return rng.choice(self.references) + rng.choice(["", " ", "\x00", "/", "0"])

    def value(self, depth: int = 0) -> Any:
        rng = self.rng
        kind = rng.choice(["none", "bool", "number", "text", "text", "list", "object"] if depth < 4 else ["text"])
        if kind == "none":
            return None
        if kind == "bool":
            return rng.random() < 0.5
        if kind == "number":
            return rng.choice(ODD_NUMBERS + [rng.randint(-(10**40), 10**40)])
        if kind == "list":
            return [self.value(depth + 1) for _ in range(rng.randint(0, 4))]
        if kind == "object":
            return {self.text(): self.value(depth + 1) for _ in range(rng.randint(0, 4))}
        return self.text()

    def report(self) -> dict[str, Any]:
        """Mostly the form's own field names, with values of any type (sometimes the right one)."""
        rng = self.rng
        names = rng.sample(sorted(FIELDS), rng.randint(0, len(FIELDS)))
        body = {name: self.value() for name in names}
        if rng.random() < 0.3:  # a report that passes, carrying odd text to the database
            body = {"caller_phone": "07911 123456", "description": self.text() or "x", "safe_to_text": False}
            body[rng.choice(["location", "occurred", "description"])] = self.text()
        if rng.random() < 0.1:
            body[self.text()] = self.value()
        return body

    def body(self, structured: Callable[[], Any]) -> dict[str, Any]:
        """Keyword arguments for the test client: JSON usually, raw bytes sometimes."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.7:
            return {
                "data": json.dumps(structured(), ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass"),
                "content_type": "application/json",
            }
        if roll < 0.8:
            return {"data": json.dumps(self.value()), "content_type": "application/json"}
        raw = rng.choice(
            [b"", b"{", b"[" * 5000, b"\xff\xfe\x00", b'{"a": "\\ud800"}', b"\x00" * 10, b'{"description": "a\x00b"}']
        )
        return {
            "data": raw,
            "content_type": rng.choice(["application/json", "text/plain", "application/x-www-form-urlencoded"]),
        }

    def segment(self) -> str:
        """A path segment: a real reference, a near miss, or anything, percent-encoded as a client would."""
        choice = self.rng.random()
        text = self.rng.choice(self.references) if choice < 0.3 else self.text()
        return quote(text.encode("utf-8", "surrogatepass"), safe="")

    def task_id(self) -> str:
        rng = self.rng
        if rng.random() < 0.3:
            return str(rng.choice(self.task_ids))
        return rng.choice([str(rng.choice(ODD_NUMBERS[:8])), str(10 ** rng.randint(1, 40)), self.segment()])

    def headers(self, role: str) -> dict[str, Any]:
        rng = self.rng
        roll = rng.random()
        if roll < 0.8:
            token = self.tokens[role]
        elif roll < 0.9:
            token = self.tokens[rng.choice(sorted(self.tokens))]
        else:
            token = rng.choice(["", "x", "\x00", "ÿ" * 3, "a" * 5000, self.tokens[role] + "x", " " * 3])
        scheme = "Bearer" if rng.random() < 0.95 else rng.choice(["Basic", "bearer", "", "Bearer  "])
        address = rng.choice(["192.0.2.1", "2001:db8::1", "", "not-an-address"])
        return {"headers": {"Authorization": f"{scheme} {token}"}, "environ_base": {"REMOTE_ADDR": address}}


@pytest.fixture
def fuzz_client(make_app):
    """A client whose limits cannot trip, with cases, tasks and a token for every role."""
    fuzzed = make_app(
        API_LIMIT_PER_ADDRESS="1000000/minute",
        API_LIMIT_PER_TOKEN="1000000/minute",
        API_FAILED_TOKEN_LIMIT="1000000/minute",
    )
    with fuzzed.app_context():
        tokens = {}
        for role in ("manager", "officer", "contact_centre", "integration", "admin"):
            create_staff(db.session, f"{role}@example.org", role, role)
            tokens[role] = issue_token(db.session, f"{role}@example.org")
        cases = [
            open_case(
                db.session, Report(kind=kind, channel="web", caller_phone="+447911123456", safe_to_text=True), now()
            )
            for kind in ("hate_crime", "graffiti", "hate_crime")
        ]
        references = [case.reference for case in cases]
        task_ids = [task.id for case in cases for task in case.tasks]
        db.session.remove()
    return fuzzed.test_client(), tokens, references, task_ids


def request_for(route: str, fuzz: Fuzzer) -> tuple[str, str, dict[str, Any]]:
    """One generated request: (method, path, client keyword arguments)."""
    rng = fuzz.rng
    role = rng.choice(["manager", "officer", "contact_centre", "integration", "admin"])
    if route == "read_case":
        return "get", f"/api/v1/cases/{fuzz.segment()}", fuzz.headers(role)
    if route == "cases_by_phone":
        phone = quote(fuzz.text().encode("utf-8", "surrogatepass"), safe="+")
        query = rng.choice([f"phone={phone}", f"phone={phone}&phone=1", phone, "", "phone"])
        return "get", f"/api/v1/cases?{query}", fuzz.headers(role)
    if route == "post_report":
        return (
            "post",
            "/api/v1/reports",
            {**fuzz.body(fuzz.report), **fuzz.headers("integration" if rng.random() < 0.9 else role)},
        )
    if route == "complete_task":

        def completion() -> Any:
            body = {"outcome": rng.choice(["done", "no_answer", "removed", fuzz.text()]), "note": fuzz.value()}
            return body if rng.random() < 0.7 else fuzz.value()

        return "post", f"/api/v1/tasks/{fuzz.task_id()}/complete", {**fuzz.body(completion), **fuzz.headers(role)}
    return "post", f"/api/v1/cases/{fuzz.segment()}/updates", {**fuzz.body(fuzz.value), **fuzz.headers(role)}


@pytest.mark.parametrize("route", ["read_case", "cases_by_phone", "post_report", "complete_task", "send_update"])
def test_no_generated_request_gets_a_5xx_or_anything_but_json(fuzz_client, route):
    client, tokens, references, task_ids = fuzz_client
    seed = zlib.crc32(route.encode())
    fuzz = Fuzzer(seed, tokens, references, task_ids)
    statuses: set[int] = set()
    for round_ in range(ROUNDS):
        method, path, kwargs = request_for(route, fuzz)
        reply = getattr(client, method)(path, **kwargs)
        where = f"seed {seed}, round {round_}: {method.upper()} {path[:80]!r} -> {reply.status_code}"
        assert reply.status_code < 500, where
        assert reply.mimetype == "application/json" and isinstance(json.loads(reply.data), dict), where
        statuses.add(reply.status_code)
    assert len(statuses) >= 3, f"the generator reached too few outcomes: {sorted(statuses)}"
