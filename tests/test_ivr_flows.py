"""The call flows shipped as YAML, and the start-up check that refuses a flow that would strand a caller."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from ivr_flows import FLOW_DIR, FlowError, Flows, Step, load_flows

REPORT_QUESTIONS = [
    "danger_now",
    "happened_before",
    "unsafe_at_home",
    "support_needs",
    "needs_adjustment",
    "strand",
    "account",
    "callback_choice",
    "callback_number",
    "callback_confirm",
    "safe_to_text",
    "visit_requested",
    "referral_consent",
]


@pytest.fixture(scope="module")
def flows() -> Flows:
    return load_flows(FLOW_DIR)


def press(flows: Flows, step: Step, key: str) -> Step:
    """The step a caller reaches by pressing `key` at `step`."""
    goto = step.options[key].goto
    assert goto is not None, f"{step.address} key {key} goes nowhere"
    return flows.step(goto)


# --- the shipped flows ----------------------------------------------------------------------------


def test_shipped_flows_load(flows: Flows) -> None:
    assert set(flows.starts) == {"main", "report", "graffiti", "update"}


def test_greeting_menu_offers_report_graffiti_update_and_contact_centre(flows: Flows) -> None:
    menu = flows.start_of("main")
    assert menu.type == "menu"
    assert set(menu.options) == {"1", "2", "3", "0"}
    assert press(flows, menu, "1") == flows.start_of("report")
    assert press(flows, menu, "2") == flows.start_of("graffiti")
    assert press(flows, menu, "3") == flows.start_of("update")
    assert press(flows, menu, "0").action == "connect_contact_centre"


def test_greeting_tells_callers_in_danger_to_call_999_first(flows: Flows) -> None:
    assert "999" in flows.start_of("main").intro


def test_closed_contact_centre_offer_still_takes_a_report_or_graffiti(flows: Flows) -> None:
    offer = flows.step("main.closed_offer")
    assert set(offer.options) == {"1", "2"}
    assert press(flows, offer, "1") == flows.start_of("report")
    assert press(flows, offer, "2") == flows.start_of("graffiti")


@pytest.mark.parametrize("address", ["main.menu", "main.closed_offer"])
def test_a_silent_caller_on_a_main_menu_is_treated_as_possibly_unsafe(flows: Flows, address: str) -> None:
    on_no_answer = flows.step(address).on_no_answer
    assert on_no_answer is not None and on_no_answer.action == "silent_caller"


def test_every_key_offered_is_announced_in_the_prompt(flows: Flows) -> None:
    """A caller can only press a key they have been told about."""
    for step in flows.steps.values():
        for key in step.options:
            assert f"press {key}" in step.prompt.lower(), f"{step.address} never says 'press {key}'"


def test_report_flow_asks_the_risk_questions_in_order_then_finishes_the_report(flows: Flows) -> None:
    asked = []
    step: Step | None = flows.start_of("report")
    while step is not None and step.type != "action":
        asked.append(step.id)
        following = step.options["1"].goto if step.type == "menu" else step.next  # a confirmation: "that is right"
        step = flows.step(following) if following else None
    assert asked == REPORT_QUESTIONS
    assert step is not None and step.action == "finish_report"


def test_report_callback_on_the_calling_number_skips_asking_for_a_number(flows: Flows) -> None:
    choice = flows.step("report.callback_choice")
    assert press(flows, choice, "1").id == "safe_to_text"
    assert press(flows, choice, "2").id == "callback_number"
    assert flows.step("report.callback_number").type == "phone_number"


def test_strand_choice_records_the_five_monitored_strands_or_other(flows: Flows) -> None:
    strand = flows.step("report.strand")
    values = {key: option.value for key, option in strand.options.items()}
    assert values == {
        "1": "race",
        "2": "religion",
        "3": "sexual_orientation",
        "4": "disability",
        "5": "transgender",
        "6": "other",
    }


def test_update_flow_asks_for_the_six_reference_digits(flows: Flows) -> None:
    reference = flows.start_of("update")
    assert reference.type == "digits" and reference.num_digits == 6
    assert flows.step(reference.next or "").action == "case_update"


# --- flows that must stop the app from starting ---------------------------------------------------


def flow_directory(tmp_path: Path, broken: dict[str, Any] | None = None) -> Path:
    """The shipped flows, plus `broken` written as broken.yaml."""
    for path in FLOW_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    if broken is not None:
        (tmp_path / "broken.yaml").write_text(yaml.safe_dump(broken), encoding="utf-8")
    return tmp_path


def one_step_flow(*steps: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A flow called 'broken' whose steps end with an action, so only the step under test is at fault."""
    finish = {"id": "finish", "type": "action", "action": "finish_report"}
    return {"flow": "broken", "start": steps[0]["id"], "steps": [*steps, finish], **extra}


