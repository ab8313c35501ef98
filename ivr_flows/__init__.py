"""Call flows as data: one YAML file per flow, loaded and validated here.

A flow is a list of steps. Each step is one question or one action:

- ``menu``: keys in ``options`` go to another step (``goto``: a step id of
  this flow, or a flow name meaning its first step); ``on_no_answer`` says
  what happens after the question has been asked three times without an answer.
- ``yes_no``: 1 is yes, 2 is no; the answer is stored under the step id.
- ``choice``: keys map to a ``value`` stored under the step id, optionally with a ``goto``.
- ``record``: a voice recording (``purpose`` names it, ``max_length`` seconds).
- ``phone_number``: a GB phone number keyed in, ended with the hash key.
- ``digits``: exactly ``num_digits`` keys.
- ``free_text`` (text conversations): any words; with ``join_within_seconds`` further
  texts that arrive within that time are joined to the answer.
- ``action``: hands over to the case service (see ``ACTIONS``).

Optional fields of a question: ``on_yes_say`` (a yes_no step: the message said at
once, before the next question, when the answer is yes), ``retry_message`` (the
message for keys that were pressed but are not an answer, instead of "I didn't
catch that"), and ``reads_back`` (the earlier answer the prompt's ``{number}``
reads back, digit by digit, for the caller to confirm).

Unless it says otherwise, a step is followed by the next one in the list.
Phone flows live in this folder (the greeting is the ``main`` flow); text
conversations live in ``texts/`` and are read by the same loader.
A flow that is wrong (an unknown type, a key that goes nowhere, a message with
an unknown placeholder) stops the app from starting, not a caller's call.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

FLOW_DIR = Path(__file__).resolve().parent
STEP_TYPES = {"menu", "yes_no", "choice", "record", "phone_number", "digits", "free_text", "action"}
ACTIONS = {"connect_contact_centre", "silent_caller", "finish_report", "finish_graffiti", "case_update"}
KEYS = set("0123456789*#")
# A step's id names its answer where answers are kept (a key, a JSON path) and its place in a webhook's URL.
STEP_ID = re.compile(r"[a-z][a-z0-9_]*")
MESSAGE_PLACEHOLDERS = {"reference", "deadline", "status", "officer", "next_contact", "allowed", "cases"}
PROMPT_PLACEHOLDERS = {"number"}  # only in a step that `reads_back` an answer


class FlowError(ValueError):
    """A flow file that does not describe a valid call flow."""


@dataclass(frozen=True)
class Option:
    value: str | None = None
    goto: str | None = None  # "flow.step" once resolved
    action: str | None = None


@dataclass(frozen=True)
class Step:
    flow: str
    id: str
    type: str
    prompt: str = ""
    intro: str = ""
    options: dict[str, Option] = field(default_factory=dict)
    on_no_answer: Option | None = None
    next: str | None = None  # "flow.step"
    action: str | None = None
    purpose: str | None = None
    max_length: int = 120
    num_digits: int = 1
    join_within_seconds: int = 0
    on_yes_say: str | None = None
    retry_message: str | None = None
    reads_back: str | None = None
    # Where a caller whose number is withheld goes instead of this step (told NUMBER_WITHHELD first):
    # a question about "the number you are calling from" is one they cannot answer.
    if_number_withheld: Option | None = None

    @property
    def address(self) -> str:
        return f"{self.flow}.{self.id}"


@dataclass(frozen=True)
class Flows:
    steps: dict[str, Step]
    starts: dict[str, str]
    messages: dict[str, str]

    def step(self, address: str) -> Step:
        return self.steps[address]

    def start_of(self, flow: str) -> Step:
        return self.steps[self.starts[flow]]

    def message(self, name: str, **values: str) -> str:
        return self.messages[name].format(**values) if values else self.messages[name]


NUMBER_WITHHELD = "number_withheld"  # the message a withheld caller hears before `if_number_withheld`'s step


def _require(condition: bool, where: str, problem: str) -> None:
    if not condition:
        raise FlowError(f"{where}: {problem}")


def _parse_option(raw: Any, where: str) -> Option:
    _require(isinstance(raw, dict), where, "an option must be a mapping")
    unknown = set(raw) - {"value", "goto", "action"}
    _require(not unknown, where, f"unknown option fields {sorted(unknown)}")
    action = raw.get("action")
    _require(action is None or action in ACTIONS, where, f"unknown action {action!r}")
    return Option(value=raw.get("value"), goto=raw.get("goto"), action=action)


def _parse_step(flow: str, raw: dict[str, Any]) -> Step:
    where = f"{flow}.{raw.get('id', '?')}"
    _require(isinstance(raw.get("id"), str), where, "every step needs an id")
    _require(STEP_ID.fullmatch(raw["id"]) is not None, where, "a step id is lower-case letters, digits and _")
    _require(raw.get("type") in STEP_TYPES, where, f"unknown step type {raw.get('type')!r}")
    kind = raw["type"]
    options = {str(k): _parse_option(v, f"{where} key {k}") for k, v in (raw.get("options") or {}).items()}
    _require(all(k in KEYS for k in options), where, "option keys must be single phone keys")
    if kind in {"menu", "choice"}:
        _require(bool(options), where, f"a {kind} needs options")
    if kind == "menu":
        _require(all(o.goto or o.action for o in options.values()), where, "every menu key needs a goto")
    if kind == "choice":
        _require(all(o.value for o in options.values()), where, "every choice key needs a value")
    if kind == "action":
        _require(raw.get("action") in ACTIONS, where, f"unknown action {raw.get('action')!r}")
    else:
        _require(bool(raw.get("prompt")), where, "a question needs a prompt")
    if kind == "record":
        _require(bool(raw.get("purpose")), where, "a recording needs a purpose")
    on_no_answer = raw.get("on_no_answer")
    if_number_withheld = raw.get("if_number_withheld")
    _require(
        if_number_withheld is None or (isinstance(if_number_withheld, dict) and set(if_number_withheld) == {"goto"}),
        where,
        "if_number_withheld names only the step to go to: {goto: step}",
    )
    _require(raw.get("on_yes_say") is None or kind == "yes_no", where, "on_yes_say is for yes_no questions")
    placeholders = _placeholders(str(raw.get("prompt", "")))
    _require(
        placeholders == (PROMPT_PLACEHOLDERS if raw.get("reads_back") else set()),
        where,
        "a prompt has a {number} placeholder exactly when it reads_back an answer",
    )
    return Step(
        flow=flow,
        id=raw["id"],
        type=kind,
        prompt=" ".join(str(raw.get("prompt", "")).split()),
        intro=" ".join(str(raw.get("intro", "")).split()),
        options=options,
        on_no_answer=_parse_option(on_no_answer, where) if on_no_answer else None,
        action=raw.get("action"),
        purpose=raw.get("purpose"),
        max_length=int(raw.get("max_length", 120)),
        num_digits=int(raw.get("num_digits", 6 if kind == "digits" else 1)),
        join_within_seconds=int(raw.get("join_within_seconds", 0)),
        on_yes_say=raw.get("on_yes_say"),
        retry_message=raw.get("retry_message"),
        reads_back=raw.get("reads_back"),
        if_number_withheld=_parse_option(if_number_withheld, where) if if_number_withheld else None,
    )


def _resolve(target: str, flow: str, starts: dict[str, str], steps: dict[str, Any], where: str) -> str:
    """A goto names a step of the same flow, or another flow (its first step)."""
    if target in starts:
        return starts[target]
    address = f"{flow}.{target}"
    _require(address in steps, where, f"goto {target!r} names no step or flow")
    return address


def _link(raw_flows: dict[str, dict[str, Any]]) -> dict[str, Step]:
    starts = {name: f"{name}.{raw['start']}" for name, raw in raw_flows.items()}
    parsed: dict[str, Step] = {}
    order: dict[str, list[str]] = {}
    for name, raw in raw_flows.items():
        _require(isinstance(raw.get("steps"), list) and raw["steps"], name, "a flow needs a list of steps")
        for raw_step in raw["steps"]:
            step = _parse_step(name, raw_step)
            _require(step.address not in parsed, step.address, "duplicate step id")
            parsed[step.address] = step
            order.setdefault(name, []).append(step.address)
    for name, start in starts.items():
        _require(start in parsed, name, f"start {start!r} is not a step")
    linked: dict[str, Step] = {}
    for name, addresses in order.items():
        for position, address in enumerate(addresses):
            step = parsed[address]

            def resolve(option: Option, where: str = address, flow_name: str = name) -> Option:
                goto = _resolve(option.goto, flow_name, starts, parsed, where) if option.goto else None
                return Option(value=option.value, goto=goto, action=option.action)

            following = addresses[position + 1] if position + 1 < len(addresses) else None
            if step.type != "action" and step.type != "menu":
                _require(following is not None, address, "the last step of a flow must be an action")
            linked[address] = Step(
                **{
                    **step.__dict__,
                    "options": {key: resolve(o) for key, o in step.options.items()},
                    "on_no_answer": resolve(step.on_no_answer) if step.on_no_answer else None,
                    "if_number_withheld": resolve(step.if_number_withheld) if step.if_number_withheld else None,
                    "next": following if step.type not in {"action", "menu"} else None,
                }
            )
    return linked


def _placeholders(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


def _check_messages(messages: dict[str, str], steps: dict[str, Step]) -> None:
    for step in steps.values():
        for name in (step.on_yes_say, step.retry_message):
            _require(name is None or name in messages, step.address, f"names no message {name!r}")
        _require(
            step.reads_back is None or f"{step.flow}.{step.reads_back}" in steps, step.address, "reads back no step"
        )
        _require(
            step.if_number_withheld is None or NUMBER_WITHHELD in messages,
            step.address,
            f"if_number_withheld needs the message {NUMBER_WITHHELD!r}",
        )
    for name, text in messages.items():
        fields = _placeholders(text)
        _require(
            fields <= MESSAGE_PLACEHOLDERS,
            f"message {name}",
            f"unknown placeholders {sorted(fields - MESSAGE_PLACEHOLDERS)}",
        )


def load_flows(directory: Path = FLOW_DIR, entry: str = "main") -> Flows:
    """Read and validate every ``*.yaml`` flow in `directory`; `entry` is the flow that must exist."""
    raw_flows: dict[str, dict[str, Any]] = {}
    messages: dict[str, str] = {}
    for path in sorted(directory.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        _require(isinstance(raw, dict) and isinstance(raw.get("flow"), str), path.name, "needs a 'flow' name")
        _require(raw["flow"] not in raw_flows, path.name, "duplicate flow name")
        _require(isinstance(raw.get("start"), str), path.name, "needs a 'start' step")
        raw_flows[raw["flow"]] = raw
        messages.update({k: " ".join(str(v).split()) for k, v in (raw.get("messages") or {}).items()})
    _require(entry in raw_flows, str(directory), f"a {entry!r} flow is required")
    steps = _link(raw_flows)
    _check_messages(messages, steps)
    return Flows(steps=steps, starts={n: f"{n}.{r['start']}" for n, r in raw_flows.items()}, messages=messages)


@lru_cache(maxsize=1)
def phone_flows() -> Flows:
    """The phone flows shipped with the service, loaded once per process."""
    return load_flows()


@lru_cache(maxsize=1)
def text_flows() -> Flows:
    """The text conversations shipped with the service, loaded once per process."""
    return load_flows(FLOW_DIR / "texts", entry="report")
