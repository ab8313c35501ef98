"""The one source of the current time, so tests can name the instant they run at."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

_frozen_at: datetime | None = None


def now() -> datetime:
    """The current time, timezone-aware UTC."""
    return _frozen_at if _frozen_at is not None else datetime.now(UTC)


@contextmanager
def frozen_at(instant: datetime) -> Iterator[datetime]:
    """Make `now()` return `instant` inside the block (tests, `--as-of` runs)."""
    global _frozen_at
    if instant.tzinfo is None:
        raise ValueError("freeze the clock with an aware datetime")
    previous, _frozen_at = _frozen_at, instant.astimezone(UTC)
    try:
        yield _frozen_at
    finally:
        _frozen_at = previous
