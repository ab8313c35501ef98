"""Console passwords: stored only as argon2 hashes, and a refusal that says nothing about which part was wrong."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.staff.accounts import StaffError, create_staff, find_staff
from app.staff.passwords import authenticate, set_password

PASSWORD = "correct horse battery staple"


@pytest.fixture
def officer(app):
    create_staff(db.session, "asha.patel@birmingham.gov.uk", "Asha Patel", "officer")
    return set_password(db.session(), "asha.patel@birmingham.gov.uk", PASSWORD)


def test_only_an_argon2id_hash_of_the_password_is_stored(officer):
    assert officer.password_hash.startswith("$argon2id$") and PASSWORD not in officer.password_hash


def test_the_right_password_signs_in_whatever_the_email_case(officer):
    assert authenticate(db.session(), " Asha.Patel@Birmingham.gov.uk ", PASSWORD) is officer


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("asha.patel@birmingham.gov.uk", "wrong horse battery staple"),
        ("nobody@birmingham.gov.uk", PASSWORD),
        ("asha.patel@birmingham.gov.uk", ""),
        ("x" * 5000 + "@birmingham.gov.uk", PASSWORD),
    ],
    ids=["wrong password", "unknown email", "empty password", "overlong email"],
)
def test_anything_else_is_refused_alike(officer, email, password):
    assert authenticate(db.session(), email, password) is None


def test_a_deactivated_account_cannot_sign_in(officer):
    officer.active = False
    db.session.commit()
    assert authenticate(db.session(), officer.email, PASSWORD) is None


def test_an_account_without_a_password_cannot_sign_in(app):
    create_staff(db.session, "ben@birmingham.gov.uk", "Ben Jones", "manager")
    assert authenticate(db.session(), "ben@birmingham.gov.uk", "") is None


def test_a_new_password_ends_the_old_sessions_and_the_old_password(officer):
    before = officer.session_generation
    set_password(db.session(), officer.email, "a completely new passphrase")
    assert officer.session_generation == before + 1
    assert authenticate(db.session(), officer.email, PASSWORD) is None


def test_an_integration_has_no_password_and_a_short_password_is_refused(app):
    create_staff(db.session, "website@birmingham.gov.uk", "Website", "integration")
    with pytest.raises(StaffError, match="API tokens"):
        set_password(db.session(), "website@birmingham.gov.uk", PASSWORD)
    create_staff(db.session, "cc@birmingham.gov.uk", "Cat Clarke", "contact_centre")
    with pytest.raises(StaffError, match="at least 12 characters"):
        set_password(db.session(), "cc@birmingham.gov.uk", "short")
    assert find_staff(db.session(), "cc@birmingham.gov.uk").password_hash is None
