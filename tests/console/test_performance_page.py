"""The service standard's monthly report in the console: managers and admins, figures only, and a CSV."""

from __future__ import annotations

import csv
import io

import pytest

from tests.casework.test_officer_tasks import report as web_report
from tests.console.conftest import error_summary, heading, page, table_rows


@pytest.fixture
def november(app, officers, at):
    with at("2026-11-02 10:00"):
        case = web_report("B10 0AA")
    return case


def test_a_manager_sees_last_months_promises_kept_and_the_months_figures(browser, signed_in, november, at):
    signed_in("manager")
    with at("2026-12-01 09:00"):
        response = browser.get("/console/performance")
    assert response.status_code == 200 and heading(response) == "Service standard: November 2026"
    promises = table_rows(response, "Promises kept")
    assert promises[0] == ["Respond to a hate crime report within one working day", "1", "0", "1", "0%"]
    assert [row[0] for row in promises[1:]] == [
        "Remove offensive graffiti within one working day",
        "Update the resident at least every two weeks",
        "Managers review each open case every two weeks",
        "Send a closure letter after every closure",
    ]
    assert ["Web", "1"] in table_rows(response, "By how they reached us")
    shown = response.get_data(as_text=True)
    assert november.reference not in shown and "07911" not in shown, "figures only: nobody can be identified"


def test_the_month_under_way_says_its_figures_are_so_far(browser, signed_in, november, at):
    signed_in("manager")
    with at("2026-11-03 12:00"):
        response = browser.get("/console/performance?month=2026-11")
    assert "This month is not over" in page(response).get_text()
    assert table_rows(response, "Promises kept")[0][1:] == ["0", "0", "0", "none due"], "not due until 5pm"


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("November", "Enter a month as the year and month, for example 2026-11"),
        ("2026-13", "Enter a month as the year and month, for example 2026-11"),
        ("", "Enter a month, for example 2026-11"),
        ("2027-01", "Enter a month that has started"),
    ],
)
def test_a_month_that_cannot_be_shown_is_an_error_on_the_form(browser, signed_in, at, month, message):
    signed_in("manager")
    with at("2026-12-01 09:00"):
        response = browser.get(f"/console/performance?month={month}")
    assert response.status_code == 400 and error_summary(response) == [message]


def test_the_figures_download_as_a_csv_for_the_tenant_scrutiny_group(browser, signed_in, november, at):
    signed_in("admin")
    with at("2026-12-01 09:00"):
        response = browser.get("/console/performance.csv?month=2026-11")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="service-standard-2026-11.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["section", "item", "value"] and ["month", "2026-11", "complete"] in rows
    assert ["Respond to a hate crime report within one working day", "missed", "1"] in rows
    assert ["new cases by channel", "web", "1"] in rows


@pytest.mark.parametrize("role", ["officer", "contact_centre"])
def test_officers_and_the_contact_centre_may_not_read_it(browser, signed_in, role):
    signed_in(role)
    assert browser.get("/console/performance").status_code == 403
    assert browser.get("/console/performance.csv").status_code == 403


def test_signed_out_it_asks_for_sign_in(browser):
    response = browser.get("/console/performance.csv?month=2026-11")
    assert response.status_code == 302 and response.headers["Location"].startswith("/console/sign-in")
