"""An officer's casework in Chromium: the action plan and its copy for the resident (the letter downloaded),
a witness, and an intervention. Each page reached is checked with axe-core and photographed (`look`)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.calendar import london_date
from app.clock import now
from tests.console.browser.test_casework_journeys import choose

pytestmark = pytest.mark.browser


def fill_date(page: Page, question: str, day) -> None:
    group = page.get_by_role("group", name=question, exact=True)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_an_officer_agrees_a_plan_sends_a_copy_adds_a_witness_and_records_an_intervention(
    page: Page, signed_in, look, cases
):
    case = cases[0]
    signed_in(page, "officer")
    page.goto(f"/console/cases/{case.reference}")
    look(page, "case")
    page.get_by_role("link", name="Action plan", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Action plan")
    look(page, "action-plan-empty")

    page.get_by_role("button", name="Add to the plan").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter what will be done")
    expect(page).to_have_title(re.compile("^Error: "))
    look(page, "action-plan-error")

    page.get_by_label("What will be done").fill("Visit the neighbour about the shouting")
    page.get_by_label("Who will do it").fill("Asha Patel (officer)")
    fill_date(page, "Due by", london_date(now()) + timedelta(days=7))
    choose(page, "Has the resident agreed the plan with this item?", "Yes")
    page.get_by_role("button", name="Add to the plan").click()
    expect(page.get_by_role("main")).to_contain_text("Item added to the plan (version 1)")
    look(page, "action-plan-item-added")

    page.get_by_role("button", name="Send the resident a copy").click()
    expect(page).to_have_url(re.compile(r"/action-plan/versions/1$"))
    expect(page.get_by_role("main")).to_contain_text("No text was sent")
    look(page, "action-plan-sent")
    with page.expect_download() as downloading:
        page.get_by_role("link", name=re.compile("^Download the letter")).click()
    download = downloading.value
    assert download.suggested_filename == f"action-plan-{case.reference}-v1.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF-")

    page.goto(f"/console/cases/{case.reference}")
    look(page, "case-after-plan")
    page.get_by_role("link", name="Witnesses", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Witnesses")
    look(page, "witnesses")
    page.get_by_label("Name", exact=True).fill("Zofia Nowak")
    page.get_by_label("How to contact them (optional)").fill("07700 900777")
    page.get_by_label("Relationship to the resident (optional)").fill("Neighbour")
    choose(page, "Has a statement been taken?", "No")
    choose(page, "Have they agreed to be contacted?", "Yes")
    page.get_by_role("button", name="Save witness").click()
    expect(page.get_by_role("table")).to_contain_text("Zofia Nowak")
    look(page, "witness-added")

    page.goto(f"/console/cases/{case.reference}/interventions")
    expect(page.get_by_role("heading", level=1)).to_have_text("Interventions and ASB Case Review")
    look(page, "interventions")
    page.get_by_label("What was considered or used").select_option(label="Informal tool: Mediation")
    choose(page, "Was it considered or used?", "Considered")
    fill_date(page, "Date", london_date(now()))
    page.get_by_label("Note (optional)").fill("Resident willing to try mediation with the neighbour.")
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_role("main")).to_contain_text("Recorded: Informal tool: Mediation (considered)")
    look(page, "intervention-recorded")
