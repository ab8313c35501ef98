"""The case page's notes, signposting and contact preferences: on the timeline, audited, refused when wrong."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.casework.models import Case, CaseNote
from app.extensions import db
from tests.console.conftest import csrf_token, error_summary, heading, page, report, text_of

ACTIONS = ("notes", "signposting", "contact-preferences")
GOOD = {
    "notes": {"note": "Rang back: resident fine to talk after 6pm."},
    "signposting": {"agency": "victim_support", "kind": "signposting"},
    "contact-preferences": {"contact_method": "phone", "safe_to_text": "no", "needs_adjustment": "no"},
}


def act(browser, case: Case, action: str, address: str = "192.0.2.7", **data: str):
    """Send one of the case page's forms as the page gives it (with the page's CSRF token)."""
    shown = browser.get(f"/console/cases/{case.reference}")
    assert shown.status_code == 200
    return browser.post(
        f"/console/cases/{case.reference}/{action}",
        data={"csrf_token": csrf_token(shown), **data},
        environ_base={"REMOTE_ADDR": address},
    )


def changes_made(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def timeline(browser, case: Case) -> str:
    """The timeline's entries as 'title: detail', one a line (times left out)."""
    entries = page(browser.get(f"/console/cases/{case.reference}")).find_all(class_="console-timeline__entry")
    return "\n".join(
        f"{text_of(entry.find('strong'))}: {text_of(entry.find(class_='console-timeline__detail'))}"
        for entry in entries
    )


def banner(response) -> str:
    return text_of(page(response).find(class_="govuk-notification-banner--success"))


def notes_on(case: Case) -> list[CaseNote]:
    return list(db.session.scalars(select(CaseNote).where(CaseNote.case_id == case.id)))


# -- notes --------------------------------------------------------------------------------------------------


def test_an_officer_adds_a_note_to_the_timeline_with_their_name(browser, signed_in):
    officer = signed_in("officer", name="Asha Patel")
    case = report(officer=officer)
    added = act(browser, case, "notes", note="  Rang back: resident fine to talk after 6pm.  ")
    assert added.status_code == 302 and added.headers["Location"] == f"/console/cases/{case.reference}"
    assert banner(browser.get(added.headers["Location"])) == "Success Note added to the timeline"
    assert "Note by Asha Patel: Rang back: resident fine to talk after 6pm." in timeline(browser, case)
    [event] = changes_made("console_note_added")
    [note] = notes_on(case)
    assert (event.staff_id, event.role, event.case_id, event.address) == (officer.id, "officer", case.id, "192.0.2.7")
    assert event.changes == {"note": [None, note.id]}


def test_contact_centre_staff_may_add_a_note_but_not_read_the_timeline(browser, signed_in):
    signed_in("contact_centre")
    case = report()
    assert act(browser, case, "notes", note="Resident rang to say they are moving.").status_code == 302
    assert [note.body for note in notes_on(case)] == ["Resident rang to say they are moving."]
    assert page(browser.get(f"/console/cases/{case.reference}")).find("ol", class_="console-timeline") is None


@pytest.mark.parametrize("note", ["", "   \n\t "])
def test_an_empty_note_is_refused(browser, signed_in, note):
    officer = signed_in("officer")
    case = report(officer=officer)
    refused = act(browser, case, "notes", note=note)
    assert refused.status_code == 200 and heading(refused) == "Add a note"
    assert error_summary(refused) == ["Enter the note"]
    assert page(refused).title.string.startswith("Error: Add a note")
    assert notes_on(case) == [] and changes_made("console_note_added") == []


def test_a_note_of_2000_characters_is_kept_and_one_longer_is_refused(browser, signed_in):
    officer = signed_in("officer")
    case = report(officer=officer)
    refused = act(browser, case, "notes", note="x" * 2001)
    assert error_summary(refused) == ["The note must be 2000 characters or fewer"]
    assert "x" * 2001 in refused.get_data(as_text=True), "what was typed is kept to be shortened"
    assert act(browser, case, "notes", note="é" * 2000).status_code == 302
    assert [len(note.body or "") for note in notes_on(case)] == [2000]


# -- signposting and referrals ------------------------------------------------------------------------------


