"""How many SMS parts a text is billed as: GSM-7 160/153 per part, UCS-2 70/67 per part."""

from __future__ import annotations

import pytest

from app.messaging.segments import count_segments, encoding, graphemes, gsm7_safe, is_gsm7

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


# -- counted as Twilio counts: nothing straddles two parts (these failed with ceil(units / 153 or 67)) ----------

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # four emoji joined: 11 UTF-16 units
THUMBS_UP_MEDIUM_SKIN = "\U0001f44d\U0001f3fd"
UNION_JACK = "\U0001f1ec\U0001f1e7"


def test_an_escape_pair_that_would_straddle_part_one_moves_whole_to_part_two() -> None:
    """306 septets, but '€' cannot start in the last free septet of part 1: three parts, not two."""
    text = "a" * 152 + "€" + "a" * 152
    assert count_segments(text) == 3
    assert count_segments("a" * 151 + "€" + "a" * 153) == 2, "the pair fits exactly at the end of part 1"


def test_an_emoji_that_would_straddle_a_ucs2_part_moves_whole_to_the_next() -> None:
    """134 UTF-16 units, but the surrogate pair cannot be split after the 66th: three parts, not two."""
    assert count_segments(POLISH * 66 + EMOJI + POLISH * 66) == 3
    assert count_segments(POLISH * 65 + EMOJI + POLISH * 67) == 2


def test_a_zwj_family_emoji_is_never_split_across_parts() -> None:
    assert count_segments(POLISH * 60 + FAMILY + POLISH * 63) == 3
    assert count_segments(POLISH * 56 + FAMILY + POLISH * 67) == 2


@pytest.mark.parametrize("emoji", [FAMILY, THUMBS_UP_MEDIUM_SKIN, UNION_JACK, "e\u0301"])
def test_an_emoji_sequence_or_accented_letter_is_one_grapheme(emoji: str) -> None:
    assert graphemes(f"a{emoji}{emoji}b") == ["a", emoji, emoji, "b"]


@pytest.mark.parametrize(("length", "parts"), [(160, 1), (161, 2)])
def test_gsm7_single_part_boundary(length: int, parts: int) -> None:
    assert count_segments("a" * length) == parts


@pytest.mark.parametrize(("length", "parts"), [(70, 1), (71, 2)])
def test_ucs2_single_part_boundary(length: int, parts: int) -> None:
    assert count_segments(POLISH + "a" * (length - 1)) == parts


def test_the_encoding_is_named_as_twilio_names_it() -> None:
    assert encoding("Your reference is HC-123456. €5") == "GSM-7"
    assert encoding("Siobhán") == "UCS-2"


# -- names made safe for GSM-7 ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("Siobhán Ní Bhriain", "Siobhan Ni Bhriain"),
        ("Małgorzata Wiśniewska-Kowalczyk", "Malgorzata Wisniewska-Kowalczyk"),
        ("Seán O\u2019Connor", "Sean O'Connor"),
        ("Łukasz Żółć", "Lukasz Zolc"),
        ("Đorđe Ðurić", "Dorde Duric"),
        ("Zoë Müller Ørsted Ñúñez Æbelø", "Zoe Müller Ørsted Ñuñez Æbelø"),
        ("Jean\u2011Luc  Lévêque\n", "Jean-Luc Léveque"),
        ("محمد", ""),
    ],
)
def test_a_name_is_transliterated_into_gsm7(name: str, safe: str) -> None:
    assert gsm7_safe(name) == safe
    assert is_gsm7(gsm7_safe(name))


def test_a_windows_line_break_is_one_character_and_every_other_gsm7_character_its_own():
    plain = "".join(sorted(set("@£$¥èéùìòÇ\nØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./09:;<=>?¡AZÄÖÑÜ§¿azäöñüà^{}\\[~]|€")))
    assert graphemes(plain) == list(plain)
    assert graphemes("Call us\r\nHC-123456") == ["C", "a", "l", "l", " ", "u", "s", "\r\n", *"HC-123456"]
