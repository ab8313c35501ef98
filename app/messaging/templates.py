"""Every text we send from code, worded discreetly.

A text may be read by someone else in the household: none names "hate
crime" or repeats what the resident reported. Each stays within two GSM-7
segments (tested). The replies of a text conversation live with the
conversation in ivr_flows/texts/.
"""

from __future__ import annotations

from datetime import datetime

from app.calendar import spoken_day_and_time

SENDER = "Birmingham City Council"
THANKS = {
    "phone": "thank you for your call today",
    "web": "thank you for your report",
    "staff": "thank you for talking to us",
}


def report_confirmation(
    reference: str, callback_due: datetime, channel: str = "phone", kind: str = "hate_crime"
) -> str:
    """Sent after a report by phone or on the website, when the resident said texts are safe."""
    thanks = THANKS.get(channel, THANKS["web"])
    if kind == "graffiti":
        return (
            f"{SENDER}: {thanks}. Your reference is {reference}. "
            f"We aim to remove the graffiti by {spoken_day_and_time(callback_due)}."
        )
    return (
        f"{SENDER}: {thanks}. Your reference is {reference}. "
        f"An officer will phone you by {spoken_day_and_time(callback_due)}. "
        "If you are in danger, call 999."
    )
