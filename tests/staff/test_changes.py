"""Admins' changes to staff accounts: checked, audited old -> new, never leaving the console without an admin."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.staff.accounts import (
    StaffError,
    WorkingPattern,
    create_staff,
    issue_token,
    staff_for_token,
    working_pattern,
)
from app.staff.changes import (
    STAFF_CHANGED,
    STAFF_CREATED,
    STAFF_PASSWORD_RESET,
    AccountDetails,
    add_staff,
    change_staff,
    reset_password,
)
from app.staff.passwords import authenticate

ADDRESS = "192.0.2.7"


@pytest.fixture
def admin(app):
    return create_staff(db.session(), "ada.admin@birmingham.gov.uk", "Ada Admin", "admin")


@pytest.fixture
def manager(app):
    return create_staff(db.session(), "mo.manager@birmingham.gov.uk", "Mo Manager", "manager")


def events() -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_a_new_account_is_audited_with_every_field_it_was_given(admin, manager):
    details = AccountDetails(
        role="officer",
        mobile="07911 123456",
        patch=("b10", "B11 "),
        pattern=WorkingPattern((0, 1, 2), "08:30", "16:30"),
        manager_email=manager.email,
    )
    officer = add_staff(db.session(), "Asha.Patel@birmingham.gov.uk", "Asha Patel", details, by=admin, address=ADDRESS)
    assert (officer.email, officer.mobile, officer.patch, officer.manager_id) == (
        "asha.patel@birmingham.gov.uk",
        "+447911123456",
        ["B10", "B11"],
        manager.id,
    )
    [event] = events()
    assert (event.action, event.staff_id, event.role, event.case_id, event.address) == (
        STAFF_CREATED,
        admin.id,
        "admin",
        None,
        ADDRESS,
    )
    assert event.changes["staff_id"] == [None, officer.id]
    assert event.changes["role"] == [None, "officer"]
    assert event.changes["working_days"] == [None, [0, 1, 2]]
    assert event.changes["works_from"] == [None, "08:30"]


@pytest.mark.parametrize(
    ("mobile", "field"),
    [("0121 464 7269", "mobile"), ("+33 6 12 34 56 78", "mobile"), ("not a number", "mobile")],
    ids=["a landline", "a mobile abroad", "not a number"],
)
def test_the_mobile_must_be_a_uk_mobile(admin, mobile, field):
    with pytest.raises(StaffError) as refused:
        add_staff(
            db.session(), "x@birmingham.gov.uk", "X", AccountDetails("officer", mobile=mobile), by=admin, address=None
        )
    assert refused.value.field == field
    db.session.rollback()
    assert events() == []


@pytest.mark.parametrize(
    ("email", "name", "details", "field"),
    [
        ("x@birmingham.gov.uk", "X", AccountDetails("superuser"), "role"),
        ("ada.admin@birmingham.gov.uk", "X", AccountDetails("officer"), "email"),
        ("not an email", "X", AccountDetails("officer"), "email"),
        ("x@birmingham.gov.uk", " ", AccountDetails("officer"), "name"),
        ("x@birmingham.gov.uk", "X", AccountDetails("officer", patch=("B10 0AA",)), "patch"),
        ("x@birmingham.gov.uk", "X", AccountDetails("officer", manager_email="nobody@example.org"), "manager"),
        ("x@birmingham.gov.uk", "X", AccountDetails("officer", duty_manager=True), "duty_manager"),
    ],
    ids=["unknown role", "duplicate email", "not an email", "no name", "a full postcode", "no such manager", "duty"],
)
def test_what_cannot_be_an_account_is_refused_by_field(admin, email, name, details, field):
    with pytest.raises(StaffError) as refused:
        add_staff(db.session(), email, name, details, by=admin, address=None)
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("days", "hours", "field"),
    [((), ("09:00", "17:00"), "working_days"), ((0,), ("17:00", "09:00"), "hours"), ((0,), ("9am", "5pm"), "hours")],
    ids=["no days", "backwards", "not times"],
)
def test_a_working_pattern_needs_days_and_hours_that_end_after_they_start(days, hours, field):
    with pytest.raises(StaffError) as refused:
        working_pattern(days, *hours)
    assert refused.value.field == field


def test_a_change_is_audited_field_by_field_with_old_and_new_values(admin, manager):
    officer = create_staff(db.session(), "o@birmingham.gov.uk", "O", "officer", patch=["B10"])
    details = AccountDetails(
        role="manager",
        patch=("B10", "B12"),
        pattern=WorkingPattern((0, 1, 2, 3, 4), "09:00", "17:00"),
        duty_manager=True,
    )
    changed = change_staff(db.session(), officer, details, by=admin, address=ADDRESS)
    assert changed == {
        "role": ["officer", "manager"],
        "patch": [["B10"], ["B10", "B12"]],
        "duty_manager": [False, True],
    }
    [event] = events()
    assert event.action == STAFF_CHANGED
    assert event.changes == {"staff_id": [officer.id, officer.id], **changed}


def test_saving_without_a_change_records_nothing(admin):
    officer = create_staff(db.session(), "o@birmingham.gov.uk", "O", "officer")
    assert change_staff(db.session(), officer, AccountDetails("officer"), by=admin, address=None) == {}
    assert events() == []


def test_deactivating_ends_the_sessions_so_reactivating_does_not_revive_them(admin):
    officer = create_staff(db.session(), "o@birmingham.gov.uk", "O", "officer")
    generation = officer.session_generation
    change_staff(db.session(), officer, AccountDetails("officer", active=False), by=admin, address=None)
    change_staff(db.session(), officer, AccountDetails("officer", active=True), by=admin, address=None)
    assert officer.session_generation == generation + 1
    assert [event.changes["active"] for event in events()] == [[True, False], [False, True]]


def test_deactivating_revokes_the_api_tokens_so_reactivating_does_not_revive_them(admin):
    officer = create_staff(db.session(), "o@birmingham.gov.uk", "O", "officer")
    token = issue_token(db.session(), officer.email)
    change_staff(db.session(), officer, AccountDetails("officer", active=False), by=admin, address=None)
    change_staff(db.session(), officer, AccountDetails("officer", active=True), by=admin, address=None)
    assert staff_for_token(db.session(), token) is None
    assert staff_for_token(db.session(), issue_token(db.session(), officer.email)) == officer, "a new one works"


@pytest.mark.parametrize(
    "details", [AccountDetails("admin", active=False), AccountDetails("manager")], ids=["deactivate", "demote"]
)
def test_the_last_active_admin_cannot_deactivate_or_demote_themselves(admin, details):
    with pytest.raises(StaffError, match="you are the only active admin"):
        change_staff(db.session(), admin, details, by=admin, address=None)
    db.session.rollback()
    assert (admin.role, admin.active, events()) == ("admin", True, [])


def test_an_admin_may_step_down_when_another_admin_remains(admin):
    create_staff(db.session(), "second@birmingham.gov.uk", "Second Admin", "admin")
    assert change_staff(db.session(), admin, AccountDetails("manager"), by=admin, address=None) == {
        "role": ["admin", "manager"]
    }


def test_an_inactive_admin_does_not_count_as_the_one_that_remains(admin):
    other = create_staff(db.session(), "second@birmingham.gov.uk", "Second Admin", "admin")
    change_staff(db.session(), other, AccountDetails("admin", active=False), by=admin, address=None)
    with pytest.raises(StaffError):
        change_staff(db.session(), admin, AccountDetails("admin", active=False), by=admin, address=None)


def test_nobody_is_their_own_manager(admin, manager):
    with pytest.raises(StaffError, match="their own manager") as refused:
        change_staff(
            db.session(), manager, AccountDetails("manager", manager_email=manager.email), by=admin, address=None
        )
    assert refused.value.field == "manager"


def test_a_password_reset_is_audited_without_the_password_and_ends_sessions(admin):
    officer = create_staff(db.session(), "o@birmingham.gov.uk", "O", "officer")
    generation = officer.session_generation
    reset_password(db.session(), officer, "three random words", by=admin, address=ADDRESS)
    assert authenticate(db.session(), officer.email, "three random words") == officer
    assert officer.session_generation == generation + 1
    [event] = events()
    assert (event.action, event.changes) == (STAFF_PASSWORD_RESET, {"staff_id": [officer.id, officer.id]})


@pytest.mark.parametrize(("role", "password"), [("officer", "too short"), ("integration", "long enough password")])
def test_a_short_password_and_a_password_for_an_integration_are_refused(admin, role, password):
    member = create_staff(db.session(), "m@birmingham.gov.uk", "M", role)
    with pytest.raises(StaffError):
        reset_password(db.session(), member, password, by=admin, address=None)
    assert member.password_hash is None
