"""Staff accounts in the console: admins create and change them, managers read them, nobody else sees them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.staff.accounts import find_staff
from app.staff.changes import STAFF_CHANGED, STAFF_CREATED, STAFF_PASSWORD_RESET
from app.staff.models import StaffMember
from app.staff.passwords import authenticate
from tests.console.conftest import csrf_token, error_summary, heading, page, sign_in, table_rows, text_of

NEW_ACCOUNT = {
    "name": "Asha Patel",
    "email": "Asha.Patel@birmingham.gov.uk",
    "role": "officer",
    "mobile": "07911 123456",
    "patch": "b10, B11",
    "working_days": ["0", "1", "2", "3"],
    "works_from": "08:30",
    "works_until": "16:30",
    "manager": "",
}


def account_page_form(member: StaffMember) -> dict[str, object]:
    """The change form as the page fills it in for `member`, ready to send back."""
    member = reread(member)
    return {
        "form": "account",
        "active": "yes" if member.active else "no",
        "role": member.role,
        "mobile": member.mobile or "",
        "patch": ", ".join(member.patch),
        "working_days": [str(day) for day in member.working_days],
        "works_from": member.works_from,
        "works_until": member.works_until,
        "manager": member.manager.email if member.manager else "",
        **({"duty_manager": "y"} if member.duty_manager else {}),
    }


def send(browser, path: str, data: dict[str, object]):
    """Fill in the form on `path` with `data` and send it, with the page's CSRF token."""
    return browser.post(path, data={"csrf_token": csrf_token(browser.get(path)), **data})


def reread(member: StaffMember) -> StaffMember:
    """The account as the database has it now (each request ends the session that loaded it)."""
    found = db.session.get(StaffMember, member.id, populate_existing=True)
    assert found is not None
    return found


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


# --- Who may use the pages ---


@pytest.mark.parametrize(
    ("role", "status"), [("admin", 200), ("manager", 200), ("officer", 403), ("contact_centre", 403)]
)
def test_admins_and_managers_see_the_staff_pages_and_nobody_else(browser, signed_in, account, role, status):
    signed_in(role)
    colleague = account("officer")
    assert browser.get("/console/staff").status_code == status
    assert browser.get(f"/console/staff/{colleague.id}").status_code == status


def test_signed_out_people_are_sent_to_sign_in(browser, account):
    colleague = account("officer")
    assert browser.get("/console/staff").headers["Location"] == "/console/sign-in?next=/console/staff"
    assert browser.get(f"/console/staff/{colleague.id}").status_code == 302


def test_a_manager_reads_every_account_but_is_given_no_form(browser, signed_in, account):
    manager = signed_in("manager", name="Mo Manager")
    officer = account("officer", name="Asha Patel")
    officer.manager_id, officer.patch = manager.id, ["B10"]
    db.session.commit()
    listed = browser.get("/console/staff")
    assert heading(listed) == "Staff accounts"
    assert ["Asha Patel", officer.email, "Officer", "Active", "No", "B10", "Mo Manager"] in table_rows(listed)
    assert page(listed).find("form", attrs={"method": "post", "class": None}) is None
    one = browser.get(f"/console/staff/{officer.id}")
    assert heading(one) == "Asha Patel" and "Mo Manager" in text_of(page(one).find("dl"))
    assert not page(one).find("input", attrs={"name": "form"}), "no change or password form"


@pytest.mark.parametrize(
    ("path", "data"),
    [("/console/staff", NEW_ACCOUNT), ("/console/staff/{id}", {"form": "account", "role": "admin"})],
    ids=["create", "change"],
)
def test_a_manager_cannot_change_an_account_even_by_sending_the_form(browser, signed_in, path, data):
    manager = signed_in("manager")
    refused = send(browser, path.format(id=manager.id), data)
    assert refused.status_code == 403 and heading(refused) == "You cannot use this page"
    assert db.session.get(StaffMember, manager.id).role == "manager"
    assert find_staff(db.session(), "asha.patel@birmingham.gov.uk") is None


@pytest.mark.parametrize("path", ["/console/staff/999999", "/console/staff/99999999999", "/console/staff/abc"])
def test_an_account_that_does_not_exist_is_not_found(browser, signed_in, path):
    signed_in("admin")
    missing = browser.get(path)
    assert missing.status_code == 404 and heading(missing) == "Page not found"


