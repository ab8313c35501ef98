"""Case references: a prefix and six random digits, e.g. HC-482913.

The digits are drawn from the operating system's CSPRNG so one reference
says nothing about the next. The six digits are unique across every prefix,
because a caller keys only the digits on the phone.
"""

from __future__ import annotations

import re
import secrets

PREFIXES = {"hate_crime": "HC", "graffiti": "GR", "enquiry": "EN"}


def random_digits() -> str:
    return f"{secrets.randbelow(900_000) + 100_000}"


def format_reference(kind: str, digits: str) -> str:
    return f"{PREFIXES[kind]}-{digits}"


# A reference as staff and the API see it (HC-123456, GR-..., EN-...); any other path is simply not a case.
REFERENCE = re.compile(r"[A-Za-z]{2}-[0-9]{6}")


def looks_like_reference(text: str) -> bool:
    return REFERENCE.fullmatch(text.strip()) is not None


def digits_of(reference_or_digits: str) -> str:
    """'hc-123456', 'HC 123456' or '123456' -> '123456' (empty if no six digits)."""
    digits = "".join(ch for ch in reference_or_digits if ch in "0123456789")
    return digits if len(digits) == 6 else ""


def spoken_reference(reference: str) -> str:
    """'HC-123456' -> 'H, C, 1, 2, 3, 4, 5, 6' so a voice reads it one character at a time."""
    return ", ".join(ch for ch in reference if ch.isalnum())