def question(step_id: str = "question", **fields: Any) -> dict[str, Any]:
    return {"id": step_id, "type": "yes_no", "prompt": "Press 1 for yes, or 2 for no.", **fields}


def test_a_valid_extra_flow_loads_alongside_the_shipped_ones(tmp_path: Path) -> None:
    """The baseline for the broken flows below: only what each one breaks makes it fail."""
    flows = load_flows(flow_directory(tmp_path, one_step_flow(question(), messages={"fine": "Case {reference}."})))
    assert flows.start_of("broken").id == "question"


def test_unknown_step_type_is_refused(tmp_path: Path) -> None:
    directory = flow_directory(tmp_path, one_step_flow(question(type="free_speech")))
    with pytest.raises(FlowError, match="unknown step type"):
        load_flows(directory)


@pytest.mark.parametrize("step_id", ['say "hello"', "Danger", "1st", "danger now", "dänger"])
def test_a_step_id_that_is_not_a_plain_name_is_refused(tmp_path: Path, step_id: str) -> None:
    """A step's id is a key of the stored answers, a JSON path into them and a part of a webhook's URL."""
    with pytest.raises(FlowError, match="a step id is"):
        load_flows(flow_directory(tmp_path, one_step_flow(question(step_id))))


def test_goto_to_a_step_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    menu = {"id": "menu", "type": "menu", "prompt": "Press 1.", "options": {"1": {"goto": "nowhere"}}}
    directory = flow_directory(tmp_path, one_step_flow(menu))
    with pytest.raises(FlowError, match="nowhere"):
        load_flows(directory)


def test_no_answer_goto_to_a_step_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    directory = flow_directory(tmp_path, one_step_flow(question(on_no_answer={"goto": "nowhere"})))
    with pytest.raises(FlowError, match="nowhere"):
        load_flows(directory)


def test_a_withheld_number_goto_to_a_step_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    directory = flow_directory(tmp_path, one_step_flow(question(if_number_withheld={"goto": "nowhere"})))
    with pytest.raises(FlowError, match="nowhere"):
        load_flows(directory)


@pytest.mark.parametrize("where_to", [{"action": "finish_report"}, {"goto": "finish", "value": "x"}, "finish"])
def test_a_withheld_number_goes_only_to_a_step(tmp_path: Path, where_to: Any) -> None:
    directory = flow_directory(tmp_path, one_step_flow(question(if_number_withheld=where_to)))
    with pytest.raises(FlowError, match="if_number_withheld names only the step"):
        load_flows(directory)


def test_a_withheld_caller_is_asked_for_a_number_instead_of_offered_their_own(flows: Flows) -> None:
    choice = flows.step("report.callback_choice")
    assert choice.if_number_withheld is not None and choice.if_number_withheld.goto == "report.callback_number"
    assert "calling from" in flows.message("number_withheld")


def test_message_with_an_unknown_placeholder_is_refused(tmp_path: Path) -> None:
    directory = flow_directory(tmp_path, one_step_flow(question(), messages={"bad": "Your case {case_number}."}))
    with pytest.raises(FlowError, match="case_number"):
        load_flows(directory)


def test_message_with_a_positional_placeholder_is_refused(tmp_path: Path) -> None:
    directory = flow_directory(tmp_path, one_step_flow(question(), messages={"bad": "Your reference is {}."}))
    with pytest.raises(FlowError):
        load_flows(directory)


def test_question_without_a_prompt_is_refused(tmp_path: Path) -> None:
    directory = flow_directory(tmp_path, one_step_flow(question(prompt="")))
    with pytest.raises(FlowError, match="prompt"):
        load_flows(directory)


@pytest.mark.parametrize("key", ["10", "A", "yes"])
def test_menu_option_key_that_is_not_a_phone_key_is_refused(tmp_path: Path, key: str) -> None:
    menu = {"id": "menu", "type": "menu", "prompt": f"Press {key}.", "options": {key: {"goto": "finish"}}}
    directory = flow_directory(tmp_path, one_step_flow(menu))
    with pytest.raises(FlowError, match="phone keys"):
        load_flows(directory)


def test_duplicate_step_ids_are_refused(tmp_path: Path) -> None:
    directory = flow_directory(tmp_path, one_step_flow(question("same"), question("same")))
    with pytest.raises(FlowError, match="duplicate step id"):
        load_flows(directory)


def test_flows_without_a_main_greeting_are_refused(tmp_path: Path) -> None:
    directory = flow_directory(tmp_path)
    (directory / "main.yaml").unlink()
    with pytest.raises(FlowError, match="'main'"):
        load_flows(directory)


def test_flow_without_a_start_is_refused(tmp_path: Path) -> None:
    flow = one_step_flow(question())
    del flow["start"]
    directory = flow_directory(tmp_path, flow)
    with pytest.raises(FlowError):
        load_flows(directory)
