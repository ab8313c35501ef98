"""Demo data for `make run` and `flask seed-demo`: three staff accounts and one case, created once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.casework.models import Case
from app.casework.report import Report
from app.casework.service import open_case
from app.clock import now
from app.staff.accounts import create_staff, find_staff

DEMO_STAFF = (
    ("demo.admin@example.org", "Demo Admin", "admin"),
    ("demo.officer@example.org", "Demo Officer", "officer"),
    ("demo.integration@example.org", "Demo Integration", "integration"),
)

# Ofcom's drama range: never a real resident. The case asks for no texts, so seeding sends nothing,
# even where real Twilio credentials are set.
DEMO_RESIDENT = "+447700900123"
DEMO_DESCRIPTION = "DEMO CASE (seeded by flask seed-demo): shouting and a leaflet through the door."


def demo_case(session: Session) -> Case | None:
    return session.scalars(select(Case).where(Case.description == DEMO_DESCRIPTION)).first()


def seed_demo(session: Session) -> str:
    """Create whatever demo data is missing (safe to run again); returns the demo case's reference."""
    for email, name, role in DEMO_STAFF:
        if find_staff(session, email) is None:
            create_staff(session, email, name, role)
    existing = demo_case(session)
    if existing is not None:
        return existing.reference
    report = Report(
        kind="hate_crime",
        channel="web",
        caller_phone=DEMO_RESIDENT,
        strands=["religion"],
        risk_answers={"danger_now": False, "happened_before": True, "unsafe_at_home": False, "support_needs": False},
        needs_adjustment=False,
        safe_to_text=False,
        visit_requested=False,
        referral_consent=True,
        description=DEMO_DESCRIPTION,
        location="Coventry Road, B10 0AA",
        occurred="Friday night",
    )
    return open_case(session, report, received_at=now()).reference
