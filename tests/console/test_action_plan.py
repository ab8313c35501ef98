"""The action plan: items agreed with the resident, a version kept for every change, a copy sent as a letter
(and a text where texts are safe), and overdue items on the officer's work list."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.casework.models import ActionPlanItem, ActionPlanVersion, Case
from app.extensions import db
from app.messaging.models import OutboundMessage
from app.messaging.segments import count_segments
from tests.conftest import RESIDENT
from tests.console.conftest import csrf_token, error_summary, heading, page, report, table_rows, text_of
from tests.console.test_case_notes import banner

NOW = "2026-12-01 11:00"  # a Tuesday


def plan_url(case: Case) -> str:
    return f"/console/cases/{case.reference}/action-plan"


def post(browser, url: str, **data):
    """Send a form to `url` with the CSRF token of the action plan's page (every form there carries the same one)."""
    shown = browser.get(url.split("/action-plan")[0] + "/action-plan")
    return browser.post(url, data={"csrf_token": csrf_token(shown), **data}, environ_base={"REMOTE_ADDR": "192.0.2.7"})


def add_item(browser, case: Case, what: str, who: str, due: str, agreed: str = "yes"):
    return post(browser, plan_url(case), what=what, who=who, due_on=due.split(), agreed=agreed)


def versions(case: Case) -> list[ActionPlanVersion]:
    return list(
        db.session.scalars(
            select(ActionPlanVersion).where(ActionPlanVersion.case_id == case.id).order_by(ActionPlanVersion.version)
        )
    )


def items_of(case: Case) -> list[ActionPlanItem]:
    return list(
        db.session.scalars(select(ActionPlanItem).where(ActionPlanItem.case_id == case.id).order_by(ActionPlanItem.id))
    )


def texts_about_the_plan() -> list[OutboundMessage]:
    return list(db.session.scalars(select(OutboundMessage).where(OutboundMessage.purpose == "action_plan_copy")))


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages).split())


@pytest.fixture
def officers_case(signed_in, at) -> Iterator[Case]:
    """Signed in as Asha Patel, the officer of the case, at NOW (for the whole test)."""
    with at(NOW):
        yield report(officer=signed_in("officer", name="Asha Patel"))


def test_every_change_keeps_a_numbered_version_of_the_whole_plan(browser, officers_case, at):
    case = officers_case
    with at(NOW):
        added = add_item(browser, case, "Visit the neighbour about the noise", "Asha Patel (officer)", "8 12 2026")
        assert added.status_code == 302 and added.headers["Location"] == plan_url(case)
        assert banner(browser.get(plan_url(case))) == "Success Item added to the plan (version 1)"
        add_item(browser, case, "Fit a letterbox guard", "Housing repairs", "15 12 2026", agreed="no")
        [first, second] = items_of(case)
        post(browser, f"{plan_url(case)}/items/{first.id}/done")
        moved = post(browser, f"{plan_url(case)}/items/{second.id}", due_on=["22", "12", "2026"], agreed="yes")
        assert moved.status_code == 302
    kept = versions(case)
    assert [v.version for v in kept] == [1, 2, 3, 4]
    assert [len(v.items) for v in kept] == [1, 2, 2, 2]
    assert [v.agreed_with_resident for v in kept] == [True, False, False, True]
    assert kept[0].items == [
        {
            "id": first.id,
            "what": "Visit the neighbour about the noise",
            "who": "Asha Patel (officer)",
            "due_on": "2026-12-08",
            "done_on": None,
        }
    ]
    assert kept[2].items[0]["done_on"] == "2026-12-01" and kept[3].items[1]["due_on"] == "2026-12-22"
    assert kept[1].items[1]["due_on"] == "2026-12-15", "an earlier version is never changed"
    listed = table_rows(browser.get(plan_url(case)), "Every version")
    assert [row[0] for row in listed] == ["Version 4", "Version 3", "Version 2", "Version 1"]
    shown = browser.get(f"{plan_url(case)}/versions/2")
    assert heading(shown) == "Action plan version 2"
    assert table_rows(shown, "as it stood") == [
        ["Visit the neighbour about the noise", "Asha Patel (officer)", "8 December 2026", "Not yet"],
        ["Fit a letterbox guard", "Housing repairs", "15 December 2026", "Not yet"],
    ]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "action_plan_changed"))
    assert [event.changes["version"] for event in events] == [[None, 1], [None, 2], [None, 3], [None, 4]]


def test_an_item_without_what_who_or_a_real_date_is_refused_with_the_error_summary(browser, officers_case):
    refused = add_item(browser, officers_case, " ", "", "31 2 2027")
    assert refused.status_code == 200 and heading(refused) == "Action plan"
    assert error_summary(refused) == [
        "Enter what will be done",
        "Enter who will do it",
        "The date it is due by must be a real date, like 27 3 2027",
    ]
    assert versions(officers_case) == []


@pytest.mark.parametrize("due_on", [None, ["1"], ["1", "12"]], ids=["no-boxes", "one-box", "two-boxes"])
def test_a_form_sent_without_all_its_date_boxes_says_what_to_enter(browser, officers_case, due_on):
    data = {"what": "Fit a door camera", "who": "Officer", "agreed": "yes"}
    refused = post(browser, plan_url(officers_case), **data, **({"due_on": due_on} if due_on else {}))
    assert refused.status_code == 200 and heading(refused) == "Action plan"
    assert error_summary(refused)[0].startswith(("Enter the date", "The date it is due by"))
    assert versions(officers_case) == []


