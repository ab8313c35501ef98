"""Every text we send, worded discreetly.

A text may be read by someone else in the household: none names "hate
crime" or repeats what the resident reported. Each stays within two GSM-7
segments (tested).
"""

from __future__ import annotations

from datetime import datetime

from app.calendar import spoken_day_and_time

SENDER = "Birmingham City Council"


def report_confirmation(reference: str, callback_due: datetime) -> str:
    return (
        f"{SENDER}: thank you for your call today. Your reference is {reference}. "
        f"An officer will phone you by {spoken_day_and_time(callback_due)}. "
        "If you are in danger, call 999."
    )