@pytest.mark.parametrize("path", ["/console/staff", "/console/staff/{id}"])
@pytest.mark.parametrize("token", [None, "not-the-sessions-token"], ids=["missing", "wrong"])
def test_a_form_without_its_csrf_token_or_with_a_wrong_one_is_refused(browser, signed_in, path, token):
    admin = signed_in("admin")
    sent = {**NEW_ACCOUNT, "form": "account", **({"csrf_token": token} if token else {})}
    refused = browser.post(path.format(id=admin.id), data=sent)
    assert refused.status_code == 400 and heading(refused) == "Sorry, there is a problem with that form"
    assert find_staff(db.session(), NEW_ACCOUNT["email"]) is None
    assert events(STAFF_CHANGED) == events(STAFF_CREATED) == []


# --- Creating an account ---


def test_an_admin_creates_an_account_and_it_is_audited(browser, signed_in, account):
    admin = signed_in("admin")
    manager = account("manager", name="Mo Manager")
    created = send(browser, "/console/staff", {**NEW_ACCOUNT, "manager": manager.email})
    member = find_staff(db.session(), "asha.patel@birmingham.gov.uk")
    assert created.status_code == 302 and created.headers["Location"] == f"/console/staff/{member.id}"
    assert (member.role, member.mobile, member.patch, member.working_days) == (
        "officer",
        "+447911123456",
        ["B10", "B11"],
        [0, 1, 2, 3],
    )
    assert (member.works_from, member.works_until, member.manager_id, member.password_hash) == (
        "08:30",
        "16:30",
        manager.id,
        None,
    )
    shown = browser.get(created.headers["Location"])
    assert "Account created for Asha Patel." in text_of(page(shown).find(class_="govuk-notification-banner"))
    [event] = events(STAFF_CREATED)
    assert (event.staff_id, event.changes["staff_id"], event.changes["email"]) == (
        admin.id,
        [None, member.id],
        [None, "asha.patel@birmingham.gov.uk"],
    )


def test_the_new_account_form_starts_with_a_working_week(browser, signed_in):
    signed_in("admin")
    form = page(browser.get("/console/staff")).find("form", attrs={"method": "post", "novalidate": True})
    checked = [box["value"] for box in form.find_all("input", attrs={"name": "working_days", "checked": True})]
    assert checked == ["0", "1", "2", "3", "4"]
    assert form.find("input", attrs={"name": "works_from"})["value"] == "09:00"


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"name": "", "email": "", "role": "", "working_days": [], "works_from": "", "works_until": ""},
            [
                "Enter their full name",
                "Enter their email address",
                "Select a role",
                "Select at least one working day",
                "Enter the time they start work",
                "Enter the time they finish work",
            ],
        ),
        (
            {"name": "x" * 201, "email": "x" * 190 + "@birmingham.gov.uk", "patch": "B1," * 101, "mobile": "0" * 31},
            [
                "Full name must be 200 characters or fewer",
                "Email address must be 200 characters or fewer",
                "Mobile number must be 30 characters or fewer",
                "Patch must be 300 characters or fewer",
            ],
        ),
        ({"mobile": "0121 464 7269"}, ["The mobile number must be a UK mobile number, like 07911 123456"]),
        ({"mobile": "call me"}, ["The mobile number must be a UK mobile number, like 07911 123456"]),
        ({"role": "superuser"}, ["Select a role from the list"]),
        (
            {"email": "asha at birmingham"},
            ["Enter an email address in the correct format, like name@birmingham.gov.uk"],
        ),
        ({"patch": "B10 0AA"}, ["B10 0AA is not a postcode district: give districts like B10, B11"]),
        ({"working_days": ["7"]}, ["Select working days from the list"]),
        (
            {"works_from": "17:00", "works_until": "09:00"},
            ["Enter times like 09:00 and 17:00, finishing after starting"],
        ),
        ({"works_from": "9am"}, ["Enter times like 09:00 and 17:00, finishing after starting"]),
        ({"manager": "nobody@birmingham.gov.uk"}, ["Select a manager from the list"]),
        ({"duty_manager": "y"}, ["Only a manager can be a duty manager"]),
    ],
    ids=[
        "empty",
        "overlong",
        "a landline",
        "not a number",
        "unknown role",
        "not an email",
        "a full postcode",
        "tampered day",
        "backwards hours",
        "not a time",
        "tampered manager",
        "duty officer",
    ],
)
def test_bad_input_is_named_in_the_error_summary_and_creates_nothing(browser, signed_in, changes, errors):
    signed_in("admin")
    refused = send(browser, "/console/staff", {**NEW_ACCOUNT, **changes})
    assert refused.status_code == 200 and error_summary(refused) == errors
    assert page(refused).title.string.startswith("Error: Staff accounts")
    assert db.session.scalar(select(StaffMember).where(StaffMember.name == "Asha Patel")) is None
    assert events(STAFF_CREATED) == []