def test_signposting_needs_no_consent_and_goes_on_the_timeline(browser, signed_in):
    manager = signed_in("manager", name="Mo Manager")
    case = report()
    done = act(browser, case, "signposting", agency="victim_support", kind="signposting", details="Gave 0808 168 9111")
    assert banner(browser.get(done.headers["Location"])) == "Success Signposting logged on the timeline"
    shown = timeline(browser, case)
    assert (
        "Signposted to Victim Support by Mo Manager: "
        "Resident agreed to their details being passed on: not asked. Gave 0808 168 9111"
    ) in shown
    [event] = changes_made("console_signposted")
    [note] = notes_on(case)
    assert event.staff_id == manager.id and event.changes == {
        "kind": [None, "signposting"],
        "agency": [None, "victim_support"],
        "consent": [None, None],
        "note": [None, note.id],
    }


def test_a_referral_with_the_residents_consent_is_logged_with_it(browser, signed_in):
    signed_in("contact_centre", name="Chris Counter")
    case = report()
    done = act(browser, case, "signposting", agency="council_housing", kind="referral", consent="yes")
    assert done.status_code == 302
    [note] = notes_on(case)
    assert (note.kind, note.agency, note.consent) == ("referral", "council_housing", True)
    assert changes_made("console_signposted")[0].changes["consent"] == [None, True]


@pytest.mark.parametrize("consent", ["no", None])
def test_a_referral_without_consent_is_refused(browser, signed_in, consent):
    officer = signed_in("officer")
    case = report(officer=officer)
    data = {"agency": "stop_hate_uk", "kind": "referral", **({"consent": consent} if consent else {})}
    refused = act(browser, case, "signposting", **data)
    assert refused.status_code == 200 and heading(refused) == "Log signposting or a referral"
    assert error_summary(refused) == [
        "A referral needs the resident's consent to pass on their details: "
        "without it, give them the agency's details instead (signposting)"
    ]
    assert notes_on(case) == [] and changes_made("console_signposted") == []


@pytest.mark.parametrize(
    ("data", "messages"),
    [
        ({}, ["Select the agency", "Select signposting or referral"]),
        ({"agency": "the_neighbours", "kind": "signposting"}, ["Select the agency"]),
        ({"agency": "police_101", "kind": "gossip"}, ["Select signposting or referral"]),
        ({"agency": "police_101", "kind": "referral", "consent": "maybe"}, ["Select whether the resident agreed"]),
        ({**GOOD["signposting"], "details": "x" * 501}, ["Details must be 500 characters or fewer"]),
    ],
)
def test_signposting_that_cannot_be_logged_says_why(browser, signed_in, data, messages):
    signed_in("manager")
    case = report()
    assert error_summary(act(browser, case, "signposting", **data)) == messages
    assert notes_on(case) == []


def test_every_agency_on_the_list_can_be_signposted(browser, signed_in):
    signed_in("manager")
    case = report()
    shown = page(browser.get(f"/console/cases/{case.reference}"))
    agencies = [radio["value"] for radio in shown.find_all("input", attrs={"name": "agency"})]
    assert agencies == [
        "police_101",
        "police_999",
        "victim_support",
        "stop_hate_uk",
        "true_vision",
        "citizens_advice",
        "council_housing",
        "council_social_care",
    ]
    for agency in agencies:
        assert act(browser, case, "signposting", agency=agency, kind="signposting").status_code == 302
    assert len(notes_on(case)) == len(agencies)


# -- contact preferences ------------------------------------------------------------------------------------


def test_changed_preferences_are_audited_old_to_new_and_shown(browser, signed_in):
    officer = signed_in("officer", name="Asha Patel")
    case = report(officer=officer, safe_to_text=False)
    changed = act(
        browser,
        case,
        "contact-preferences",
        contact_method="text",
        safe_times=" Weekdays after 6pm ",
        safe_to_text="yes",
        needs_adjustment="yes",
        adjustments="Urdu interpreter",
    )
    assert banner(browser.get(changed.headers["Location"])) == "Success Contact preferences saved"
    [event] = changes_made("console_contact_preferences")
    assert (event.staff_id, event.role, event.address) == (officer.id, "officer", "192.0.2.7")
    assert event.changes == {
        "contact_method": [None, "text"],
        "safe_times": [None, "Weekdays after 6pm"],
        "safe_to_text": [False, True],
        "needs_adjustment": [None, True],
        "adjustments": [None, "Urdu interpreter"],
    }
    shown = browser.get(f"/console/cases/{case.reference}")
    rows = {
        text_of(row.find("dt")): text_of(row.find("dd"))
        for row in page(shown).find_all(class_="govuk-summary-list__row")
    }
    assert rows["Contact method"] == "Text" and rows["Safe times to contact"] == "Weekdays after 6pm"
    assert rows["Safe to text"] == "Yes" and rows["Interpreter or adjustment"] == "Urdu interpreter"
    assert "Contact preferences changed by Asha Patel" in timeline(browser, case)
    assert "Safe to text: no → yes" in timeline(browser, case)


