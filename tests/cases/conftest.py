"""An officer team: two weekday officers (one with a patch), a weekend officer, their manager and a duty manager."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.staff.accounts import WorkingPattern, create_staff

OFFICER_A, OFFICER_B, OFFICER_C = "+447900000001", "+447900000002", "+447900000003"
MANAGER, DUTY = "+447900000010", "+447900000011"


@pytest.fixture
def officers(app):
    create_staff(db.session, "manager@example.org", "Mo Manager", "manager", mobile=MANAGER)
    create_staff(db.session, "duty@example.org", "Dee Duty", "manager", mobile=DUTY, duty_manager=True)
    create_staff(
        db.session,
        "a@example.org",
        "Asha Patel",
        "officer",
        mobile=OFFICER_A,
        patch=["B10", "b11"],
        manager_email="manager@example.org",
    )
    create_staff(
        db.session, "b@example.org", "Ben Jones", "officer", mobile=OFFICER_B, manager_email="manager@example.org"
    )
    create_staff(
        db.session,
        "c@example.org",
        "Cai Wong",
        "officer",
        mobile=OFFICER_C,
        manager_email="manager@example.org",
        pattern=WorkingPattern((5, 6), "09:00", "17:00"),
    )  # weekends only
