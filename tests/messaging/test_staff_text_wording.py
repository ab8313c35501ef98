"""The texts staff choose on the case page: fixed wording, discreet, two GSM-7 parts at most, with the 999 advice."""

from __future__ import annotations

import pytest

from app.messaging import templates
from app.messaging.segments import count_segments, is_gsm7
from tests.messaging.test_templates import LONGEST_REFERENCE, OFFICER_NAMES


@pytest.mark.parametrize("choice", list(templates.STAFF_TEXTS))
@pytest.mark.parametrize("name", [*OFFICER_NAMES, None], ids=[f"name{n}" for n in range(len(OFFICER_NAMES) + 1)])
def test_every_staff_text_is_discreet_gsm7_within_two_parts(choice: str, name: str | None) -> None:
    text = templates.staff_text(choice, LONGEST_REFERENCE, name)
    assert is_gsm7(text) and count_segments(text) <= 2, text
    assert "hate" not in text.lower() and "crime" not in text.lower()
    assert LONGEST_REFERENCE in text and "0121 464 7269" in text and "If you are in danger, call 999." in text


def test_a_staff_text_names_the_officer_as_a_phone_can_show_it() -> None:
    text = templates.staff_text("please_call", "HC-482913", "Seán O\u2019Connor")
    assert "your officer Sean O'Connor would like to talk to you about HC-482913" in text


def test_without_an_officer_the_text_says_an_officer() -> None:
    assert "an officer would like to meet you" in templates.staff_text("offer_visit", "HC-482913", None)


def test_there_is_no_text_outside_the_list() -> None:
    with pytest.raises(ValueError, match="no staff text"):
        templates.staff_text("anything I like", "HC-482913", None)
