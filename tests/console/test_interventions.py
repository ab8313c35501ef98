"""Interventions on a case and the ASB Case Review flag, as officers and managers see them in the console."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.casework.models import Case, Incident, Intervention
from app.extensions import db
from tests.conftest import london
from tests.console.conftest import csrf_token, error_summary, heading, page, report, text_of

NOW = "2026-12-01 11:00"
FLAG = "ASB Case Review may be due"
RESIDENT = "+447911123456"


def interventions_url(case: Case) -> str:
    return f"/console/cases/{case.reference}/interventions"


def record(browser, case: Case, **data):
    shown = browser.get(interventions_url(case))
    return browser.post(interventions_url(case), data={"csrf_token": csrf_token(shown), **data})


def recorded_on(case: Case) -> list[Intervention]:
    return list(db.session.scalars(select(Intervention).where(Intervention.case_id == case.id)))


def earlier_report(days_ago: int, phone: str = RESIDENT) -> Case:
    """Another report by the resident, `days_ago` days before NOW."""
    made = report(caller_phone=phone)
    made.created_at = london(NOW) - timedelta(days=days_ago)
    db.session.commit()
    return made


@pytest.fixture
def officers_case(signed_in, at):
    with at(NOW):
        yield report(officer=signed_in("officer"))


def test_the_cases_officer_records_interventions_of_each_kind(browser, officers_case):
    case = officers_case
    assert (
        record(browser, case, kind="mediation", status="used", on=["20", "11", "2026"], note="Both agreed").status_code
        == 302
    )
    assert (
        record(
            browser, case, kind="other", other="Dispersal order", status="considered", on=["1", "12", "2026"]
        ).status_code
        == 302
    )
    assert record(browser, case, kind="multi_agency_meeting", on=["25", "11", "2026"], note="MARAC").status_code == 302
    assert record(browser, case, kind="asb_case_review", on=["30", "11", "2026"]).status_code == 302
    kept = {(i.category, i.kind, i.status, i.other) for i in recorded_on(case)}
    assert kept == {
        ("informal", "mediation", "used", None),
        ("legal", "other", "considered", "Dispersal order"),
        ("meeting", "multi_agency_meeting", "attended", None),
        ("case_review", "asb_case_review", "requested", None),
    }
    shown = browser.get(interventions_url(case))
    assert heading(shown) == "Interventions and ASB Case Review"
    words = text_of(page(shown).find("main"))
    assert "Mediation Used or involved 20 November 2026 Both agreed" in words
    assert "Dispersal order Considered 1 December 2026" in words
    assert "An ASB Case Review was requested on 30 November 2026." in words
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "intervention_recorded"))
    assert len(list(events)) == 4


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"kind": "", "on": ["1", "12", "2026"]}, ["Choose what was considered or used from the list"]),
        (
            {"kind": "teleportation", "status": "used", "on": ["1", "12", "2026"]},
            ["Choose what was considered or used from the list"],
        ),
        ({"kind": "police", "on": ["", "", ""]}, ["Enter the date", "Say whether it was considered or used"]),
        (
            {"kind": "other", "status": "used", "on": ["2", "12", "2026"]},
            ["Say what the other legal power is", "The date must be today or in the past"],
        ),
    ],
)
def test_an_intervention_not_on_the_lists_is_refused(browser, officers_case, data, errors):
    refused = record(browser, officers_case, **data)
    assert refused.status_code == 200
    assert sorted(error_summary(refused)) == sorted(errors)
    assert recorded_on(officers_case) == []


def test_others_read_but_do_not_record(browser, signed_in, account):
    helper = signed_in("officer")
    case = report(officer=account("officer"))
    case.tasks[0].assignee_id = helper.id
    db.session.commit()
    shown = browser.get(interventions_url(case))
    assert shown.status_code == 200 and page(shown).find("form", action=None) is None
    refused = browser.post(
        interventions_url(case),
        data={
            "csrf_token": csrf_token(browser.get(f"/console/cases/{case.reference}")),
            "kind": "police",
            "status": "used",
            "on": ["1", "12", "2026"],
        },
    )
    assert refused.status_code == 403 and recorded_on(case) == []


def test_the_contact_centre_may_not_open_interventions(browser, signed_in):
    signed_in("contact_centre")
    assert browser.get(interventions_url(report())).status_code == 403


def test_a_resident_with_three_reports_in_six_months_is_flagged_on_the_case_and_interventions(browser, officers_case):
    case = officers_case
    earlier_report(40)
    db.session.add(
        Incident(case_id=case.id, received_at=london(NOW) - timedelta(days=3), channel="sms", phone=RESIDENT)
    )
    db.session.commit()
    for url in (f"/console/cases/{case.reference}", interventions_url(case)):
        warning = text_of(page(browser.get(url)).find(class_="console-case-review"))
        assert FLAG in warning and "3 reports in the last six months" in warning, url


def test_two_reports_are_not_flagged(browser, officers_case):
    earlier_report(40)
    earlier_report(60, phone="+447700900999")  # someone else
    assert FLAG not in text_of(page(browser.get(f"/console/cases/{officers_case.reference}")))


def test_a_report_from_before_the_six_months_does_not_count(browser, officers_case):
    earlier_report(40)
    earlier_report(184)  # 1 June 2026 is six months before; 31 May is outside
    assert FLAG not in text_of(page(browser.get(f"/console/cases/{officers_case.reference}")))
    earlier_report(183)
    assert FLAG in text_of(page(browser.get(f"/console/cases/{officers_case.reference}")))
