"""Texting the resident from the case page, and the fortnightly update sent early: shown first, refused when unsafe."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.casework.models import Case
from app.extensions import db
from app.messaging.models import OutboundMessage
from app.messaging.opt_outs import set_opted_out
from app.messaging.segments import count_segments
from tests.conftest import RESIDENT, london
from tests.console.conftest import csrf_token, error_summary, heading, page, report, text_of
from tests.console.test_case_notes import act, banner, changes_made

OPTED_OUT = "The resident's number has opted out of texts (they texted STOP). Phone them instead."
NOT_SAFE = "The resident has not said texts are safe. Phone them instead."
LANDLINE = "The number is not a mobile: a text could be read aloud to whoever answers. Phone them instead."


def texts_queued() -> list[OutboundMessage]:
    return list(db.session.scalars(select(OutboundMessage).where(OutboundMessage.purpose != "report_confirmation")))


def officers_textable_case(signed_in) -> Case:
    """Signed in as an officer: their case, whose resident said texts are safe, on a mobile."""
    officer = signed_in("officer", name="Asha Patel")
    return report(officer=officer, safe_to_text=True)


@pytest.fixture
def textable(signed_in) -> Case:
    return officers_textable_case(signed_in)


def check(browser, case: Case, message: str = "please_call"):
    return act(browser, case, "texts", message=message)


def confirm(browser, checked, case: Case, address: str = "192.0.2.7"):
    """Press "Send text" on the page that shows the wording."""
    form = page(checked).find("form", action=f"/console/cases/{case.reference}/texts")
    data = {field["name"]: field["value"] for field in form.find_all("input", type="hidden")}
    return browser.post(form["action"], data=data, environ_base={"REMOTE_ADDR": address})


# -- texting the resident -------------------------------------------------------------------------------------


def test_the_exact_wording_and_its_parts_are_shown_before_anything_is_sent(browser, textable):
    checked = check(browser, textable)
    assert checked.status_code == 200 and heading(checked) == "Check the text before you send it"
    wording = text_of(page(checked).find(id="text-wording"))
    assert wording == (
        f"Birmingham City Council: your officer Asha Patel would like to talk to you about {textable.reference}. "
        f"Please call 0121 464 7269 and quote {textable.reference}. If you are in danger, call 999."
    )
    shown = text_of(page(checked).find(class_="govuk-summary-list"))
    assert "To 07911 123456" in shown
    assert f"{len(wording)} characters, {count_segments(wording)} text message parts (GSM-7)" in shown
    assert texts_queued() == [] and changes_made("console_text_sent") == []


def test_confirming_sends_that_text_through_the_outbox_and_audits_it(browser, signed_in, at):
    with at("2026-12-01 11:00"):
        textable = officers_textable_case(signed_in)
        checked = check(browser, textable, "tried_to_call")
        sent = confirm(browser, checked, textable)
        # Read at the same instant: on the real clock the console's 30-minute idle limit would sign the officer out.
        shown = browser.get(sent.headers["Location"])
    assert sent.status_code == 302 and sent.headers["Location"] == f"/console/cases/{textable.reference}"
    assert banner(shown) == "Success Text sent to 07911 123456"
    [text] = texts_queued()
    assert text.to_phone == RESIDENT and text.body == text_of(page(checked).find(id="text-wording"))
    assert text.status == "pending", "waiting for the worker to send it"
    assert "hate" not in text.body.lower() and count_segments(text.body) <= 2
    [event] = changes_made("console_text_sent")
    assert (event.role, event.case_id, event.address, event.changes) == (
        "officer",
        textable.id,
        "192.0.2.7",
        {"text": [None, "tried_to_call"]},
    )
    assert db.session.get(Case, textable.id).next_update_due == london("2026-12-15 11:00"), "a contact resets the clock"


def test_a_text_chosen_late_in_the_evening_waits_for_the_morning_and_the_officer_is_told(browser, signed_in, at):
    with at("2026-12-01 21:30"):
        textable = officers_textable_case(signed_in)
        sent = confirm(browser, check(browser, textable, "tried_to_call"), textable)
        shown = browser.get(sent.headers["Location"])
    assert banner(shown) == (
        "Success Text to 07911 123456 will be sent Wed 2 Dec 2026 at 8am: residents are not texted at night"
    )
    [text] = texts_queued()
    assert text.next_attempt_at == london("2026-12-02 08:00")


def test_send_text_pressed_twice_texts_the_resident_once(browser, signed_in, at):
    with at("2026-12-01 11:00"):
        textable = officers_textable_case(signed_in)
        checked = check(browser, textable, "tried_to_call")
        first, second = confirm(browser, checked, textable), confirm(browser, checked, textable)
    assert first.headers["Location"] == second.headers["Location"] == f"/console/cases/{textable.reference}"
    assert len(texts_queued()) == 1


def test_a_chosen_text_that_never_arrives_becomes_a_call_for_the_officer(
    app, browser, signed_in, redis, twilio_api, at
):
    from app.casework.models import Task
    from tests.workers.test_confirmation_text import run_worker

    twilio_api.refuse(RESIDENT, 21211)
    with at("2026-12-01 11:00"):
        textable = officers_textable_case(signed_in)
        confirm(browser, check(browser, textable, "tried_to_call"), textable)
        run_worker(app, redis)
    [text] = texts_queued()
    assert text.status == "failed"
    call = db.session.scalars(select(Task).where(Task.origin == f"text-failed:{text.id}")).one()
    assert call.kind == "progress_call" and call.case_id == textable.id and "21211" in call.note


def test_the_text_is_rebuilt_from_the_choice_so_a_posted_wording_is_never_sent(browser, textable):
    checked = check(browser, textable, "offer_visit")
    form = page(checked).find("form", action=f"/console/cases/{textable.reference}/texts")
    data = {field["name"]: field["value"] for field in form.find_all("input", type="hidden")}
    browser.post(form["action"], data={**data, "body": "Your hate crime report"})
    [text] = texts_queued()
    assert "meet you" in text.body and "hate" not in text.body.lower()


@pytest.mark.parametrize("message", ["", "free_text", "please_call' OR 1=1"])
def test_a_text_not_on_the_list_is_refused(browser, textable, message):
    refused = act(browser, textable, "texts", message=message, confirm="yes")
    assert refused.status_code == 200 and heading(refused) == "Text the resident"
    assert error_summary(refused) == ["Select which text to send"]
    assert texts_queued() == []


def opted_out(case: Case) -> None:
    set_opted_out(db.session(), str(case.callback_phone), True, "stop")
    db.session.commit()


@pytest.mark.parametrize(
    ("make_unsafe", "reason"),
    [
        (opted_out, OPTED_OUT),
        (lambda case: setattr(case, "safe_to_text", False), NOT_SAFE),
        (lambda case: setattr(case, "safe_to_text", None), NOT_SAFE),
        (lambda case: setattr(case, "callback_phone", "+441214647269"), LANDLINE),
    ],
    ids=["opted-out", "not-safe", "never-asked", "landline"],
)
def test_texts_are_refused_with_the_reason_when_the_resident_may_not_be_texted(browser, textable, make_unsafe, reason):
    make_unsafe(textable)
    db.session.commit()
    shown = page(browser.get(f"/console/cases/{textable.reference}"))
    assert shown.find("form", action=f"/console/cases/{textable.reference}/texts") is None
    assert reason in text_of(shown.find("main")), "the case page says why instead of offering the form"
    for step in ({"message": "please_call"}, {"message": "please_call", "confirm": "yes"}):
        refused = act(browser, textable, "texts", **step)
        assert error_summary(refused) == [reason]
    assert texts_queued() == [] and changes_made("console_text_sent") == []


# -- the fortnightly update now -------------------------------------------------------------------------------


def test_the_update_now_texts_the_resident_and_restarts_the_two_weeks(browser, signed_in, account, at):
    with at("2026-11-19 10:00"):
        textable = report(officer=account("officer", name="Asha Patel"), safe_to_text=True)
    before = textable.next_update_due
    with at("2026-12-03 15:30"):
        signed_in("manager")
        sent = act(browser, textable, "updates")
        shown = browser.get(sent.headers["Location"])  # at the same instant, inside the 30-minute idle limit
    assert sent.status_code == 302
    assert banner(shown) == "Success Update sent to the resident. The next one is due by Thu 17 Dec 2026 at 3:30pm"
    [text] = texts_queued()
    assert text.purpose == "progress_update" and "Asha Patel" in text.body and textable.reference in text.body
    case = db.session.get(Case, textable.id)
    assert case.next_update_due == london("2026-12-17 15:30")
    [event] = changes_made("console_update_sent")
    assert event.changes == {"next_update_due": [before.isoformat(), case.next_update_due.isoformat()]}


@pytest.mark.parametrize(
    ("make_unsafe", "reason"),
    [
        (opted_out, OPTED_OUT),
        (lambda case: setattr(case, "safe_to_text", False), NOT_SAFE),
        (lambda case: setattr(case, "callback_phone", "+441214647269"), LANDLINE),
        (lambda case: setattr(case, "status", "closed"), "The case is closed: closed cases get no updates."),
    ],
    ids=["opted-out", "not-safe", "landline", "closed"],
)
def test_the_update_is_refused_and_the_clock_kept_when_the_resident_may_not_be_texted(
    browser, textable, make_unsafe, reason
):
    make_unsafe(textable)
    db.session.commit()
    due = textable.next_update_due
    refused = act(browser, textable, "updates")
    assert refused.status_code == 200 and heading(refused) == "Send the fortnightly update now"
    assert error_summary(refused) == [reason]
    assert texts_queued() == [] and changes_made("console_update_sent") == []
    assert db.session.get(Case, textable.id).next_update_due == due


# -- who may ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["texts", "updates"])
def test_contact_centre_staff_may_not_text_or_send_updates(browser, signed_in, action):
    signed_in("contact_centre")
    case = report(safe_to_text=True)
    shown = page(browser.get(f"/console/cases/{case.reference}"))
    assert shown.find("form", action=f"/console/cases/{case.reference}/{action}") is None, "not offered"
    refused = act(browser, case, action, message="please_call", confirm="yes")
    assert refused.status_code == 403 and heading(refused) == "You cannot use this page"
    assert (
        texts_queued() == []
        and db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("%sent"))).all() == []
    )


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_managers_and_admins_may_text_any_resident(browser, signed_in, role):
    signed_in(role)
    case = report(safe_to_text=True)
    assert confirm(browser, check(browser, case), case).status_code == 302
    assert act(browser, case, "updates").status_code == 302
    assert [text.purpose for text in texts_queued()] == ["staff_text", "progress_update"]


@pytest.mark.parametrize("action", ["texts", "updates"])
def test_an_officer_may_not_text_the_resident_of_a_case_not_theirs(browser, signed_in, account, action):
    signed_in("officer")
    not_theirs = report(officer=account("officer"), safe_to_text=True)
    token = csrf_token(browser.get("/console/search"))
    data = {"csrf_token": token, "message": "please_call", "confirm": "yes"}
    refused = browser.post(f"/console/cases/{not_theirs.reference}/{action}", data=data)
    assert refused.status_code == 404 and texts_queued() == []


@pytest.mark.parametrize("action", ["texts", "updates"])
@pytest.mark.parametrize("reference", ["HC-000000", "HC-1234567", "hc-%00", "..%2Fwork"])
def test_tampered_references_send_nothing(browser, signed_in, action, reference):
    signed_in("manager")
    report(safe_to_text=True)
    token = csrf_token(browser.get("/console/search"))
    data = {"csrf_token": token, "message": "please_call", "confirm": "yes"}
    assert browser.post(f"/console/cases/{reference}/{action}", data=data).status_code == 404
    assert texts_queued() == []


@pytest.mark.parametrize("action", ["texts", "updates"])
@pytest.mark.parametrize("token", [None, "forged"])
def test_no_text_is_sent_without_the_sessions_csrf_token(browser, textable, action, token):
    browser.get(f"/console/cases/{textable.reference}")
    data = {"message": "please_call", "confirm": "yes", **({"csrf_token": token} if token else {})}
    refused = browser.post(f"/console/cases/{textable.reference}/{action}", data=data)
    assert refused.status_code == 400 and texts_queued() == []
