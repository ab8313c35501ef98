"""The closure letter (its text read back from the PDF) and the survey text's wording."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader

from app.casework import lifecycle
from app.casework.closure import close_case, closure_letter, survey_link
from app.casework.contact_log import Contact, log_contact
from app.casework.notes import NotAllowed
from app.extensions import db
from app.messaging import templates
from app.messaging.segments import count_segments, is_gsm7
from app.staff.accounts import create_staff
from tests.conftest import PUBLIC_BASE_URL
from tests.console.conftest import report

NAMES = {
    "Urdu": ("عائشہ خان", "Asha Patel"),
    "Bengali": ("রহিম উদ্দিন", "Asha Patel"),
    "Punjabi (Gurmukhi)": ("ਹਰਪ੍ਰੀਤ ਕੌਰ", "Asha Patel"),
    "Polish": ("Małgorzata Wiśniewska-Kowalczyk", "Żaneta Łukasiewicz"),
    "Arabic": ("محمد العلي", "فاطمة الزهراء"),
}


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def squeezed(text: str) -> str:
    """Without whitespace: PDF text extraction may break lines or space words differently."""
    return "".join(text.split())


@pytest.mark.parametrize(("resident", "officer_name"), NAMES.values(), ids=NAMES.keys())
def test_the_closure_letter_prints_names_in_their_own_script(app, at, resident, officer_name):
    officer = create_staff(db.session(), "officer@birmingham.gov.uk", officer_name, "officer")
    with at("2026-11-30 10:00"):
        case = report(officer=officer)
        case.resident_name = resident
        log_contact(db.session(), case, officer, Contact("call", "out", "made_contact", True), None)
        lifecycle.propose_closure(db.session(), case, officer, None)
        agreed = "The neighbours signed an agreement."
        close_case(db.session(), case, officer, "resolved", agreed, PUBLIC_BASE_URL, None)
    pdf = closure_letter(case, PUBLIC_BASE_URL)
    assert len(PdfReader(BytesIO(pdf)).pages) == 1, "one sheet to print and post"
    text = pdf_text(pdf)
    for name in (resident, officer_name):
        assert squeezed(name) in squeezed(text), name
    for expected in (
        f"Your case {case.reference} is now closed",
        "The problem you reported has been resolved",
        "The neighbours signed an agreement.",
        "0121 464 7269",
        "28 December 2026",  # the last day to ring and reopen it
        survey_link(PUBLIC_BASE_URL, case.survey.token),
        case.survey.short_code,
    ):
        assert squeezed(expected) in squeezed(text), expected


def test_an_open_case_has_no_closure_letter(app):
    with pytest.raises(NotAllowed, match="not closed"):
        closure_letter(report(), PUBLIC_BASE_URL)


def test_the_survey_text_is_discreet_gsm7_and_within_two_parts():
    link = survey_link("https://hate-crime-reporting.birmingham.gov.uk", "x" * 22)
    text = templates.closure_survey("HC-123456", link)
    assert is_gsm7(text) and count_segments(text) <= 2, text
    assert "hate crime" not in text.lower().replace(link, "")
    assert link in text and "reply with a number from 1" in text and "0121 464 7269" in text


def test_a_case_closed_after_three_attempts_never_says_we_discussed_it_and_goes_to_the_residents_address(app, at):
    officer = create_staff(db.session(), "officer@birmingham.gov.uk", "Asha Patel", "officer")
    with at("2026-11-30 10:00"):
        case = report(officer=officer)
        case.resident_name, case.postal_address = "Sam Green", "12 Coventry Road\n\nBirmingham B10 0AA"
        for _ in range(3):
            log_contact(db.session(), case, officer, Contact("call", "out", "no_answer", True), None)
        lifecycle.propose_closure(db.session(), case, officer, None)
        close_case(db.session(), case, officer, "not_contactable", None, PUBLIC_BASE_URL, None)
    text = squeezed(pdf_text(closure_letter(case, PUBLIC_BASE_URL)))
    assert squeezed("As we discussed") not in text
    assert squeezed("We tried several times to contact you") in text
    assert squeezed("Sam Green 12 Coventry Road Birmingham B10 0AA") in text
    assert squeezed(f"go to {PUBLIC_BASE_URL}/survey and enter your survey code") in text
