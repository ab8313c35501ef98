"""What a resident reported, from any channel (no Flask, no database)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Report:
    """What a resident told us, from any channel; None means not answered."""

    kind: str
    channel: str
    caller_phone: str | None
    callback_phone: str | None = None
    strands: list[str] = field(default_factory=list)
    risk_answers: dict[str, bool | None] = field(default_factory=dict)
    needs_adjustment: bool | None = None
    safe_to_text: bool | None = None
    visit_requested: bool | None = None
    referral_consent: bool | None = None
    graffiti_offensive: bool | None = None
    incomplete_call: bool = False
    call_sid: str | None = None
    description: str | None = None
    location: str | None = None
    occurred: str | None = None
    adjustments: str | None = None  # the interpreter or other adjustment needed, in staff's words
    # A report taken in the console: the member of staff, and how it reached them (phone, walk_in, email, letter).
    taken_by_id: int | None = None
    taken_how: str | None = None
    # Phone and web reports get a confirmation text; a text conversation's last reply is the confirmation.
    confirm_by_text: bool = True
