"""Reading residents' texts the way they actually write them (no Flask, no database)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ivr_flows import Step

# Twilio's own opt-out and opt-in keywords: the whole text, any case.
OPT_OUT_KEYWORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
OPT_IN_KEYWORDS = {"START", "YES", "UNSTOP"}
COMMANDS = {"REPORT", "GRAFFITI", "STATUS", "HELP"}
# A first text this long that is no keyword is someone describing what happened.
DESCRIPTION_MIN_LENGTH = 40

_EDGES = re.compile(r"^[\W_]+|[\W_]+$", re.UNICODE)
_APOSTROPHES = re.compile("['’‘`]")
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
_STRETCHED = re.compile(r"([a-z])\1{2,}")  # "yesss", "nooo"
_EMOJI_MODIFIERS = re.compile("[\ufe0f\u200d\U0001f3fb-\U0001f3ff]")  # variation selector, joiner, skin tones

# Yes/no answers, as normalised text: the longest phrase the answer opens with decides.
YES_EMOJI = set("👍✅✔☑👌")
NO_EMOJI = set("👎❌✖🚫⛔")
_YES = (
    "yes|y|ye|yea|yeah|yeh|yah|ya|yh|yep|yup|yus|yess|aye|ok|okay|k|kk|sure|correct|true|definitely|absolutely|"
    "certainly|indeed|please|1|of course|please do|go ahead|yes please|thats right|that is right|thats correct|"
    "i think so|i do|i am|i have|i would|it is|it has|we do|we are|we have|they do|they are|they have"
)
_NO = (
    "no|n|nope|nah|na|naw|nay|noo|2|false|never|none|nobody|no one|nothing|negative|no way|no thanks|no thank you|"
    "not really|not at all|not now|not yet|not ok|dont|do not|please dont|please do not|definitely not|absolutely not|"
    "of course not|certainly not|i dont think so|dont think so|i dont|i do not|im not|i am not|its not|it isnt|"
    "it is not|it hasnt|it has not|i havent|i have not|i wouldnt|we dont|we arent|we havent|they dont|they arent"
)
YES_NO_PHRASES: dict[str, bool] = {**dict.fromkeys(_YES.split("|"), True), **dict.fromkeys(_NO.split("|"), False)}
# Answers that only mean yes or no for one question.
STEP_PHRASES: dict[str, dict[str, bool]] = {
    "report.safe_to_text": {
        **dict.fromkeys(["safe", "its safe", "it is safe", "yes safe", "thats fine", "fine"], True),
        **dict.fromkeys(["not safe", "unsafe", "its not safe", "phone only", "only phone", "just phone"], False),
        **dict.fromkeys(["call only", "calls only", "phone me", "call me", "just call", "only call"], False),
    },
}
# "I am fine", "it is ok", "please call me": an affirmation only when nothing but thanks follows.
WHOLE_ANSWER_ONLY = {"ok", "okay", "k", "kk", "please", "i am", "it is", "we are", "they are"}
POLITE = {"please", "thanks", "thank", "you", "ta", "cheers", "x", "xx", "mate", "love"}
_HEDGES = (
    "not sure|unsure|maybe|may be|perhaps|possibly|probably|might|dunno|idk|dont know|do not know|no idea|"
    "not certain|kind of|kinda|sort of|sorta|depends|both|but|n a|not applicable|cant say|dont remember"
)
HEDGES = _HEDGES.split("|")
YES_WORDS = {"yes", "ye", "yea", "yeah", "yeh", "yah", "ya", "yh", "yep", "yup", "aye"}
NO_WORDS = {"no", "nope", "nah", "naw"}
NOT_A_NO = ("no one", "no problem", "no worries")  # "yes no problem" is a yes
NEGATORS = {"not", "dont", "never", "isnt", "arent", "cant", "wont", "doesnt", "havent", "hasnt"}
FILLERS = {"um", "umm", "erm", "er", "uh", "hm", "hmm", "well", "oh", "ah", "hi", "hello", "sorry", "so"}

# Choice answers: a number, or words naming the option's value.
NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7"}
OPTION_WORDS = {
    "race": ("racial", "racism", "racist", "ethnicity", "ethnic", "colour", "color", "skin", "nationality"),
    "religion": ("religious", "belief", "beliefs", "faith", "islamophobia", "islamophobic", "antisemitic"),
    "sexual_orientation": ("orientation", "sexuality", "gay", "lesbian", "bisexual", "homophobic", "homophobia"),
    "disability": ("disabled", "disabilities", "disablist", "ableist"),
    "transgender": ("trans", "transphobic", "transphobia", "gender identity"),
    "other": ("something else", "else", "not sure", "unsure", "dont know", "idk", "dunno", "no idea", "none"),
}


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


def normalise(text: str) -> str:
    """'Yes.👍' -> 'yes', "don't" -> 'dont', 'nooo!!' -> 'no'; a lone 👍 is 'yes' and a lone 👎 is 'no'."""
    bare = _EMOJI_MODIFIERS.sub("", "".join(text.split()))
    if bare and set(bare) <= YES_EMOJI:
        return "yes"
    if bare and set(bare) <= NO_EMOJI:
        return "no"
    words = _NOT_WORD.sub(" ", _APOSTROPHES.sub("", text.lower()))
    return " ".join(_STRETCHED.sub(r"\1", words).split())


def _mentions(answer: str, phrases: Iterable[str]) -> bool:
    return any(f" {phrase} " in f" {answer} " for phrase in phrases)


def _read_yes_no(step: Step, answer: str) -> tuple[bool, object]:
    """The opening phrase decides; a hedge, a contradiction or a negated "safe" is asked again.

    "I don't know", "maybe", "yes and no" are not understood rather than read as no: asking again
    costs one text, a wrong risk answer costs more. "Not yes" is not understood either: nobody
    writes no that way, so it is more likely a slip than an answer. "Not safe" means yes to "Do you
    feel unsafe?" and no to "Is it safe to text you?", so it is only read where the step lists it.
    """
    words = answer.split()
    while words and words[0] in FILLERS:
        words = words[1:]
    answer = " ".join(words)
    if not answer or _mentions(answer, HEDGES):
        return False, None
    phrases = {**YES_NO_PHRASES, **STEP_PHRASES.get(step.address, {})}
    for length in (4, 3, 2, 1):
        opening = " ".join(words[:length])
        if len(words) >= length and opening in phrases:
            break
    else:
        return False, None
    reading, rest = phrases[opening], " ".join(words[length:])
    for harmless in NOT_A_NO:
        rest = f" {rest} ".replace(f" {harmless} ", " ").strip()
    opposite = NO_WORDS if reading else YES_WORDS
    if set(rest.split()) & opposite:
        return False, None
    if opening in WHOLE_ANSWER_ONLY and not set(rest.split()) <= POLITE:
        return False, None
    if opening not in STEP_PHRASES.get(step.address, {}) and "safe" in words and NEGATORS & set(words):
        return False, None
    return True, reading


def _read_choice(step: Step, answer: str) -> tuple[bool, object]:
    """A number or the option's words, but only one option: "1 and 3" or "race or religion" is asked again."""
    numbers = {
        str(int(w)) if w.isdecimal() else NUMBER_WORDS[w] for w in answer.split() if w.isdecimal() or w in NUMBER_WORDS
    }
    picked: set[str | None] = {step.options[n].value if n in step.options else None for n in numbers}
    for option in step.options.values():
        if option.value and _mentions(answer, {option.value.replace("_", " "), *OPTION_WORDS.get(option.value, ())}):
            picked.add(option.value)
    if len(picked) != 1 or None in picked:
        return False, None
    return True, picked.pop()


def interpret(step: Step, text: str) -> tuple[bool, object]:
    """(understood, value) for a text answering `step`."""
    if step.type == "free_text":
        return bool(text.strip()), text.strip()
    if step.type == "yes_no":
        return _read_yes_no(step, normalise(text))
    if step.type == "choice":
        return _read_choice(step, normalise(text))
    return False, None


def allowed_answers(step: Step) -> str:
    if step.type == "yes_no":
        return "Please reply YES or NO."
    if step.type == "choice":
        return f"Please reply with a number from 1 to {len(step.options)}."
    return "Please reply with a few words."
