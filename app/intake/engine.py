"""One conversation engine for every channel: a flow, where the resident is in it, one input -> what next.

No Flask, no database, no TwiML: the phone and text adapters turn Twilio's form
into a `Given` and the engine's `Turn` into TwiML or a text, and keep the state
(answers, step, attempts) in their own rows. Reading an answer is a pure
function per step type: keys on a phone, words in a text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.intake.text_answers import interpret
from app.phones import spoken_digits, uk_number_from_keypad
from ivr_flows import Flows, Option, Step

MAX_ATTEMPTS = 3  # the question, then at most two repeats
SILENT_CALLER = "silent_caller"
KEYS_NOT_UNDERSTOOD = "keys_not_understood"  # a silent caller who pressed keys: treated alike, told differently


@dataclass(frozen=True)
class Given:
    """One input: keys pressed (`digits`), a recording made, or a text (None: nothing, e.g. silence)."""

    digits: str = ""
    recording: Mapping[str, Any] | None = None
    text: str | None = None


@dataclass(frozen=True)
class Ask:
    """Ask `step` (again, when `retry_message` names why); say the message `before` first."""

    step: Step
    attempt: int = 1
    retry_message: str = ""
    before: str = ""
    values: dict[str, str] = field(default_factory=dict)  # what the prompt reads back


@dataclass(frozen=True)
class Act:
    """Hand over to the adapter: open the case, connect the call, look up a case..."""

    action: str
    before: str = ""


@dataclass(frozen=True)
class Collect:
    """A free-text answer that later texts may add to: move on once the resident stops typing."""

    step: Step


Next = Ask | Act | Collect


@dataclass(frozen=True)
class Turn:
    answers: dict[str, Any]
    next: Next
    understood: bool


def read_answer(step: Step, given: Given) -> tuple[bool, Any]:
    """(understood, value) for one input to `step`: words when it is a text, keys otherwise."""
    if given.text is not None:
        return interpret(step, given.text)
    if step.type == "record":
        return bool(given.recording and given.recording.get("recording_sid")), None
    keys = given.digits.strip()
    if step.type in {"menu", "choice"}:
        option = step.options.get(keys)
        return (option is not None), (option.value if option else None)
    if step.type == "yes_no":
        return (keys in {"1", "2"}), (keys == "1")
    if step.type == "phone_number":
        number = uk_number_from_keypad(keys.rstrip("#"))
        return (number is not None), number
    if step.type == "digits":
        cleaned = "".join(ch for ch in keys if ch in "0123456789")
        return (len(cleaned) == step.num_digits), cleaned
    return False, None


def chosen_option(step: Step, given: Given, value: Any) -> Option | None:
    """The menu or choice option the answer picked (by key, or by the value words gave)."""
    if step.type not in {"menu", "choice"}:
        return None
    if given.text is None:
        return step.options.get(given.digits.strip())
    return next((option for option in step.options.values() if option.value == value), None)


def answers_added(step: Step, attempt: int, given: Given) -> dict[str, Any]:
    """What one input adds to the answers so far: the step's answer, or None for it once the last attempt is
    not understood. A store can merge this into what it keeps without reading the answers first."""
    understood, value = read_answer(step, given)
    return _added(step, attempt, understood, value, chosen_option(step, given, value))


def _added(step: Step, attempt: int, understood: bool, value: Any, option: Option | None) -> dict[str, Any]:
    if understood:
        if step.reads_back and option is not None and option.goto == f"{step.flow}.{step.reads_back}":
            return {step.reads_back: None}  # "key it again": what was read back is not their answer
        return {} if step.type in {"menu", "record"} else {step.id: value}
    if attempt < MAX_ATTEMPTS or step.type == "menu":
        return {}
    return {step.id: None}  # carry on with the answer unknown (an earlier try's answer is not kept)


def take_turn(flows: Flows, step: Step, attempt: int, answers: Mapping[str, Any], given: Given) -> Turn:
    """Read the input as an answer to `step` and decide what comes next.

    The decision never depends on earlier answers: only what a confirming question reads back does. So
    `answers` may already hold this input's own (`answers_added`), as a store that merged it first passes.
    """
    understood, value = read_answer(step, given)
    option = chosen_option(step, given, value)
    kept = {**answers, **_added(step, attempt, understood, value, option)}
    if understood:
        if step.join_within_seconds:
            return Turn(kept, Collect(step), True)
        # Safety advice cannot wait for the end: it comes before the next question.
        before = step.on_yes_say if value is True and step.on_yes_say else ""
        target = option.goto if option and option.goto else step.next
        return Turn(kept, go_to(flows, target, option.action if option else None, kept, before), True)
    wrong = bool(given.digits.strip() or (given.text or "").strip())
    if attempt < MAX_ATTEMPTS:
        retry = step.retry_message if wrong and step.retry_message else "retry"
        return Turn(kept, Ask(step, attempt + 1, retry_message=retry, values=read_back(step, kept)), False)
    ended = give_up(flows, step, kept)
    if wrong and ended == Act(SILENT_CALLER):  # keys pressed, none of them ours: not silence, but as unsafe
        ended = Act(KEYS_NOT_UNDERSTOOD)
    return Turn(kept, ended, False)


def give_up(flows: Flows, step: Step, answers: Mapping[str, Any]) -> Next:
    """No answer after the last attempt: the step's own way on, or carry on with the answer unknown."""
    if step.on_no_answer:
        return go_to(flows, step.on_no_answer.goto, step.on_no_answer.action, answers)
    if step.type == "menu":
        return Act(SILENT_CALLER)
    return go_to(flows, step.next, None, answers)


def move_on(flows: Flows, step: Step, answers: Mapping[str, Any]) -> Ask | Act:
    """Past a collected answer (the resident has stopped typing): the step after it."""
    return go_to(flows, step.next, None, answers)


def go_to(
    flows: Flows, target: str | None, action: str | None, answers: Mapping[str, Any], before: str = ""
) -> Ask | Act:
    if action or not target:
        return Act(action or SILENT_CALLER, before)
    following = flows.step(target)
    if following.type == "action":
        return Act(str(following.action), before)
    return Ask(following, before=before, values=read_back(following, answers))


def read_back(step: Step, answers: Mapping[str, Any]) -> dict[str, str]:
    """The earlier answer a confirming question reads back, one digit at a time."""
    if step.reads_back is None:
        return {}
    return {"number": spoken_digits(str(answers.get(step.reads_back) or ""))}