def summary_rows(shown) -> dict[str, str]:
    return {
        text_of(row.find("dt")): text_of(row.find("dd"))
        for row in page(shown).find_all(class_="govuk-summary-list__row")
    }


def test_an_officer_adds_the_residents_name_and_postal_address_for_letters_audited_and_shown(browser, signed_in):
    officer = signed_in("officer", name="Asha Patel")
    case = report(officer=officer)
    address = " 12 Coventry Road \r\n\r\nSmall Heath\r\nBirmingham\r\n B10 0AA "
    changed = act(
        browser,
        case,
        "contact-preferences",
        **{**GOOD["contact-preferences"], "contact_method": "letter"},
        resident_name=" Jo Bloggs ",
        postal_address=address,
    )
    assert banner(browser.get(changed.headers["Location"])) == "Success Contact preferences saved"
    saved = db.session.get(Case, case.id)
    assert saved.resident_name == "Jo Bloggs"
    assert saved.postal_address == "12 Coventry Road\nSmall Heath\nBirmingham\nB10 0AA", "a line per envelope line"
    [event] = changes_made("console_contact_preferences")
    assert event.changes["resident_name"] == [None, "Jo Bloggs"]
    assert event.changes["postal_address"] == [None, "12 Coventry Road\nSmall Heath\nBirmingham\nB10 0AA"]
    shown = browser.get(f"/console/cases/{case.reference}")
    rows = summary_rows(shown)
    assert rows["Name for letters"] == "Jo Bloggs"
    assert rows["Postal address"] == "12 Coventry Road, Small Heath, Birmingham, B10 0AA"
    form = page(shown)
    assert form.find("input", attrs={"name": "resident_name"})["value"] == "Jo Bloggs"
    assert "Postal address: not given → 12 Coventry Road, Small Heath, Birmingham, B10 0AA" in timeline(browser, case)


def test_letters_need_a_postal_address(browser, signed_in):
    signed_in("manager")
    case = report()
    refused = act(browser, case, "contact-preferences", **{**GOOD["contact-preferences"], "contact_method": "letter"})
    assert error_summary(refused) == ["Enter the postal address: letters need one"]
    assert changes_made("console_contact_preferences") == []


def test_the_contact_centre_neither_sees_nor_changes_the_name_and_address(browser, signed_in):
    signed_in("contact_centre")
    case = report(safe_to_text=True)
    case.resident_name, case.postal_address = "Jo Bloggs", "12 Coventry Road\nB10 0AA"
    db.session.commit()
    shown = browser.get(f"/console/cases/{case.reference}")
    assert page(shown).find(attrs={"name": "resident_name"}) is None
    assert page(shown).find(attrs={"name": "postal_address"}) is None
    assert "Jo Bloggs" not in text_of(page(shown)) and "Coventry Road" not in text_of(page(shown))
    assert "Name for letters" not in summary_rows(shown)
    sent = act(browser, case, "contact-preferences", **GOOD["contact-preferences"], resident_name="", postal_address="")
    assert sent.status_code == 302
    kept = db.session.get(Case, case.id)
    assert (kept.resident_name, kept.postal_address) == ("Jo Bloggs", "12 Coventry Road\nB10 0AA")
    [event] = changes_made("console_contact_preferences")
    assert not {"resident_name", "postal_address"} & set(event.changes), "only what they may change"


