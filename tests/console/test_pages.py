"""What staff see on the console's pages: their work by deadline, search results, and a case page fit for their role."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event as sql_event
from sqlalchemy import select

from app.audit.changes import changes_audited
from app.audit.models import AuditEvent
from app.audit.records import record
from app.casework.models import Case
from app.extensions import db
from tests.console.conftest import csrf_token, error_summary, heading, page, report, sign_in, table_rows, text_of
from tests.telephony.test_report_call import report_everything

STANDARD = {"danger_now": False, "happened_before": False, "unsafe_at_home": False, "support_needs": False}
MEDIUM = {**STANDARD, "happened_before": True}
HIGH = {**STANDARD, "danger_now": True}


@contextmanager
def statements_sent(app) -> Iterator[list[str]]:
    """The SQL statements the app sends inside the block."""
    sent: list[str] = []

    def remember(_conn, _cursor, statement, *_args) -> None:
        sent.append(statement)

    engine = db.engine
    sql_event.listen(engine, "before_cursor_execute", remember)
    try:
        yield sent
    finally:
        sql_event.remove(engine, "before_cursor_execute", remember)


def test_my_work_lists_open_tasks_overdue_first_then_by_day_with_high_risk_first(browser, signed_in, account, at):
    officer = signed_in("officer")
    with at("2026-11-26 10:00"):  # a Thursday: due Friday 5pm, so overdue on Monday
        late = report(officer=officer, risk_answers=STANDARD)
    with at("2026-11-27 10:00"):  # Friday: both due Monday 5pm
        standard, high = report(officer=officer, risk_answers=STANDARD), report(officer=officer, risk_answers=HIGH)
        report(officer=account("officer"), risk_answers=HIGH)  # a colleague's
    with at("2026-11-30 09:00"):  # Monday: due Tuesday 5pm
        tuesday = report(officer=officer, risk_answers=MEDIUM)
    with at("2026-11-30 10:00"):
        work = browser.get("/console/work")
    assert heading(work) == "My work"
    assert [row[:-1] for row in table_rows(work)] == [
        [late.reference, "Risk assessment callback", "Standard", "Fri 27 Nov 2026 at 5pm", "None: overdue", "Overdue"],
        [high.reference, "Risk assessment callback", "High", "Mon 30 Nov 2026 at 5pm", "7 hours", "Open"],
        [standard.reference, "Risk assessment callback", "Standard", "Mon 30 Nov 2026 at 5pm", "7 hours", "Open"],
        [tuesday.reference, "Risk assessment callback", "Medium", "Tue 1 Dec 2026 at 5pm", "1 day 7 hours", "Open"],
    ]
    overdue_row = page(work).find("tbody").find("tr")
    assert text_of(overdue_row.find(class_="govuk-tag--red")) == "Overdue", "in red, and in words"
    assert overdue_row.find("a")["href"] == f"/console/cases/{late.reference}"


def test_my_work_shows_no_finished_tasks_and_says_when_there_is_nothing(browser, signed_in):
    officer = signed_in("officer")
    case = report(officer=officer)
    case.tasks[0].status = "done"
    db.session.commit()
    work = browser.get("/console/work")
    assert "You have no open tasks." in text_of(page(work).find("main"))


def test_a_managers_dashboard_counts_the_work_that_is_late_or_at_risk(browser, signed_in, at):
    signed_in("manager")
    with at("2026-11-26 10:00"):
        report(risk_answers=HIGH)
    with at("2026-11-27 10:00"):
        report(risk_answers=STANDARD)
    with at("2026-11-30 10:00"):
        dashboard = text_of(page(browser.get("/console/dashboard")).find("main"))
    assert "1 task due later today" in dashboard and "1 task overdue" in dashboard
    assert "1 open high-risk case" in dashboard and "2 tasks with no officer" in dashboard


@pytest.fixture
def case_in_b10(signed_in) -> Case:
    officer = signed_in("officer", name="Asha Patel")
    return report(officer=officer, caller_phone="+447911123456", location="Outside 12 Coventry Road, B10 0AA")


@pytest.mark.parametrize(
    "words",
    [
        "{reference}",
        "{digits}",
        "{lower}",
        "hc {digits}",
        "07911 123456",
        "+44 (0)7911 123456",
        "447911123456",
        "B10 0AA",
        "b100aa",
        "B10",
    ],
)
def test_a_case_is_found_by_its_reference_its_number_in_any_uk_format_or_its_postcode(browser, case_in_b10, words):
    reference = case_in_b10.reference
    query = words.format(reference=reference, digits=reference[3:], lower=reference.lower())
    found = browser.get("/console/search", query_string={"q": query})
    assert heading(found) == "Find a case" and error_summary(found) == []
    [row] = table_rows(found)
    assert row[:3] == [reference, "Open", "Asha Patel"]
    assert row[3].startswith(case_in_b10.tasks[0].due_at.strftime("%a"))


@pytest.mark.parametrize("words", ["B11 1AA", "HC-000000", "07911 654321"])
def test_a_search_that_matches_nothing_says_so(browser, case_in_b10, words):
    found = browser.get("/console/search", query_string={"q": words})
    assert error_summary(found) == [] and "No cases found that you can see." in text_of(page(found).find("main"))


@pytest.mark.parametrize(
    ("words", "error"),
    [
        ("", "Enter a case reference, phone number or postcode"),
        ("   ", "Enter a case reference, phone number or postcode"),
        ("Coventry Road", "Enter a case reference like HC-123456, a UK phone number or a postcode like B10 0AA"),
        ("12345", "Enter a case reference like HC-123456, a UK phone number or a postcode like B10 0AA"),
        ("x" * 101, "Search must be 100 characters or fewer"),
    ],
)
def test_a_search_that_cannot_be_read_is_explained_in_the_error_summary(browser, case_in_b10, words, error):
    refused = browser.get("/console/search", query_string={"q": words})
    assert refused.status_code == 200 and error_summary(refused) == [error]
    assert page(refused).title.string.startswith("Error: Find a case")
    assert page(refused).find(class_="govuk-error-summary").find("a")["href"] == "#q"
    assert page(refused).find("table") is None


def test_the_search_page_starts_empty_and_every_case_listed_is_audited(browser, case_in_b10):
    first = browser.get("/console/search")
    assert error_summary(first) == [] and page(first).find("table") is None
    browser.get("/console/search?q=B10")
    events = db.session.scalars(select(AuditEvent)).all()
    assert [(e.action, e.case_id, e.role) for e in events] == [("console_search", case_in_b10.id, "officer")]


@pytest.fixture
def phone_case(phone, at, account) -> Case:
    """A case reported by phone: a call, a recording of the account, a confirmation text and a callback task."""
    with at("2026-06-15 10:00"):  # British Summer Time: 09:00 UTC
        report_everything(phone)
    case = db.session.scalars(select(Case)).one()
    officer = account("officer", name="Asha Patel")
    case.tasks[0].assignee_id = case.officer_id = officer.id
    db.session.commit()
    return case


def sections(shown) -> list[str]:
    return [text_of(h2) for h2 in page(shown).find("main").find_all("h2")]


def summary(shown) -> dict[str, str]:
    rows = page(shown).find("main").find_all(class_="govuk-summary-list__row")
    return {
        text_of(r.find(class_="govuk-summary-list__key")): text_of(r.find(class_="govuk-summary-list__value"))
        for r in rows
    }


def test_a_manager_reads_the_whole_case_in_london_time(browser, signed_in, phone_case, at):
    signed_in("manager")
    with at("2026-06-15 12:00"):
        shown = browser.get(f"/console/cases/{phone_case.reference}")
    assert heading(shown) == f"Case {phone_case.reference}"
    assert sections(shown) == [
        "Facts",
        "Risk answers",
        "Contact preferences",
        "Contact the resident",
        "Notes and signposting",
        "Tasks",
        "Recordings",
        "Timeline",
    ]
    facts = summary(shown)
    assert facts["Reported"] == "Mon 15 Jun 2026 at 10am by phone", "London time, not UTC"
    assert facts["Callback due"] == "Tue 16 Jun 2026 at 5pm (open)"
    assert facts["Named officer"] == "Asha Patel" and facts["Risk level"] == "Medium"
    assert facts["Callback number"] == "07911 123456" and facts["Happened before"] == "Yes"
    timeline = text_of(page(shown).find("ol", class_="console-timeline"))
    for event in ("Phone call", "Recording of the account (35 seconds)", "Text to the resident", "Task set for Asha"):
        assert event in timeline


def test_the_contact_centre_sees_status_officer_deadline_and_preferences_but_never_the_account(
    browser, signed_in, phone_case, at
):
    signed_in("contact_centre")
    with at("2026-06-15 12:00"):
        shown = browser.get(f"/console/cases/{phone_case.reference}")
    assert sections(shown) == ["Facts", "Contact preferences", "Notes and signposting"]
    facts = summary(shown)
    assert facts["Named officer"] == "Asha Patel" and facts["Callback due"] == "Tue 16 Jun 2026 at 5pm (open)"
    assert facts["Safe to text"] == "Yes" and facts["Asked for a visit"] == "No"
    everything = text_of(page(shown).find("main"))
    for private in ("Risk level", "What happened", "Callback number", "07911 123456", "Recording", "Text to"):
        assert private not in everything


def test_an_officer_reads_the_account_of_their_own_case(browser, signed_in):
    officer = signed_in("officer")
    case = report(officer=officer, description="Shouting in the street and a leaflet through the door.")
    facts = summary(browser.get(f"/console/cases/{case.reference}"))
    assert facts["What happened"] == "Shouting in the street and a leaflet through the door."
    assert facts["Where"] == "Coventry Road, B10 0AA" and facts["Strands"] == "Religion"


def test_every_view_of_a_case_page_is_recorded_with_who_as_what_and_from_where(browser, signed_in, phone_case, at):
    manager = signed_in("manager")
    with at("2026-06-16 11:00"):
        browser.get(f"/console/cases/{phone_case.reference}", environ_base={"REMOTE_ADDR": "192.0.2.44"})
        browser.get(f"/console/cases/{phone_case.reference.lower()}", environ_base={"REMOTE_ADDR": "192.0.2.44"})
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "console_read_case")).all()
    assert [(e.staff_id, e.role, e.case_id, e.address) for e in events] == [
        (manager.id, "manager", phone_case.id, "192.0.2.44")
    ] * 2
    assert events[0].at.isoformat() == "2026-06-16T10:00:00+00:00"


def test_an_unknown_console_address_is_the_consoles_own_404(browser, signed_in):
    signed_in("officer")
    shown = browser.get("/console/no-such-page")
    assert shown.status_code == 404 and heading(shown) == "Page not found"


def timeline_of(shown) -> str:
    return text_of(page(shown).find("ol", class_="console-timeline"))


def test_the_timeline_says_which_call_steps_were_answered_in_words(browser, signed_in, phone_case, at):
    signed_in("manager")
    with at("2026-06-15 12:00"):
        timeline = timeline_of(browser.get(f"/console/cases/{phone_case.reference}"))
    for answered in (
        "Someone in danger now: no",
        "Happened before: yes",
        "Needs an interpreter or other help to talk: no",
        "Because of: race",
        "Number to call back: the number they called from",
        "Safe to text: yes",
        "Asked for a visit: no",
        "Agreed to be referred to support agencies: yes",
    ):
        assert answered in timeline
    assert "danger_now" not in timeline and "callback_choice" not in timeline, "words, not the flow's keys"


def test_the_timeline_shows_the_cases_officer_and_status_changes_old_to_new_and_by_whom(
    browser, signed_in, phone_case, account, at
):
    manager = signed_in("manager", name="Mo Khan")
    ben = account("officer", name="Ben Jones")
    with at("2026-06-16 09:00"):
        path = f"/console/cases/{phone_case.reference}/officer"
        browser.post(path, data={"csrf_token": csrf_token(browser.get(path)), "officer": str(ben.id)})
    with at("2026-06-16 09:10"), changes_audited(db.session(), manager, "case_closed", None):
        closing = db.session.get(Case, phone_case.id)  # as closing a case does, through the audit recorder
        closing.status, closing.closed_reason, closing.closed_reason_text = "closed", "resident_asked", "Moved away."
        db.session.commit()
    with at("2026-06-16 09:20"):
        timeline = timeline_of(browser.get(f"/console/cases/{phone_case.reference}"))
    assert "Officer changed by Mo Khan (manager) Tue 16 Jun 2026 at 9am Officer: Asha Patel → Ben Jones" in timeline
    assert "Case closed by Mo Khan (manager) Tue 16 Jun 2026 at 9:10am Status: open → closed" in timeline
    assert "Reason for closing: none → The resident asked us to close it" in timeline
    assert "More about the reason: none → Moved away." in timeline
    assert "viewed" not in timeline.lower() and "Opened the case page" not in timeline, "views are not changes"


def views_table(shown) -> list[list[str]] | None:
    table = next((t for t in page(shown).find_all("table") if "Who has viewed" in text_of(t.find("caption"))), None)
    return None if table is None else table_rows(shown, "Who has viewed this case")


def test_a_manager_sees_who_viewed_the_case_newest_first_and_an_officer_does_not(
    browser, signed_in, phone_case, account, at
):
    officer = phone_case.officer
    with at("2026-06-15 11:00"):
        sign_in(browser, officer.email)
        assert views_table(browser.get(f"/console/cases/{phone_case.reference}")) is None, "the audit log's readers'"
        browser.post("/console/sign-out", data={"csrf_token": csrf_token(browser.get("/console/work"))})
    signed_in("manager", name="Mo Khan")
    with at("2026-06-15 12:00"):
        shown = browser.get(f"/console/cases/{phone_case.reference}")
    assert views_table(shown) == [
        ["Mon 15 Jun 2026 at 12pm", "Mo Khan", "Manager", "Opened the case page"],
        ["Mon 15 Jun 2026 at 11am", "Asha Patel", "Officer", "Opened the case page"],
    ]
    link = page(shown).find("a", string=lambda s: s and "in the audit log" in s)
    assert link["href"] == f"/console/audit?case={phone_case.reference}"


def test_a_long_history_of_views_adds_no_queries_to_the_case_page_and_only_the_latest_are_listed(
    app, browser, signed_in, phone_case, at
):
    officer = phone_case.officer
    manager = signed_in("manager")
    path = f"/console/cases/{phone_case.reference}"
    with at("2026-06-15 12:00"), statements_sent(app) as before:
        browser.get(path)
    for _ in range(50):  # the manager and the case's officer in turn
        record(db.session(), manager, "console_read_case", [phone_case.id], None)
        record(db.session(), officer, "console_read_case", [phone_case.id], None)
    db.session.commit()
    with at("2026-06-15 12:05"), statements_sent(app) as after:
        shown = browser.get(path)
    assert len(after) == len(before)
    assert len(views_table(shown) or []) == 20


def test_a_recording_played_part_by_part_is_one_line_of_who_viewed_not_twenty(browser, signed_in, phone_case, at):
    """Playing and seeking fetch the recording in parts, each audited; the list shows the play once."""
    with at("2026-06-15 11:00"):
        record(db.session(), phone_case.officer, "console_play_recording", [phone_case.id] * 30, None)
        db.session.commit()
    signed_in("manager", name="Mo Khan")
    with at("2026-06-15 12:00"):
        shown = browser.get(f"/console/cases/{phone_case.reference}")
    assert views_table(shown) == [
        ["Mon 15 Jun 2026 at 12pm", "Mo Khan", "Manager", "Opened the case page"],
        ["Mon 15 Jun 2026 at 11am", "Asha Patel", "Officer", "Played a recording"],
    ]
