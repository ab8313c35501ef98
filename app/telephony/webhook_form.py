"""Reading a Twilio webhook form: SIDs checked, numbers parsed strictly, text made storable.

Twilio's signature joins keys and values with no separator, so a captured
request can be re-split (a SID absorbing the next key's name and value) and
still validate. A genuine webhook always carries well-formed SIDs: a request
whose SID is not in Twilio's format is refused before anything is stored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

CALL_SID = re.compile(r"CA[0-9a-f]{32}")
MESSAGE_SID = re.compile(r"(SM|MM)[0-9a-f]{32}")  # SM for a text, MM for a picture message
RECORDING_SID = re.compile(r"RE[0-9a-f]{32}")
ASCII_DIGITS = re.compile(r"[0-9]+")
# PostgreSQL text cannot hold NUL; the raw form (JSON, where it is escaped as \u0000) keeps the original.
NUL, REPLACEMENT_CHARACTER = "\x00", "\ufffd"


def is_sid(pattern: re.Pattern[str], value: str | None) -> bool:
    return value is not None and pattern.fullmatch(value) is not None


def malformed_sids(
    form: Mapping[str, str],
    required: Mapping[str, re.Pattern[str]],
    optional: Mapping[str, re.Pattern[str]] | None = None,
) -> list[str]:
    """The names of SIDs missing (where required) or not in Twilio's format."""
    missing = [name for name, pattern in required.items() if not is_sid(pattern, form.get(name))]
    present = (optional or {}).items()
    return missing + [name for name, pattern in present if name in form and not is_sid(pattern, form[name])]


def described(sid: str | None) -> str:
    """A SID fit for the log: itself when well-formed, else only its length (it may hold a number or words)."""
    if sid is None:
        return "none"
    if any(pattern.fullmatch(sid) for pattern in (CALL_SID, MESSAGE_SID, RECORDING_SID)):
        return sid
    return f"malformed, {len(sid)} characters"


def whole_number(text: str | None, max_digits: int = 6) -> int | None:
    """ASCII digits only: "²" passes str.isdigit() but not int(), and Twilio sends neither it nor a sign."""
    if text is None or len(text) > max_digits or not ASCII_DIGITS.fullmatch(text):
        return None
    return int(text)


def storable(text: str, max_length: int | None = None) -> str:
    """Text a database column can hold: NUL replaced, cut to the column's length."""
    cleaned = text.replace(NUL, REPLACEMENT_CHARACTER)
    return cleaned if max_length is None else cleaned[:max_length]
