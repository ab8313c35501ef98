"""How many SMS parts a text is billed as: GSM-7 160/153 per part, UCS-2 70/67 per part."""

from __future__ import annotations

import pytest

from app.messaging.segments import count_segments, is_gsm7

URDU = "ش"  # Arabic script letter used in Urdu
POLISH = "ł"
EMOJI = "\U0001f600"  # outside the Basic Multilingual Plane: two UCS-2 units


@pytest.mark.parametrize("length, parts", [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)])
def test_plain_english_text_is_split_at_160_then_153_per_part(length: int, parts: int) -> None:
    assert count_segments("a" * length) == parts


def test_an_empty_text_still_costs_one_part() -> None:
    assert count_segments("") == 1


def test_pound_sign_and_accented_letters_stay_in_gsm7() -> None:
    text = "£5 café à Zürich"
    assert is_gsm7(text)
    assert count_segments(text + "a" * (160 - len(text))) == 1


@pytest.mark.parametrize("char", ["€", "[", "]", "{", "}", "~", "^", "|", "\\"])
def test_extended_gsm7_characters_take_two_places(char: str) -> None:
    assert is_gsm7(char)
    assert count_segments("a" * 158 + char) == 1
    assert count_segments("a" * 159 + char) == 2


def test_eighty_euro_signs_fill_exactly_one_part() -> None:
    assert count_segments("€" * 80) == 1
    assert count_segments("€" * 81) == 2


@pytest.mark.parametrize("char", [POLISH, URDU, "“", "\u2019"], ids=["polish", "urdu", "curly_quote", "apostrophe"])
def test_one_character_outside_gsm7_turns_the_whole_text_into_ucs2(char: str) -> None:
    assert not is_gsm7("a" * 50 + char)
    assert count_segments(char + "a" * 69) == 1
    assert count_segments(char + "a" * 70) == 2


@pytest.mark.parametrize("length, parts", [(70, 1), (71, 2), (134, 2), (135, 3)])
def test_ucs2_text_is_split_at_70_then_67_per_part(length: int, parts: int) -> None:
    assert count_segments(POLISH * length) == parts


def test_an_emoji_takes_two_ucs2_units() -> None:
    assert count_segments(EMOJI * 35) == 1
    assert count_segments(EMOJI * 36) == 2
    assert count_segments(EMOJI + "a" * 68) == 1
    assert count_segments(EMOJI + "a" * 69) == 2
