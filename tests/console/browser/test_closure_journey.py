"""An officer's case in Chromium from the first callback to the closure letter: the callback completed from My
work (the call goes in the contact log), a closure discussion logged, closure proposed, the case closed, the
closure letter downloaded. Each page is checked with axe-core and photographed (`look`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from app.casework.models import Case
from tests.console.browser.test_casework_journeys import choose
from tests.console.conftest import report

pytestmark = pytest.mark.browser


def test_an_officer_takes_a_case_from_the_first_callback_to_the_closure_letter(page: Page, signed_in, look, staff):
    case: Case = report(officer=staff["officer"], caller_phone="+447911123456", safe_to_text=True)
    signed_in(page, "officer")  # My work
    row = page.get_by_role("table").locator("tbody tr").filter(has_text=case.reference)
    row.get_by_role("link", name=re.compile("^Complete")).click()
    look(page, "first-callback")
    choose(page, "What happened?", "Spoke to the resident")
    choose(page, "Risk level you assessed", "Standard")
    page.get_by_label("Why this risk level").fill("No threats since; they feel safe at home.")
    page.get_by_role("button", name="Complete task").click()
    expect(page).to_have_url(re.compile(f"/console/cases/{case.reference}$"))
    expect(page.get_by_role("main")).to_contain_text("Phone call")
    look(page, "case")

    page.get_by_text("Log a call, visit, letter, text or email").click()
    choose(page, "How were you in contact?", "Phone call")
    choose(page, "Who contacted whom?", "We contacted the resident")
    choose(page, "What happened?", "Reached the resident (spoke, met or heard back)")
    choose(page, "Was it about closing the case?", "Yes")
    page.get_by_label("Note (optional)").fill("Things are quiet now; happy for us to close.")
    page.get_by_role("button", name="Log the contact").click()
    expect(page.get_by_role("main")).to_contain_text("Contact logged")
    expect(page.get_by_role("main")).to_contain_text("(about closing the case)")
    look(page, "contact-logged")

    page.get_by_role("link", name="Close the case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Closing the case")
    look(page, "closure")
    page.get_by_role("button", name="Propose closure").click()
    expect(page.get_by_role("main")).to_contain_text("Closure proposed")
    look(page, "closure-proposed")

    page.get_by_role("button", name="Close the case").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Choose the reason for closing the case.")
    expect(page).to_have_title(re.compile("^Error: "))
    look(page, "closure-error")

    choose(page, "Why is the case closing?", "Resolved")
    page.get_by_label("More about the reason (optional)").fill("No further incidents in six weeks.")
    page.get_by_role("button", name="Close the case").click()
    expect(page.get_by_role("main")).to_contain_text("Case closed")
    look(page, "closed")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the closure letter (PDF)").click()
    assert download.value.suggested_filename == f"closure-letter-{case.reference}.pdf"
    letter = " ".join(page.extract_text() for page in PdfReader(Path(download.value.path())).pages)
    assert case.reference in letter and staff["officer"].name in letter
