"""Taking a report for someone in the console: the phone line's questions and rules, on the `staff` channel."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.casework.models import Case, Task
from app.extensions import db
from app.messaging.models import OutboundMessage
from tests.conftest import RESIDENT
from tests.console.conftest import csrf_token, error_summary, heading, page, text_of

NEW = "/console/reports/new"
ANSWERS = {
    "how": "phone",
    "danger_now": "no",
    "happened_before": "yes",
    "unsafe_at_home": "no",
    "support_needs": "no",
    "needs_adjustment": "no",
    "adjustments": "",
    "strand": "race",
    "description": "Shouted at in the street on the way home, and a note through the door.",
    "location": "Coventry Road",
    "postcode": "b10 0aa",
    "occurred": "Friday night",
    "callback_phone": "07911 123456",
    "safe_to_text": "yes",
    "visit_requested": "no",
    "referral_consent": "yes",
}


def take(browser, **changed: Any):
    """Fill in the form as staff would (the answers above, with `changed`) and send it."""
    form = browser.get(NEW)
    assert form.status_code == 200
    data = {"csrf_token": csrf_token(form), **ANSWERS, **changed}
    return browser.post(NEW, data={name: value for name, value in data.items() if value is not None})


def the_case() -> Case:
    return db.session.scalars(select(Case)).one()


def banners(shown) -> list[str]:
    return [text_of(banner) for banner in page(shown).find_all(class_="govuk-notification-banner")]


def test_a_report_taken_on_the_phone_opens_a_case_on_the_staff_channel_with_its_callback(
    browser, signed_in, at, account
):
    with at("2026-11-27 18:30"):  # a Friday evening
        member = signed_in("contact_centre", name="Chris Counter")
        taken = take(browser)
    case = the_case()
    assert taken.status_code == 302 and taken.headers["Location"] == f"/console/cases/{case.reference}"
    assert case.channel == "staff" and case.taken_by_id == member.id and case.taken_how == "phone"
    assert case.caller_phone == case.callback_phone == RESIDENT
    assert case.risk_level == "medium" and case.strands == ["race"]
    assert case.location == "Coventry Road, B10 0AA" and case.postcode_district == "B10"
    assert case.safe_to_text is True and case.visit_requested is False and case.referral_consent is True
    [task] = case.tasks
    assert task.kind == "risk_assessment_callback" and task.due_at.isoformat() == "2026-11-30T17:00:00+00:00"
    with at("2026-11-27 18:31"):
        shown = browser.get(taken.headers["Location"])
    assert banners(shown) == [
        f"Success Report taken. The reference is {case.reference}. "
        "An officer will call them back by Mon 30 Nov 2026 at 5pm."
    ]
    assert "Chris Counter (phone)" in text_of(page(shown).find("main"))


def test_who_took_the_report_is_audited_in_the_commit_that_opens_the_case(browser, signed_in):
    member = signed_in("officer")
    taken = take(browser, how="walk_in")
    assert browser.get(taken.headers["Location"]).status_code == 200, "an officer sees the case they took"
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "console_report_taken")).all()
    assert (event.staff_id, event.role, event.case_id) == (member.id, "officer", the_case().id)
    assert the_case().taken_how == "walk_in"


def test_the_resident_gets_the_confirmation_text_when_texts_are_safe(browser, signed_in):
    signed_in("contact_centre")
    take(browser)
    [text] = db.session.scalars(select(OutboundMessage)).all()
    assert text.to_phone == RESIDENT and the_case().reference in text.body
    assert "thank you for talking to us" in text.body and "hate" not in text.body.lower()


def test_no_text_when_the_resident_said_texts_are_not_safe(browser, signed_in):
    signed_in("contact_centre")
    take(browser, safe_to_text="no")
    assert db.session.scalars(select(OutboundMessage)).all() == []
    assert "Phone only: do not text." in (the_case().tasks[0].note or "")


def test_someone_in_danger_now_puts_the_999_advice_first_on_the_confirmation(browser, signed_in):
    signed_in("contact_centre")
    taken = take(browser, danger_now="yes")
    shown = browser.get(taken.headers["Location"])
    first, second = banners(shown)
    assert first.startswith("Call 999 now") and "Tell them to call 999 now" in first and "press 55" in first
    assert second.startswith("Success Report taken.")
    case = the_case()
    assert case.risk_level == "high" and case.priority and case.duty_officer_flag


def test_the_form_warns_about_danger_before_anything_else(browser, signed_in):
    signed_in("manager")
    form = browser.get(NEW)
    assert heading(form) == "Take a report"
    assert "call 999" in text_of(page(form).find(class_="govuk-warning-text"))
    assert any(link.get("href") == NEW for link in page(form).find_all("a")), "in the navigation"


# -- the same answers give the same case, whichever way they came ------------------------------------------

# (keys pressed on the phone for danger now, happened before, unsafe at home, support needs; the form's answers)
SAME_ANSWERS = [
    (["2", "2", "2", "2"], {}),
    (["2", "1", "2", "2"], {"happened_before": "yes"}),
    (["1", "2", "2", "2"], {"danger_now": "yes"}),
    (["2", "2", "1", "1"], {"unsafe_at_home": "yes", "support_needs": "yes"}),
    (["2", "2", "1", "2"], {"unsafe_at_home": "yes"}),
    ([None, "2", "2", "2"], {"danger_now": "not_answered"}),
]


def ivr_report(phone, keys: list[str | None]) -> Case:
    phone.dial().press("1")
    for key in keys:
        if key is None:
            for _ in range(3):  # the question and two repeats, unanswered
                phone.stay_silent()
        else:
            phone.press(key)
    phone.press("2")  # no adjustment
    phone.press("1")  # race or ethnicity
    phone.record(seconds=35)
    phone.press("1")  # call me on this number
    for key in ("1", "2", "1"):  # safe to text, no visit, referral consent
        phone.press(key)
    return db.session.scalars(select(Case).where(Case.channel == "phone")).one()


@pytest.mark.parametrize(("keys", "answers"), SAME_ANSWERS)
@pytest.mark.parametrize("when", ["2026-11-27 18:30", "2026-12-24 16:59", "2026-11-30 08:00"])
def test_the_phone_line_and_the_console_give_the_same_risk_level_callback_and_deadline(
    browser, signed_in, phone, at, keys, answers, when
):
    risk = {"danger_now": "no", "happened_before": "no", "unsafe_at_home": "no", "support_needs": "no", **answers}
    with at(when):
        signed_in("contact_centre")
        by_phone = ivr_report(phone, keys)
        take(browser, **risk)
    by_staff = db.session.scalars(select(Case).where(Case.channel == "staff")).one()
    assert by_phone.risk_answers == by_staff.risk_answers
    same = ("risk_level", "priority", "duty_officer_flag")
    assert [getattr(by_staff, name) for name in same] == [getattr(by_phone, name) for name in same]
    phone_task, staff_task = (
        db.session.scalars(select(Task).where(Task.case_id == c.id)).one() for c in (by_phone, by_staff)
    )
    assert (staff_task.kind, staff_task.due_at, staff_task.priority) == (
        phone_task.kind,
        phone_task.due_at,
        phone_task.priority,
    )


# -- what cannot be accepted ----------------------------------------------------------------------------


def test_an_empty_form_says_what_to_answer_and_opens_nothing(browser, signed_in):
    signed_in("contact_centre")
    blank = {name: None for name in ANSWERS}
    shown = take(browser, **blank)
    assert shown.status_code == 200 and heading(shown) == "Take a report"
    assert error_summary(shown) == [
        "Select how the report reached you",
        "Select whether anyone is in danger right now",
        "Select whether this has happened before",
        "Select whether they feel unsafe in their home",
        "Select whether anyone in their household has a disability, an illness or a support need",
        "Select whether they need an interpreter or other help",
        "Select what they think it was because of",
        "Enter what happened",
        "Enter a phone number for the officer to call back",
        "Select whether it is safe to text them",
        "Select whether they would like a visit",
        "Select whether we may pass their details to support agencies",
    ]
    assert page(shown).title.string.startswith("Error: Take a report")
    assert db.session.scalars(select(Case)).all() == []


def test_spaces_alone_are_not_an_account(browser, signed_in):
    signed_in("contact_centre")
    assert error_summary(take(browser, description="   \n ")) == ["Enter what happened"]


@pytest.mark.parametrize(
    ("field", "longest", "message"),
    [
        ("description", 5000, "What happened must be 5000 characters or fewer"),
        ("location", 500, "Where it happened must be 500 characters or fewer"),
        ("occurred", 200, "When it happened must be 200 characters or fewer"),
        ("adjustments", 500, "What they need must be 500 characters or fewer"),
    ],
)
def test_overlong_answers_are_refused_and_the_longest_allowed_is_kept(browser, signed_in, field, longest, message):
    signed_in("contact_centre")
    assert error_summary(take(browser, **{field: "x" * (longest + 1), "needs_adjustment": "yes"})) == [message]
    assert take(browser, **{field: "x" * longest, "needs_adjustment": "yes"}).status_code == 302
    assert len(getattr(the_case(), field)) >= longest


@pytest.mark.parametrize(
    "number", ["12345", "07911 12345", "07911 1234567", "+1 202 555 0143", "0800 11", "phone me", "999", "0" * 40]
)
def test_a_callback_number_that_is_not_a_whole_uk_number_is_refused(browser, signed_in, number):
    signed_in("contact_centre")
    shown = take(browser, callback_phone=number)
    assert error_summary(shown) == [
        "Phone number must be 30 characters or fewer"
        if len(number) > 30
        else "Enter a UK phone number, like 0121 496 0000 or 0121 464 7269"
    ]
    assert db.session.scalars(select(Case)).all() == []


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("07911 123456", RESIDENT), ("+44 (0)7911 123456", RESIDENT), ("0121 464 7269", "+441214647269")],
)
def test_a_callback_number_in_any_uk_format_is_kept_in_e164(browser, signed_in, typed, stored):
    signed_in("contact_centre")
    assert take(browser, callback_phone=typed).status_code == 302
    assert the_case().callback_phone == stored


@pytest.mark.parametrize("postcode", ["B10", "B10 0A", "12345", "BB", "B10 0AAA", "not a postcode"])
def test_a_postcode_that_is_not_whole_is_refused(browser, signed_in, postcode):
    signed_in("contact_centre")
    assert error_summary(take(browser, postcode=postcode)) == ["Enter a real postcode, like B10 0AA, or leave it blank"]


def test_the_postcode_is_optional_and_not_repeated_when_the_place_carries_it(browser, signed_in):
    signed_in("contact_centre")
    take(browser, postcode="", location="Outside 12 Coventry Road, B10 0AA")
    assert the_case().location == "Outside 12 Coventry Road, B10 0AA"


def test_an_answer_not_on_the_form_is_refused(browser, signed_in):
    signed_in("contact_centre")
    assert error_summary(take(browser, strand="football", how="fax")) == [
        "Select how the report reached you",
        "Select what they think it was because of",
    ]


# -- who may take a report -------------------------------------------------------------------------------


def test_an_admin_may_not_take_a_report(browser, signed_in):
    signed_in("admin")
    assert browser.get(NEW).status_code == 403
    token = csrf_token(browser.get("/console/search"))
    assert browser.post(NEW, data={"csrf_token": token, **ANSWERS}).status_code == 403
    assert db.session.scalars(select(Case)).all() == []


def test_someone_signed_out_is_sent_to_sign_in(browser):
    assert browser.get(NEW).headers["Location"].startswith("/console/sign-in")
    assert browser.post(NEW, data=ANSWERS).headers["Location"].startswith("/console/sign-in")


@pytest.mark.parametrize("token", [None, "forged"])
def test_a_report_without_the_sessions_csrf_token_is_refused(browser, signed_in, token):
    signed_in("contact_centre")
    browser.get(NEW)
    data = {**ANSWERS, **({"csrf_token": token} if token else {})}
    refused = browser.post(NEW, data=data)
    assert refused.status_code == 400 and heading(refused) == "Sorry, there is a problem with that form"
    assert db.session.scalars(select(Case)).all() == []


def test_a_report_sent_twice_opens_one_case_and_the_second_press_lands_on_it(browser, signed_in):
    signed_in("contact_centre")
    form = browser.get(NEW)
    data = {"csrf_token": csrf_token(form), **ANSWERS}
    first, second = browser.post(NEW, data=data), browser.post(NEW, data=data)
    case = the_case()
    assert first.headers["Location"] == second.headers["Location"] == f"/console/cases/{case.reference}"
    assert "sent twice: it was dealt with once" in " ".join(banners(browser.get(second.headers["Location"])))
    confirmations = db.session.scalars(select(OutboundMessage).where(OutboundMessage.to_phone == RESIDENT)).all()
    assert len(confirmations) == 1, "one confirmation text"


def test_two_presses_at_the_same_moment_open_one_case(app, browser, signed_in):
    """A double click reaches two workers at once: the second waits for the first and goes where it went."""
    from concurrent.futures import ThreadPoolExecutor

    signed_in("contact_centre")
    data = {"csrf_token": csrf_token(browser.get(NEW)), **ANSWERS}
    cookie = browser.get_cookie("session").value

    def press(_: int) -> str:
        with app.app_context():
            other = app.test_client()
            other.set_cookie("session", cookie)
            return other.post(NEW, data=data).headers["Location"]

    with ThreadPoolExecutor(2) as pool:
        landed = set(pool.map(press, range(2)))
    db.session.remove()
    assert landed == {f"/console/cases/{the_case().reference}"}


def test_a_report_corrected_after_an_error_goes_through(browser, signed_in):
    signed_in("contact_centre")
    assert take(browser, description="").status_code == 200, "the form again, with the error"
    assert take(browser).status_code == 302 and the_case() is not None
