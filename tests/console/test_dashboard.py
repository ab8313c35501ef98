"""A manager's dashboard: each number links to its list, and the list holds exactly what was counted."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.casework.models import Case, Task
from app.casework.oversight import CASE_LISTS, TASK_LISTS
from app.console.oversight_pages import LISTS
from app.extensions import db
from tests.console.conftest import heading, page, report, sign_in, table_rows, text_of

STANDARD = {"danger_now": False, "happened_before": False, "unsafe_at_home": False, "support_needs": False}
HIGH = {**STANDARD, "danger_now": True}


@pytest.fixture
def monday(browser, account, at):
    """Work of every sort as a manager sees it at 10am on Monday 30 November 2026, signed in then."""
    officer = account("officer", name="Asha Patel")
    with at("2026-11-10 10:00"):
        quiet = report(officer=officer, risk_answers=STANDARD)  # no contact since: the update was due on the 24th
    quiet.tasks[0].status = "done"
    with at("2026-11-26 10:00"):  # Thursday: due Friday 5pm
        late = report(risk_answers=HIGH)
        graffiti = report(kind="graffiti")
    with at("2026-11-27 10:00"):  # Friday: due Monday 5pm
        today = report(officer=officer, risk_answers=STANDARD)
    db.session.commit()
    cases = {"quiet": quiet, "late": late, "graffiti": graffiti, "today": today}
    with at("2026-11-30 10:00"):
        sign_in(browser, account("manager").email)
        yield cases


def count_links(response) -> dict[str, str]:
    return {text_of(a): a["href"] for a in page(response).find("main").find_all("a") if "/dashboard/" in a["href"]}


def test_every_number_on_the_dashboard_links_to_its_list(browser, monday):
    links = count_links(browser.get("/console/dashboard"))
    assert links == {
        "1 task due later today": "/console/dashboard/due-today",
        "1 task overdue": "/console/dashboard/overdue",
        "1 case with no contact for 14 days": "/console/dashboard/no-contact",
        "1 graffiti job overdue": "/console/dashboard/graffiti-overdue",
        "1 open high-risk case": "/console/dashboard/high-risk",
        "1 task with no officer": "/console/dashboard/unassigned",
    }


@pytest.mark.parametrize(
    ("name", "title", "expected"),
    [
        ("due-today", "Tasks due later today", ["today"]),
        ("overdue", "Overdue tasks", ["late"]),
        ("no-contact", "Cases with no contact for 14 days", ["quiet"]),
        ("graffiti-overdue", "Overdue graffiti removal jobs", ["graffiti"]),
        ("high-risk", "Open high-risk cases", ["late"]),
        ("unassigned", "Tasks with no officer", ["late"]),
    ],
)
def test_each_list_shows_the_cases_or_tasks_it_counted(browser, monday, name, title, expected):
    shown = browser.get(f"/console/dashboard/{name}")
    assert heading(shown) == title
    rows = table_rows(shown)
    assert [row[0] for row in rows] == [monday[which].reference for which in expected]
    assert page(shown).find("tbody").find("a")["href"] == f"/console/cases/{rows[0][0]}"


def test_an_overdue_task_is_shown_in_red_with_a_way_to_give_it_to_an_officer(browser, monday):
    shown = browser.get("/console/dashboard/overdue")
    [row] = table_rows(shown)
    assert row[1:6] == ["Risk assessment callback", "High", "Fri 27 Nov 2026 at 5pm", "Nobody", "Overdue"]
    assert page(shown).find("tbody").find(class_="govuk-tag--red") is not None
    task_id = monday["late"].tasks[0].id
    assign = page(shown).find("a", href=lambda href: href and "/reassign" in href)
    assert assign["href"] == f"/console/tasks/{task_id}/reassign?next=/console/dashboard/overdue"


def test_a_graffiti_job_is_the_cleansing_teams_and_is_not_reassigned_from_the_list(browser, monday):
    shown = browser.get("/console/dashboard/graffiti-overdue")
    assert table_rows(shown)[0][4] == "Cleansing team"
    assert page(shown).find("a", href=lambda href: href and "/reassign" in href) is None


def test_a_long_list_comes_fifty_rows_a_page(browser, monday):
    case = db.session.get(Case, monday["late"].id)
    for number in range(60):
        case.tasks.append(Task(kind="read_message", origin=f"test:{number}", due_at=case.tasks[0].due_at))
    db.session.commit()
    first = browser.get("/console/dashboard/unassigned")
    assert len(table_rows(first)) == 50
    pagination = page(first).find(class_="govuk-pagination")
    assert pagination.find("a")["href"] == "/console/dashboard/unassigned?page=2"
    second = browser.get("/console/dashboard/unassigned?page=2")
    assert len(table_rows(second)) == 11
    assert [a["href"] for a in page(second).find(class_="govuk-pagination").find_all("a")] == [
        "/console/dashboard/unassigned?page=1"
    ]
    assert "No more on this list." in text_of(page(browser.get("/console/dashboard/unassigned?page=3")).find("main"))


@pytest.mark.parametrize(
    "address", ["nothing", "overdue?page=0", "overdue?page=-1", "overdue?page=abc", "overdue?page=9" * 3]
)
def test_an_unknown_list_or_page_is_404(browser, monday, address):
    shown = browser.get(f"/console/dashboard/{address}")
    assert shown.status_code == 404 and heading(shown) == "Page not found"


def test_every_list_the_domain_keeps_has_its_words():
    assert set(LISTS) == set(TASK_LISTS + CASE_LISTS)


def test_a_case_contacted_again_leaves_the_no_contact_list(browser, monday):
    quiet = db.session.get(Case, monday["quiet"].id)
    quiet.next_update_due = quiet.next_update_due + timedelta(days=14)
    db.session.commit()
    assert "Nothing on this list." in text_of(page(browser.get("/console/dashboard/no-contact")).find("main"))
