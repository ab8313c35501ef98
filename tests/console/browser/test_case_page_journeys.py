"""The case page's actions in Chromium: playing and seeking a recording, changing the case's officer, signposting,
contact preferences, texting the resident and sending the fortnightly update now.

Each page reached is checked with axe-core and photographed (`look`); see conftest.py for the harness.
"""

from __future__ import annotations

import io
import re
import wave

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.casework.models import Case, Recording
from app.extensions import db
from app.messaging.models import OutboundMessage
from tests.console.browser.test_casework_journeys import choose
from tests.console.conftest import report

pytestmark = pytest.mark.browser

SID = "RE" + "d" * 32


def silence(seconds: int) -> bytes:
    """A short WAV of silence: audio Chromium decodes whatever type it is served as, so it can seek in it."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(8000)
        audio.writeframes(b"\0\0" * 8000 * seconds)
    return buffer.getvalue()


def outbox(case: Case) -> list[OutboundMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboundMessage).where(OutboundMessage.case_id == case.id)))


def banner(page: Page):
    return page.locator(".govuk-notification-banner")


def test_an_officer_plays_a_recording_and_seeks_in_it_through_the_console(
    page: Page, signed_in, look, staff, twilio_api
):
    case = report(officer=staff["officer"])
    db.session.add(
        Recording(
            recording_sid=SID, call_sid="CA" + "b" * 32, purpose="account", url="", duration_seconds=20, case_id=case.id
        )
    )
    db.session.commit()
    twilio_api.hold_recording(SID, silence(20))
    signed_in(page, "officer")
    page.goto(f"/console/cases/{case.reference}")
    player = page.get_by_label("Recording of the account")
    expect(player).to_have_attribute("preload", "none")
    look(page, "case-with-recording")
    assert twilio_api.recordings_fetched == [], "nothing fetched until played"

    player.evaluate("audio => audio.load()")
    page.wait_for_function("() => document.querySelector('audio').readyState >= 1", timeout=10_000)
    assert player.evaluate("audio => Math.round(audio.duration)") == 20
    player.evaluate("audio => { audio.currentTime = 15; }")
    page.wait_for_function("() => !document.querySelector('audio').seeking", timeout=10_000)
    assert twilio_api.ranges_asked[0] == "bytes=0-", "the browser asks in ranges, passed on to Twilio"

    link = page.get_by_role("link", name="Open the recording of the account")
    href = link.get_attribute("href")
    assert href == player.get_attribute("src")
    opened = page.request.get(
        href or ""
    )  # the link, with the signed-in session (a browser's own media page is not ours)
    assert opened.status == 200 and opened.headers["content-type"] == "audio/mpeg"
    assert opened.headers["accept-ranges"] == "bytes"
    plays = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "console_play_recording")).all()
    assert plays and {event.staff_id for event in plays} == {staff["officer"].id}


def test_a_manager_gives_the_case_to_another_officer_and_the_timeline_says_so(
    page: Page, signed_in, look, staff, account
):
    other = account("officer", name="Bilal Hussain")
    case = report(officer=staff["officer"])
    signed_in(page, "manager")
    page.goto(f"/console/cases/{case.reference}")
    look(page, "case")
    page.get_by_role("link", name="Change the case's officer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the case's officer")
    look(page, "case-officer")
    page.get_by_role("button", name="Reassign").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    look(page, "case-officer-error")
    page.get_by_label("New officer").select_option(value=str(other.id))
    page.get_by_role("button", name="Reassign").click()
    expect(page).to_have_url(re.compile(f"/console/cases/{case.reference}$"))
    expect(banner(page)).to_contain_text("Bilal Hussain is now the officer")
    timeline = page.locator(".console-timeline")
    expect(timeline).to_contain_text("Officer changed by Mo Khan (manager)")
    expect(timeline).to_contain_text("Officer: Asha Patel → Bilal Hussain")
    expect(page.get_by_role("table", name="Who has viewed this case")).to_contain_text("Mo Khan")
    look(page, "case-officer-changed")


def test_the_contact_centre_signposts_and_a_referral_without_consent_is_refused(page: Page, signed_in, look, staff):
    case = report(officer=staff["officer"])
    signed_in(page, "contact_centre")
    page.goto(f"/console/cases/{case.reference}")
    look(page, "case")
    page.get_by_text("Log signposting or a referral to another agency").click()
    choose(page, "Agency", "Victim Support")
    choose(page, "What did you do?", "Referral: we passed their details to the agency")
    choose(page, "Did the resident agree to their details being passed to the agency?", "No")
    page.get_by_role("button", name="Log signposting or referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log signposting or a referral")
    expect(page.get_by_role("alert")).to_contain_text("A referral needs the resident's consent")
    look(page, "referral-refused")
    choose(page, "What did you do?", "Signposting: we gave them the agency's details")
    page.get_by_label("Details (optional)").fill("Gave them the helpline number")
    page.get_by_role("button", name="Log signposting or referral").click()
    expect(page).to_have_url(re.compile(f"/console/cases/{case.reference}$"))
    expect(banner(page)).to_contain_text("Signposting logged on the timeline")
    look(page, "signposted")


def test_an_officer_adds_the_residents_name_and_address_for_letters(page: Page, signed_in, look, staff):
    case = report(officer=staff["officer"])
    signed_in(page, "officer")
    page.goto(f"/console/cases/{case.reference}")
    page.get_by_text("Change contact preferences").click()
    look(page, "preferences-open")
    choose(page, "How do they want us to contact them?", "Letter")
    choose(page, "Is it safe to text them?", "No")
    choose(page, "Do they need an interpreter or other adjustment?", "No")
    page.get_by_role("button", name="Save contact preferences").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the postal address: letters need one")
    look(page, "preferences-error")
    page.get_by_label("Resident's name (optional)").fill("Jo Bloggs")
    page.get_by_label("Postal address (optional)").fill("12 Coventry Road\nSmall Heath\nBirmingham\nB10 0AA")
    page.get_by_role("button", name="Save contact preferences").click()
    expect(page).to_have_url(re.compile(f"/console/cases/{case.reference}$"))
    expect(banner(page)).to_contain_text("Contact preferences saved")
    expect(page.get_by_role("main")).to_contain_text("12 Coventry Road, Small Heath, Birmingham, B10 0AA")
    look(page, "preferences-saved")


def test_an_officer_texts_the_resident_and_sends_the_fortnightly_update_now(page: Page, signed_in, look, staff, at):
    with at("2026-12-01 11:00"):  # texting hours: a text chosen at night waits for the morning
        case = report(officer=staff["officer"], caller_phone="+447911123456", safe_to_text=True)
        signed_in(page, "officer")
        page.goto(f"/console/cases/{case.reference}")
        look(page, "case")
        choose(page, "Which text?", "Tell them we tried to phone")
        page.get_by_role("button", name="Check the text").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Check the text before you send it")
        wording = page.locator("#text-wording").inner_text()
        look(page, "check-text")
        page.get_by_role("button", name="Send text").click()
        expect(page).to_have_url(re.compile(f"/console/cases/{case.reference}$"))
        expect(banner(page)).to_contain_text("Text sent to 07911 123456")
        look(page, "text-sent")
        [text] = [m for m in outbox(case) if m.purpose == "staff_text"]
        assert text.to_phone == "+447911123456" and text.body == wording.strip()

        page.get_by_role("button", name="Send the update now").click()
        expect(banner(page)).to_contain_text("Update sent to the resident. The next one is due by")
        look(page, "update-sent")
        [update] = [m for m in outbox(case) if m.purpose == "progress_update"]
        assert update.to_phone == "+447911123456" and case.reference in update.body