def test_only_the_cases_officer_and_managers_change_the_plan(browser, signed_in, account):
    helper = signed_in("officer")
    case = report(officer=account("officer"))
    case.tasks[0].assignee_id = helper.id  # shares the case, but is not its officer
    db.session.commit()
    assert browser.get(plan_url(case)).status_code == 200
    assert page(browser.get(plan_url(case))).find("form", action=plan_url(case)) is None
    assert add_item(browser, case, "Anything", "Anyone", "8 12 2026").status_code == 403
    assert post(browser, f"{plan_url(case)}/send").status_code == 403
    assert versions(case) == []


@pytest.mark.parametrize(("role", "status"), [("contact_centre", 403), ("admin", 200), ("manager", 200)])
def test_who_reads_the_plan(browser, signed_in, role, status):
    signed_in(role)
    assert browser.get(plan_url(report())).status_code == status


def test_a_manager_may_change_any_plan(browser, signed_in):
    signed_in("manager")
    case = report()
    assert add_item(browser, case, "Refer to mediation", "Mo Khan", "8 12 2026").status_code == 302
    assert len(versions(case)) == 1


def test_another_officers_case_is_not_found(browser, signed_in, account):
    signed_in("officer")
    case = report(officer=account("officer"))
    assert browser.get(plan_url(case)).status_code == 404
    assert browser.get(f"{plan_url(case)}/versions/1/letter.pdf").status_code == 404


def test_sending_a_copy_when_texts_are_not_safe_makes_the_letter_but_sends_no_text(browser, officers_case, at):
    case = officers_case  # safe_to_text is False
    with at(NOW):
        add_item(browser, case, "Visit the neighbour about the noise", "Asha Patel", "8 12 2026")
        sent = post(browser, f"{plan_url(case)}/send")
    assert sent.status_code == 302 and sent.headers["Location"] == f"{plan_url(case)}/versions/1"
    assert banner(browser.get(sent.headers["Location"])) == (
        "Success Version 1 of the plan is ready to send as a letter. No text was sent: "
        "The resident has not said texts are safe. Phone them instead."
    )
    [version] = versions(case)
    assert version.sent_how == "letter" and version.sent_at is not None
    assert texts_about_the_plan() == []
    letter = browser.get(f"{plan_url(case)}/versions/1/letter.pdf")
    assert letter.status_code == 200 and letter.mimetype == "application/pdf"
    assert "attachment" in letter.headers["Content-Disposition"]
    words = pdf_text(letter.get_data())
    for expected in (
        "Your action plan",
        "Visit the neighbour about the noise",
        "8 December 2026",
        case.reference,
        "Asha Patel",
        "0121 464 7269",
        "1 December 2026",
    ):
        assert expected in words, expected
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "action_plan_letter_read")).first()


@pytest.mark.parametrize(
    ("contact_method", "address", "wording"),
    [
        ("letter", "1 Coventry Road\nBirmingham\nB10 0AA", "has been posted to you"),
        ("letter", None, "is ready. Your officer Asha Patel"),  # nowhere to post it: never "posted"
        ("text", None, "is ready. Your officer Asha Patel"),
    ],
)
def test_where_texts_are_safe_a_short_discreet_text_says_the_copy_is_posted_or_ready(
    browser, signed_in, at, contact_method, address, wording
):
    with at(NOW):
        officer = signed_in("officer", name="Asha Patel")
        case = report(officer=officer, safe_to_text=True)
        case.contact_method, case.postal_address = contact_method, address
        db.session.commit()
        add_item(browser, case, "Visit the neighbour about the noise", "Asha Patel", "8 12 2026")
        post(browser, f"{plan_url(case)}/send")
    [text] = texts_about_the_plan()
    assert text.to_phone == RESIDENT and wording in text.body and case.reference in text.body
    assert "hate" not in text.body.lower() and "neighbour" not in text.body and count_segments(text.body) <= 2
    assert versions(case)[0].sent_how == "letter_and_text"


def test_a_copy_of_an_empty_plan_is_refused(browser, officers_case):
    refused = post(browser, f"{plan_url(officers_case)}/send")
    assert refused.status_code == 302
    assert "Add an item to the action plan before sending" in text_of(page(browser.get(plan_url(officers_case))))


def test_overdue_items_appear_on_the_officers_work_list(browser, officers_case, at):
    case = officers_case
    with at(NOW):
        for what, due in (
            ("Yesterday's visit", "30 11 2026"),
            ("Today's call", "1 12 2026"),
            ("Done one", "2 11 2026"),
        ):
            add_item(browser, case, what, "Asha Patel", due)
        done = next(item for item in items_of(case) if item.what == "Done one")
        post(browser, f"{plan_url(case)}/items/{done.id}/done")
        work = browser.get("/console/work")
    assert table_rows(work, "Overdue action plan items") == [
        [
            case.reference,
            "Action plan: Yesterday's visit (Asha Patel)",
            "Medium",
            "30 November 2026",
            "None: overdue",
            "Overdue",
            f"Action plan for {case.reference}",
        ]
    ]
    tasks = table_rows(work, "Your open tasks")
    assert [row[0] for row in tasks] == [case.reference], "the tasks table is as it was"
