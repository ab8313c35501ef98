"""Witnesses: special category data that only the case's officer and managers see; audited without the details."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.casework.models import Case, Witness
from app.extensions import db
from tests.console.conftest import csrf_token, error_summary, heading, page, report, table_rows, text_of

WITNESS = {
    "name": "Zofia Nowak",
    "contact": "07700 900777",
    "relationship_to_resident": "Neighbour at number 14",
    "statement_taken": "no",
    "consent_to_contact": "yes",
}


def witnesses_url(case: Case) -> str:
    return f"/console/cases/{case.reference}/witnesses"


def add(browser, case: Case, **details: str):
    shown = browser.get(witnesses_url(case))
    return browser.post(witnesses_url(case), data={"csrf_token": csrf_token(shown), **WITNESS, **details})


def witnesses_on(case: Case) -> list[Witness]:
    return list(db.session.scalars(select(Witness).where(Witness.case_id == case.id)))


def test_the_cases_officer_adds_a_witness_and_sees_them_listed(browser, signed_in):
    case = report(officer=signed_in("officer"))
    added = add(browser, case)
    assert added.status_code == 302 and added.headers["Location"] == witnesses_url(case)
    shown = browser.get(witnesses_url(case))
    assert heading(shown) == "Witnesses"
    assert table_rows(shown, "Witnesses on this case") == [
        ["Zofia Nowak", "07700 900777", "Neighbour at number 14", "No", "Yes", "Change Zofia Nowak"]
    ]


def test_a_witness_without_a_name_is_refused(browser, signed_in):
    case = report(officer=signed_in("officer"))
    refused = add(browser, case, name="  ", statement_taken="")
    assert refused.status_code == 200
    assert error_summary(refused) == ["Enter the witness's name", "Select whether a statement has been taken"]
    assert witnesses_on(case) == []


def test_changing_a_witness_is_audited_without_their_name_or_contact(browser, signed_in):
    case = report(officer=signed_in("officer"))
    add(browser, case)
    [witness] = witnesses_on(case)
    url = f"{witnesses_url(case)}/{witness.id}"
    form = browser.get(url)
    assert heading(form) == "Change a witness"
    changed = {**WITNESS, "contact": "zofia@example.org", "statement_taken": "yes"}
    assert browser.post(url, data={"csrf_token": csrf_token(form), **changed}).status_code == 302
    [witness] = witnesses_on(case)
    assert (witness.contact, witness.statement_taken) == ("zofia@example.org", True)
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("witness_%"))))
    assert [event.action for event in events] == ["witness_added", "witness_changed"]
    assert events[1].changes == {
        "witness": [witness.id, witness.id],
        "statement_taken": [False, True],
        "details changed": [None, "contact"],
    }
    recorded = json.dumps([event.changes for event in events])
    for private in ("Zofia", "Nowak", "07700", "zofia@example.org", "Neighbour"):
        assert private not in recorded


@pytest.mark.parametrize("role", ["contact_centre", "admin"])
def test_other_roles_find_no_witnesses_page_and_no_witness_anywhere(browser, signed_in, account, role):
    officer = account("officer")
    case = report(officer=officer)
    db.session.add(Witness(case_id=case.id, name="Zofia Nowak", contact="07700 900777", created_by_id=officer.id))
    db.session.commit()
    signed_in(role)
    assert browser.get(witnesses_url(case)).status_code == 404
    shown = browser.get(f"/console/cases/{case.reference}")
    assert shown.status_code == 200
    assert "Zofia" not in shown.get_data(as_text=True) and page(shown).find("a", string="Witnesses") is None
    refused = browser.post(witnesses_url(case), data={"csrf_token": csrf_token(shown), **WITNESS})
    assert refused.status_code == 404 and len(witnesses_on(case)) == 1


def test_an_officer_holding_a_task_on_the_case_but_not_its_officer_gets_404(browser, signed_in, account):
    helper = signed_in("officer")
    case = report(officer=account("officer"))
    case.tasks[0].assignee_id = helper.id
    db.session.commit()
    assert browser.get(f"/console/cases/{case.reference}").status_code == 200
    assert browser.get(witnesses_url(case)).status_code == 404


def test_a_manager_sees_the_witnesses_of_any_case(browser, signed_in):
    signed_in("manager")
    case = report()
    assert add(browser, case).status_code == 302
    shown = browser.get(f"/console/cases/{case.reference}")
    link = page(shown).find("a", string="Witnesses")
    assert link is not None and link["href"] == witnesses_url(case)
    assert "Zofia" not in text_of(page(shown).find("main")), "the case page links to witnesses; it never lists them"
