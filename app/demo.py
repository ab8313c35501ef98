"""Demo data for `make run` and `flask seed-demo`: a staff account of each role, one open case with an action
plan and one closed case, created once; and the two letters residents get (the action plan's copy, the
closure letter) written as PDFs to `instance/letters/` for a look.

Each console account gets a random password when it is made (or when it has none), returned by
`seed_demo_staff` so it can be shown that once: only its hash is kept.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.calendar import london_date
from app.casework import lifecycle
from app.casework.action_plans import PlanItemDraft, add_item
from app.casework.closure import close_case, closure_letter
from app.casework.contact_log import Contact, log_contact
from app.casework.models import ActionPlanVersion, Case
from app.casework.plan_copies import plan_letter, send_copy
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
DEMO_NAME = "Aisha Begum"
DEMO_ADDRESS = "27 Coventry Road\nSmall Heath\nBirmingham\nB10 0AA"
DEMO_DESCRIPTION = "DEMO CASE (seeded by flask seed-demo): shouting and a leaflet through the door."


def seeded_case(session: Session, description: str) -> Case | None:
    """A demo case, found by the description only the seed writes."""
    return session.scalars(select(Case).where(Case.description == description)).first()


def demo_case(session: Session) -> Case | None:
    return seeded_case(session, DEMO_DESCRIPTION)


def seed_demo(session: Session, base_url: str) -> str:
    """Create whatever demo data is missing (safe to run again); returns the demo case's reference.

    Call `seed_demo_staff` first to learn the demo accounts' passwords: any it sets here are not shown.
    `base_url` is the public address the closed case's survey link starts with.
    """
    seed_demo_staff(session)
    if demo_closed_case(session) is None:
        seed_demo_closed_case(session, base_url)
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
    case.resident_name, case.postal_address = DEMO_NAME, DEMO_ADDRESS
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


DEMO_CLOSED_RESIDENT = "+447700900456"
DEMO_CLOSED_DESCRIPTION = "DEMO CASE (seeded by flask seed-demo): abuse outside the shop, now resolved."
# Letters print names in any script: the demo resident's is Polish, the officer's the demo officer's.
DEMO_CLOSED_NAME = "Zofia Wiśniewska"
DEMO_CLOSED_ADDRESS = "Flat 2, 14 Coventry Road\nBirmingham\nB10 0AA"


def demo_closed_case(session: Session) -> Case | None:
    return seeded_case(session, DEMO_CLOSED_DESCRIPTION)


def seed_demo_closed_case(session: Session, base_url: str) -> Case:
    """A case reported three weeks ago, its closure discussed with the resident and closed as resolved: its
    closure letter (with the survey link and code) is what a resident gets. No text: the resident asked for none."""
    officer = find_staff(session, DEMO_OFFICER)
    assert officer is not None, "seed_demo_staff runs first"
    report = Report(
        kind="hate_crime",
        channel="phone",
        caller_phone=DEMO_CLOSED_RESIDENT,
        strands=["race"],
        risk_answers={"danger_now": False, "happened_before": False, "unsafe_at_home": False, "support_needs": False},
        safe_to_text=False,
        description=DEMO_CLOSED_DESCRIPTION,
    )
    case = open_case(session, report, received_at=now() - timedelta(days=21))
    case.officer_id, case.resident_name, case.postal_address = officer.id, DEMO_CLOSED_NAME, DEMO_CLOSED_ADDRESS
    discussion = Contact("call", "out", "made_contact", closure_discussion=True, note="Agreed the case can close.")
    log_contact(session, case, officer, discussion, None)
    lifecycle.propose_closure(session, case, officer, None)
    close_case(session, case, officer, "resolved", None, base_url, None)
    return case


def write_demo_letters(session: Session, directory: Path, base_url: str) -> list[Path]:
    """The demo cases' letters as PDFs in `directory`: the open case's action plan copy and the closed case's
    closure letter (made again each time, so they follow the templates)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    open_case_ = demo_case(session)
    if open_case_ is not None and open_case_.action_plan_versions:
        path = directory / f"action-plan-{open_case_.reference}.pdf"
        path.write_bytes(plan_letter(open_case_, open_case_.action_plan_versions[-1]))
        written.append(path)
    closed = demo_closed_case(session)
    if closed is not None:
        path = directory / f"closure-letter-{closed.reference}.pdf"
        path.write_bytes(closure_letter(closed, base_url))
        written.append(path)
    return written