def test_the_form_shows_the_preferences_as_they_are_and_saving_them_again_changes_nothing(browser, signed_in):
    signed_in("contact_centre")
    case = report(safe_to_text=True)
    act(browser, case, "contact-preferences", contact_method="visit", safe_to_text="yes", needs_adjustment="no")
    shown = page(browser.get(f"/console/cases/{case.reference}"))
    assert shown.find("input", attrs={"name": "contact_method", "value": "visit"}).has_attr("checked")
    assert shown.find("input", attrs={"name": "safe_to_text", "value": "yes"}).has_attr("checked")
    again = act(browser, case, "contact-preferences", contact_method="visit", safe_to_text="yes", needs_adjustment="no")
    assert banner(browser.get(again.headers["Location"])) == "Success Contact preferences unchanged"
    assert len(changes_made("console_contact_preferences")) == 1


def test_text_is_refused_as_the_method_when_texts_are_not_safe(browser, signed_in):
    signed_in("manager")
    case = report(safe_to_text=True)
    refused = act(browser, case, "contact-preferences", contact_method="text", safe_to_text="no", needs_adjustment="no")
    assert error_summary(refused) == ["Texts are not safe for this resident: choose another way to contact them"]
    assert db.session.get(Case, case.id).safe_to_text is True and changes_made("console_contact_preferences") == []


@pytest.mark.parametrize(
    ("data", "messages"),
    [
        (
            {},
            [
                "Select a contact method",
                "Select whether it is safe to text them",
                "Select whether they need an adjustment",
            ],
        ),
        ({**GOOD["contact-preferences"], "contact_method": "pigeon"}, ["Select a contact method"]),
        ({**GOOD["contact-preferences"], "safe_times": "x" * 201}, ["Safe times must be 200 characters or fewer"]),
        (
            {**GOOD["contact-preferences"], "adjustments": "x" * 501},
            ["The interpreter or adjustment must be 500 characters or fewer"],
        ),
        ({**GOOD["contact-preferences"], "resident_name": "x" * 201}, ["The name must be 200 characters or fewer"]),
        (
            {**GOOD["contact-preferences"], "postal_address": "x" * 501},
            ["The postal address must be 500 characters or fewer"],
        ),
    ],
)
def test_preferences_that_cannot_be_saved_say_why(browser, signed_in, data, messages):
    signed_in("manager")
    case = report()
    refused = act(browser, case, "contact-preferences", **data)
    assert heading(refused) == "Change contact preferences" and error_summary(refused) == messages
    assert changes_made("console_contact_preferences") == []


# -- whose cases ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ACTIONS)
def test_an_officer_cannot_act_on_a_case_that_is_not_theirs(browser, signed_in, account, action):
    signed_in("officer")
    not_theirs = report(officer=account("officer"))
    token = csrf_token(browser.get("/console/search"))
    refused = browser.post(
        f"/console/cases/{not_theirs.reference}/{action}", data={"csrf_token": token, **GOOD[action]}
    )
    assert refused.status_code == 404 and heading(refused) == "Page not found"
    assert notes_on(not_theirs) == [] and db.session.scalars(select(AuditEvent)).all() == []


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("reference", ["HC-000000", "HC-12345", "..%2Fwork", "HC-" + "9" * 300, "%3Cscript%3E"])
def test_tampered_references_are_404_and_change_nothing(browser, signed_in, action, reference):
    signed_in("manager")
    report()
    token = csrf_token(browser.get("/console/search"))
    refused = browser.post(f"/console/cases/{reference}/{action}", data={"csrf_token": token, **GOOD[action]})
    assert refused.status_code == 404
    assert db.session.scalars(select(CaseNote)).all() == [] and db.session.scalars(select(AuditEvent)).all() == []


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("token", [None, "forged"])
def test_an_action_without_the_sessions_csrf_token_is_refused(browser, signed_in, action, token):
    signed_in("manager")
    case = report()
    browser.get(f"/console/cases/{case.reference}")
    data = {**GOOD[action], **({"csrf_token": token} if token else {})}
    refused = browser.post(f"/console/cases/{case.reference}/{action}", data=data)
    assert refused.status_code == 400 and heading(refused) == "Sorry, there is a problem with that form"
    assert notes_on(case) == [] and changes_made("console_contact_preferences") == []


@pytest.mark.parametrize("action", ACTIONS)
def test_an_action_is_a_post_and_never_a_link(browser, signed_in, action):
    signed_in("manager")
    case = report()
    assert browser.get(f"/console/cases/{case.reference}/{action}").status_code == 404