def test_an_email_that_already_has_an_account_is_refused_whatever_its_case(browser, signed_in, account):
    signed_in("admin")
    account("officer", email="asha.patel@birmingham.gov.uk")
    refused = send(browser, "/console/staff", NEW_ACCOUNT)
    assert error_summary(refused) == ["Asha.Patel@birmingham.gov.uk already has an account"]
    summary_links = [a["href"] for a in page(refused).find(class_="govuk-error-summary").find_all("a")]
    assert summary_links == ["#email"]


# --- Changing an account ---


def test_an_admin_changes_role_patch_pattern_manager_and_duty_and_each_is_audited(browser, signed_in, account):
    admin = signed_in("admin")
    officer = account("officer", name="Asha Patel")
    manager = account("manager", name="Mo Manager")
    form = {
        **account_page_form(officer),
        "role": "manager",
        "patch": "B12",
        "working_days": ["5", "6"],
        "works_from": "10:00",
        "manager": manager.email,
        "duty_manager": "y",
    }
    saved = send(browser, f"/console/staff/{officer.id}", form)
    assert saved.status_code == 302 and saved.headers["Location"] == f"/console/staff/{officer.id}"
    officer = reread(officer)
    assert (officer.role, officer.patch, officer.working_days, officer.works_from) == (
        "manager",
        ["B12"],
        [5, 6],
        "10:00",
    )
    assert (officer.manager_id, officer.duty_manager) == (manager.id, True)
    [event] = events(STAFF_CHANGED)
    assert (event.staff_id, event.role) == (admin.id, "admin")
    assert event.changes == {
        "staff_id": [officer.id, officer.id],
        "role": ["officer", "manager"],
        "patch": [[], ["B12"]],
        "working_days": [[0, 1, 2, 3, 4], [5, 6]],
        "works_from": ["09:00", "10:00"],
        "manager_id": [None, manager.id],
        "duty_manager": [False, True],
    }
    shown = browser.get(f"/console/staff/{officer.id}")
    assert "Changes saved for Asha Patel." in text_of(page(shown).find(class_="govuk-notification-banner"))
    assert "Saturday, Sunday, 10:00 to 17:00" in text_of(page(shown).find("dl"))


def test_the_change_form_shows_the_account_as_it_is(browser, signed_in, account):
    signed_in("admin")
    officer = account("officer")
    officer.mobile, officer.patch = "+447911123456", ["B10", "B11"]
    db.session.commit()
    form = page(browser.get(f"/console/staff/{officer.id}"))
    assert form.find("input", attrs={"name": "mobile"})["value"] == "07911 123456"
    assert form.find("input", attrs={"name": "patch"})["value"] == "B10, B11"
    assert form.find("input", attrs={"name": "active", "checked": True})["value"] == "yes"


def test_deactivating_an_account_signs_it_out_and_reactivating_it_lets_it_sign_in_again(
    app, browser, signed_in, account
):
    signed_in("admin")
    officer = account("officer")
    officers_browser = app.test_client()
    assert sign_in(officers_browser, officer.email).status_code == 302
    send(browser, f"/console/staff/{officer.id}", {**account_page_form(officer), "active": "no"})
    assert officers_browser.get("/console/work").status_code == 302, "signed out"
    rows = table_rows(browser.get("/console/staff"))
    assert next(row for row in rows if row[0] == officer.name)[3] == "Deactivated"
    send(browser, f"/console/staff/{officer.id}", {**account_page_form(officer), "active": "yes"})
    assert officers_browser.get("/console/work").status_code == 302, "the old session stays ended"
    assert sign_in(officers_browser, officer.email).status_code == 302
    assert [event.changes["active"] for event in events(STAFF_CHANGED)] == [[True, False], [False, True]]


@pytest.mark.parametrize(("change", "field"), [({"active": "no"}, "active"), ({"role": "manager"}, "role")])
def test_the_last_active_admin_cannot_deactivate_or_demote_themselves(browser, signed_in, change, field):
    admin = signed_in("admin")
    refused = send(browser, f"/console/staff/{admin.id}", {**account_page_form(admin), **change})
    assert refused.status_code == 200
    assert error_summary(refused) == [
        "You are the only active admin: make someone else an admin first, so the console keeps one"
    ]
    assert [a["href"] for a in page(refused).find(class_="govuk-error-summary").find_all("a")] == [f"#{field}"]
    admin = reread(admin)
    assert (admin.role, admin.active, events(STAFF_CHANGED)) == ("admin", True, [])


