"""What the API accepts as input before any of it reaches the database."""

from __future__ import annotations

from typing import Any

from flask import request

from app.casework.references import looks_like_reference

__all__ = ["MAX_ROW_ID", "UNSTORABLE", "json_body", "looks_like_reference", "storable"]

# Row ids are 32-bit in PostgreSQL: a larger number cannot be a task.
MAX_ROW_ID = 2**31 - 1
UNSTORABLE = "text must not contain NUL characters or unpaired surrogates"


def json_body() -> Any:
    """The request's JSON, or None when it is not JSON (including JSON nested too deep to read)."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        return None


def _storable_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def storable(value: Any) -> bool:
    """False when any string in `value` (keys too) holds a NUL or an unpaired surrogate: no database keeps those."""
    pending = [value]
    while pending:  # a loop, not recursion: the JSON may be nested a thousand deep
        item = pending.pop()
        if isinstance(item, str) and not _storable_text(item):
            return False
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return True
