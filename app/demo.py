"""Demo data for `make run` and `flask seed-demo`: a staff account of each role and one case with an action
plan, created once.

Each console account gets a random password when it is made (or when it has none), returned by
`seed_demo_staff` so it can be shown that once: only its hash is kept.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.calendar import london_date
from app.casework.action_plans import PlanItemDraft, add_item
from app.casework.models import ActionPlanVersion, Case
from app.casework.plan_copies import send_copy
from app.casework.report import Report
from app.casework.service import open_case
from app.clock import now
from app.staff.accounts import create_staff, find_staff
from app.staff.passwords import CONSOLE_ROLES, set_password

DEMO_STAFF = (  # managers before the officers they manage
    ("demo.admin@example.org", "Demo Admin", "admin"),
    ("demo.manager@example.org", "Demo Manager", "manager"),
    ("demo.officer@example.org", "Demo Officer", "officer"),
    ("demo.contact@example.org", "Demo Contact Centre", "contact_centre"),
    ("demo.integration@example.org", "Demo Integration", "integration"),
)
DEMO_MANAGER = "demo.manager@example.org"


@dataclass(frozen=True)
class DemoSignIn:
    """A demo console account's sign-in details, known only at the moment its password is set."""

    email: str
    role: str
    password: str


def seed_demo_staff(session: Session) -> list[DemoSignIn]:
    """Create the missing demo accounts; a console account without a password gets one, returned here only."""
    new_passwords = []
    for email, name, role in DEMO_STAFF:
        member = find_staff(session, email)
        if member is None:
            manager = DEMO_MANAGER if role == "officer" and find_staff(session, DEMO_MANAGER) else None
            member = create_staff(session, email, name, role, manager_email=manager)
        if role in CONSOLE_ROLES and member.password_hash is None:
            password = secrets.token_urlsafe(15)  # 20 characters, typed once from the banner
            set_password(session, email, password)
            new_passwords.append(DemoSignIn(email, role, password))
    return new_passwords


# Ofcom's drama range: never a real resident. The case asks for no texts, so seeding sends nothing,
# even where real Twilio credentials are set.
DEMO_RESIDENT = "+447700900123"
DEMO_DESCRIPTION = "DEMO CASE (seeded by flask seed-demo): shouting and a leaflet through the door."


def demo_case(session: Session) -> Case | None:
    return session.scalars(select(Case).where(Case.description == DEMO_DESCRIPTION)).first()


def seed_demo(session: Session) -> str:
    """Create whatever demo data is missing (safe to run again); returns the demo case's reference.

    Call `seed_demo_staff` first to learn the demo accounts' passwords: any it sets here are not shown.
    """
    seed_demo_staff(session)
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
    case = open_case(session, report, received_at=now())
    seed_demo_action_plan(session, case)
    return case.reference


DEMO_OFFICER = "demo.officer@example.org"
DEMO_PLAN = (  # what, who, due in how many days
    ("Visit the resident at home to agree what happens next", "Demo Officer (investigating officer)", 3),
    ("Ask West Midlands Police for any reports about Coventry Road", "Demo Officer (investigating officer)", 7),
    ("Fit a letterbox guard", "Council housing repairs", 14),
)


def seed_demo_action_plan(session: Session, case: Case) -> ActionPlanVersion:
    """The demo case's officer and action plan, agreed with the resident, and its copy sent as a letter (no text:
    the demo resident asked for none). The console's action plan page downloads that letter."""
    officer = find_staff(session, DEMO_OFFICER)
    assert officer is not None, "seed_demo_staff runs first"
    case.officer_id = officer.id
    today = london_date(now())
    for what, who, days in DEMO_PLAN:
        add_item(session, case, officer, PlanItemDraft(what, who, today + timedelta(days=days)), True, None)
    return send_copy(session, case, officer, None).version
