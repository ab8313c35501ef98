"""`make run`'s demo staff: one of each role, each console password made and shown once."""

from __future__ import annotations

from pypdf import PdfReader
from sqlalchemy import func, select

from app import demo
from app.casework.models import Case
from app.extensions import db
from app.staff.accounts import create_staff, find_staff
from app.staff.models import StaffMember
from app.staff.passwords import authenticate
from devtools.run_local import console_note
from tests.conftest import PUBLIC_BASE_URL


def test_the_demo_staff_are_one_of_each_role_and_each_console_password_works(app):
    sign_ins = demo.seed_demo_staff(db.session())
    assert [(login.email, login.role) for login in sign_ins] == [
        ("demo.admin@example.org", "admin"),
        ("demo.manager@example.org", "manager"),
        ("demo.officer@example.org", "officer"),
        ("demo.contact@example.org", "contact_centre"),
    ]
    for login in sign_ins:
        assert len(login.password) >= 12
        assert authenticate(db.session(), login.email, login.password) is not None
    assert len({login.password for login in sign_ins}) == 4, "each its own"
    officer = find_staff(db.session(), "demo.officer@example.org")
    assert officer.manager is not None and officer.manager.email == "demo.manager@example.org"
    assert find_staff(db.session(), "demo.integration@example.org").password_hash is None


def test_a_second_run_shows_no_password_and_changes_none(app):
    first = demo.seed_demo_staff(db.session())
    hashes = {member.email: member.password_hash for member in db.session.scalars(select(StaffMember))}
    assert demo.seed_demo_staff(db.session()) == []
    assert {member.email: member.password_hash for member in db.session.scalars(select(StaffMember))} == hashes
    assert authenticate(db.session(), first[0].email, first[0].password) is not None


def test_a_demo_account_made_before_passwords_existed_gets_one_once(app):
    create_staff(db.session(), "demo.admin@example.org", "Demo Admin", "admin")  # as an older make run left it
    shown = demo.seed_demo_staff(db.session())
    assert "demo.admin@example.org" in [login.email for login in shown]
    assert demo.seed_demo_staff(db.session()) == []


def test_make_runs_banner_shows_the_sign_ins_once_then_says_they_exist():
    first = console_note(5000, [demo.DemoSignIn("demo.admin@example.org", "admin", "a-random-password")])
    assert "http://127.0.0.1:5000/console/sign-in" in first
    assert "demo.admin@example.org" in first and "a-random-password" in first and "only this once" in first
    later = console_note(5000, [])
    assert "demo.contact@example.org" in later and "exist" in later
    assert "password:" not in later and "staff set-password demo.admin@example.org" in later


def test_the_demo_case_has_an_agreed_action_plan_whose_letter_was_sent(app):
    demo.seed_demo_staff(db.session())
    reference = demo.seed_demo(db.session(), PUBLIC_BASE_URL)
    case = demo.demo_case(db.session())
    assert case is not None and case.officer is not None and case.officer.email == "demo.officer@example.org"
    [*_, latest] = case.action_plan_versions
    assert [item["what"] for item in latest.items] == [what for what, _, _ in demo.DEMO_PLAN]
    assert latest.agreed_with_resident and latest.sent_how == "letter"
    assert demo.seed_demo(db.session(), PUBLIC_BASE_URL) == reference and len(case.action_plan_versions) == 3, (
        "made once"
    )


def test_the_closed_demo_case_was_closed_as_the_rules_ask_and_both_letters_are_written(app, tmp_path):
    demo.seed_demo_staff(db.session())
    demo.seed_demo(db.session(), PUBLIC_BASE_URL)
    closed = demo.demo_closed_case(db.session())
    assert closed is not None and closed.status == "closed" and closed.closed_reason == "resolved"
    assert [entry.closure_discussion for entry in closed.contact_log] == [True], "discussed with the resident first"
    letters = demo.write_demo_letters(db.session(), tmp_path / "letters", PUBLIC_BASE_URL)
    assert sorted(path.name.split("-")[0] for path in letters) == ["action", "closure"]
    closure_text = " ".join(page.extract_text() for page in PdfReader(letters[1]).pages)
    assert demo.DEMO_CLOSED_NAME in closure_text and closed.reference in closure_text
    assert closed.survey is not None and closed.survey.short_code in closure_text
    demo.seed_demo(db.session(), PUBLIC_BASE_URL)
    assert db.session.scalar(select(func.count()).select_from(Case).where(Case.status == "closed")) == 1, "made once"
