"""The text that tells a resident a copy of their action plan is posted or ready: discreet, two GSM-7 parts at most."""

from __future__ import annotations

import pytest

from app.messaging import templates
from app.messaging.segments import count_segments, is_gsm7
from tests.messaging.test_templates import LONGEST_REFERENCE, OFFICER_NAMES


@pytest.mark.parametrize("posted", [True, False], ids=["posted", "ready"])
@pytest.mark.parametrize("name", [*OFFICER_NAMES, None], ids=[f"name{n}" for n in range(len(OFFICER_NAMES) + 1)])
def test_the_action_plan_text_is_discreet_gsm7_within_two_parts(posted: bool, name: str | None) -> None:
    text = templates.action_plan_copy(LONGEST_REFERENCE, name, posted)
    assert is_gsm7(text) and count_segments(text) <= 2, text
    assert "hate" not in text.lower() and "crime" not in text.lower()
    assert LONGEST_REFERENCE in text and "0121 464 7269" in text and "If you are in danger, call 999." in text


def test_it_says_posted_only_when_the_copy_went_by_post() -> None:
    assert "has been posted to you" in templates.action_plan_copy("HC-482913", "Asha Patel", posted=True)
    ready = templates.action_plan_copy("HC-482913", "Asha Patel", posted=False)
    assert "is ready. Your officer Asha Patel can give it to you" in ready and "posted" not in ready