def test_an_admin_who_steps_down_while_another_admin_remains_goes_to_their_new_home(browser, signed_in, account):
    admin = signed_in("admin")
    account("admin")
    stepped_down = send(browser, f"/console/staff/{admin.id}", {**account_page_form(admin), "role": "officer"})
    assert stepped_down.headers["Location"] == "/console/"
    assert browser.get("/console/staff").status_code == 403


def test_saving_the_form_unchanged_says_so_and_records_nothing(browser, signed_in, account):
    signed_in("admin")
    officer = account("officer")
    send(browser, f"/console/staff/{officer.id}", account_page_form(officer))
    shown = browser.get(f"/console/staff/{officer.id}")
    assert "Nothing was changed." in text_of(page(shown).find(class_="govuk-notification-banner"))
    assert events(STAFF_CHANGED) == []


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"role": "", "active": "", "working_days": []},
            ["Select active or deactivated", "Select a role", "Select at least one working day"],
        ),
        ({"active": "maybe"}, ["Select active or deactivated"]),
        ({"mobile": "+33 6 12 34 56 78"}, ["The mobile number must be a UK mobile number, like 07911 123456"]),
        ({"manager": "{self}"}, ["Select a manager from the list"]),
    ],
    ids=["empty", "tampered state", "a mobile abroad", "their own manager"],
)
def test_bad_changes_are_named_and_change_nothing(browser, signed_in, account, changes, errors):
    signed_in("admin")
    manager = account("manager")
    form = {
        **account_page_form(manager),
        **{k: v.format(self=manager.email) if isinstance(v, str) else v for k, v in changes.items()},
    }
    refused = send(browser, f"/console/staff/{manager.id}", form)
    assert refused.status_code == 200 and error_summary(refused) == errors
    assert events(STAFF_CHANGED) == []


def test_a_form_that_says_neither_which_it_is_is_refused(browser, signed_in, account):
    signed_in("admin")
    officer = account("officer")
    assert (
        send(browser, f"/console/staff/{officer.id}", {**account_page_form(officer), "form": "other"}).status_code
        == 400
    )


# --- Resetting a password ---


def test_an_admin_resets_a_password_which_ends_the_persons_sessions(app, browser, signed_in, account):
    admin = signed_in("admin")
    officer = account("officer")
    officers_browser = app.test_client()
    sign_in(officers_browser, officer.email)
    new = {"form": "password", "password-password": "new words for asha", "password-confirm": "new words for asha"}
    reset = send(browser, f"/console/staff/{officer.id}", new)
    assert reset.status_code == 302
    assert officers_browser.get("/console/work").status_code == 302, "their session has ended"
    assert authenticate(db.session(), officer.email, "new words for asha") is not None
    [event] = events(STAFF_PASSWORD_RESET)
    assert (event.staff_id, event.changes) == (admin.id, {"staff_id": [officer.id, officer.id]})
    assert "new words for asha" not in str(event.changes)


def test_an_admin_resetting_their_own_password_stays_signed_in(browser, signed_in):
    admin = signed_in("admin")
    new = {"form": "password", "password-password": "my own new words", "password-confirm": "my own new words"}
    assert send(browser, f"/console/staff/{admin.id}", new).status_code == 302
    assert browser.get("/console/staff").status_code == 200


@pytest.mark.parametrize(
    ("password", "confirm", "errors"),
    [
        ("", "", ["Enter the new password", "Type the new password again"]),
        ("short", "short", ["The password must be at least 12 characters (three random words are easy to remember)"]),
        ("new words for asha", "new words for ash", ["The passwords do not match"]),
        ("x" * 257, "x" * 257, ["Password must be 256 characters or fewer"]),
    ],
    ids=["empty", "short", "mismatch", "overlong"],
)
def test_a_bad_new_password_is_named_and_nothing_changes(browser, signed_in, account, password, confirm, errors):
    signed_in("admin")
    officer = account("officer")
    before = officer.password_hash
    new = {"form": "password", "password-password": password, "password-confirm": confirm}
    refused = send(browser, f"/console/staff/{officer.id}", new)
    assert refused.status_code == 200 and error_summary(refused) == errors
    officer = reread(officer)
    assert officer.password_hash == before and events(STAFF_PASSWORD_RESET) == []


def test_an_integration_account_has_no_password_form(browser, signed_in, account):
    signed_in("admin")
    website = account("integration")
    shown = page(browser.get(f"/console/staff/{website.id}"))
    assert shown.find("input", attrs={"name": "form", "value": "password"}) is None
