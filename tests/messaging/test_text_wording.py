"""Every text the conversation can send: discreet and within two GSM-7 parts."""

from __future__ import annotations

import pytest

from app.messaging.segments import count_segments, is_gsm7
from ivr_flows import text_flows

LONGEST = {
    "reference": "HC-123456",
    "deadline": "12:30pm on Wednesday 30 September",
    "status": "open",
    "officer": "",
    "next_contact": "An officer will call you by 12:30pm on Wednesday 30 September.",
    "allowed": "Please reply with a number from 1 to 6.",
    "cases": "HC-123456 is open. An officer will call you by 12:30pm on Wednesday 30 September.",
}

WORDINGS = [(f"message {name}", name) for name in text_flows().messages] + [
    (f"question {address}", address) for address, step in text_flows().steps.items() if step.prompt
]


@pytest.mark.parametrize(("label", "key"), WORDINGS, ids=[label for label, _ in WORDINGS])
def test_text_is_gsm7_within_two_parts_and_never_says_hate_crime(label: str, key: str) -> None:
    flows = text_flows()
    if label.startswith("message"):
        text = flows.message(key, **LONGEST)
    else:
        step = flows.step(key)
        text = f"{flows.message('not_understood', allowed=LONGEST['allowed'])} {step.prompt}"
    assert is_gsm7(text), text
    assert count_segments(text) <= 2, text
    assert "hate crime" not in text.lower()
