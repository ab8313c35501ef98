"""How long a console session lasts: 30 minutes without a request, and 10 hours from signing in at most.

No Flask: the times come from the session cookie (signed, so they cannot be moved), the instant from
`app.clock.now()`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

IDLE_LIMIT = timedelta(minutes=30)
ABSOLUTE_LIMIT = timedelta(hours=10)

SIGNED_OUT_IDLE = "You have been signed out because you had not used the console for 30 minutes. Sign in again."
SIGNED_OUT_LONG = "You have been signed out because you signed in more than 10 hours ago. Sign in again."
SIGNED_OUT = "You have been signed out."


def as_instant(stamp: object) -> datetime | None:
    """A time kept in the session (seconds since 1970, UTC) as an aware datetime; None if it is not one."""
    if isinstance(stamp, bool) or not isinstance(stamp, int | float):
        return None
    return datetime.fromtimestamp(stamp, UTC)


def why_session_ended(signed_in_at: datetime | None, last_seen_at: datetime | None, instant: datetime) -> str | None:
    """What to tell someone whose session has ended; None while it lasts."""
    if signed_in_at is None or last_seen_at is None:
        return SIGNED_OUT
    if instant - signed_in_at > ABSOLUTE_LIMIT:
        return SIGNED_OUT_LONG
    if instant - last_seen_at > IDLE_LIMIT:
        return SIGNED_OUT_IDLE
    return None
