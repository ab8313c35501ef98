"""Reading residents' texts the way they actually write them (no Flask, no database)."""

from __future__ import annotations

import re

from ivr_flows import Step

# Twilio's own opt-out and opt-in keywords: the whole text, any case.
OPT_OUT_KEYWORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
OPT_IN_KEYWORDS = {"START", "YES", "UNSTOP"}
COMMANDS = {"REPORT", "GRAFFITI", "STATUS", "HELP"}
YES = {"y", "yes", "yeah", "yep", "yup", "ya", "yes please", "1", "ok", "okay", "true"}
NO = {"n", "no", "nope", "nah", "no thanks", "2", "false"}
# A first text this long that is no keyword is someone describing what happened.
DESCRIPTION_MIN_LENGTH = 40

_EDGES = re.compile(r"^[\W_]+|[\W_]+$", re.UNICODE)


def tidy(text: str) -> str:
    """Lower case, single spaces, no punctuation or emoji around the edges."""
    return _EDGES.sub("", " ".join(text.split()).lower())


def keyword(text: str) -> str:
    """'stop', ' Stop! ' -> 'STOP'; anything longer than one word is no keyword."""
    word = tidy(text).upper()
    return word if word and " " not in word else ""


def is_opt_out(text: str) -> bool:
    """Exactly a keyword, as Twilio treats it: "stop it happening" is not an opt-out."""
    return " ".join(text.split()).upper().strip(".!") in OPT_OUT_KEYWORDS


def is_opt_in(text: str) -> bool:
    return " ".join(text.split()).upper().strip(".!") in OPT_IN_KEYWORDS


def command_of(text: str) -> tuple[str, str]:
    """('STATUS', 'HC-123456') for 'status hc-123456'; ('', '') when the text is no command."""
    words = " ".join(text.split()).split(" ", 1)
    first = tidy(words[0]).upper()
    if first not in COMMANDS:
        return "", ""
    rest = words[1].strip() if len(words) > 1 else ""
    if first != "STATUS" and rest:
        return "", ""
    return first, rest


def interpret(step: Step, text: str) -> tuple[bool, object]:
    """(understood, value) for a text answering `step`."""
    answer = tidy(text)
    if step.type == "free_text":
        return bool(text.strip()), text.strip()
    if step.type == "yes_no":
        if answer in YES or answer.startswith("yes"):
            return True, True
        if answer in NO or answer.startswith("no "):
            return True, False
        return False, None
    if step.type == "choice":
        option = step.options.get(answer)
        if option is None:
            option = next((o for o in step.options.values() if o.value and answer == o.value.replace("_", " ")), None)
        return (option is not None), (option.value if option else None)
    return False, None


def allowed_answers(step: Step) -> str:
    if step.type == "yes_no":
        return "Please reply YES or NO."
    if step.type == "choice":
        return f"Please reply with a number from 1 to {len(step.options)}."
    return "Please reply with a few words."
