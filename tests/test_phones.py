"""Phone numbers as callers give them, stored in E.164; withheld numbers and senders we cannot call back are refused."""

from __future__ import annotations

import phonenumbers
import pytest

from app.phones import can_receive_texts, to_e164, uk_number_from_keypad

BIRMINGHAM_LANDLINE = "+441214647269"
UK_MOBILE = "+447911123456"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("0121 464 7269", BIRMINGHAM_LANDLINE),
        ("01214647269", BIRMINGHAM_LANDLINE),
        ("(0121) 464-7269", BIRMINGHAM_LANDLINE),
        ("+44 121 464 7269", BIRMINGHAM_LANDLINE),
        ("+44 (0)121 464 7269", BIRMINGHAM_LANDLINE),
        ("0044 121 464 7269", BIRMINGHAM_LANDLINE),
        ("07911 123456", UK_MOBILE),
        ("+447911123456", UK_MOBILE),
        ("  07911123456  ", UK_MOBILE),
    ],
)
def test_uk_numbers_in_national_and_international_formats_are_stored_in_e164(raw: str, expected: str) -> None:
    assert to_e164(raw) == expected


def test_an_overseas_number_in_international_format_is_kept_with_its_country_code() -> None:
    assert to_e164("+353 85 123 4567") == "+353851234567"


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "anonymous",
        "Anonymous",
        "+266696687",  # Twilio's placeholder for a withheld number
        "88020",  # a short code
        "BCC",  # an alphanumeric sender id
        "BhamCouncil",
        "07911 12345",  # a digit short
        "079111234567",  # a digit too many
    ],
)
def test_numbers_we_cannot_call_back_are_refused(raw: str | None) -> None:
    assert to_e164(raw) is None


@pytest.mark.parametrize("keyed", ["07911123456", "01214647269", "00447911123456"])
def test_a_uk_callback_number_keyed_on_the_phone_is_accepted(keyed: str) -> None:
    assert uk_number_from_keypad(keyed) in {UK_MOBILE, BIRMINGHAM_LANDLINE}


@pytest.mark.parametrize("keyed", ["0035312345678", "0012025550143", "12025550143"])
def test_an_overseas_callback_number_keyed_on_the_phone_is_refused(keyed: str) -> None:
    assert uk_number_from_keypad(keyed) is None


@pytest.mark.parametrize("keyed", ["", "999", "0121464", "88020"])
def test_a_callback_number_that_is_not_a_whole_phone_number_is_refused(keyed: str) -> None:
    assert uk_number_from_keypad(keyed) is None


def test_a_uk_mobile_can_receive_texts() -> None:
    assert can_receive_texts(UK_MOBILE)


def test_a_birmingham_landline_cannot_receive_texts() -> None:
    """A text to a landline is read aloud to whoever answers, so we never send one."""
    assert not can_receive_texts(BIRMINGHAM_LANDLINE)


def test_every_kind_of_plus_44_number_is_judged_as_phonenumbers_judges_it() -> None:
    """UK mobiles and landlines skip parsing: the answer must still be phonenumbers' own, valid or not.

    Every three-digit start of a national number, at nine, ten and eleven digits, with several endings:
    UK numbers of every type, the Channel Islands' and the Isle of Man's, and ranges no one uses.
    """
    checked = 0
    for start in range(100, 1000):
        for length in (9, 10, 11):
            for ending in ("0000000", "1234567", "5550123", "9876543", "9999999"):
                raw = f"+44{start}{ending}"[: 3 + length]
                number = phonenumbers.parse(raw)
                expected = (
                    phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
                    if phonenumbers.is_valid_number(number)
                    else None
                )
                assert to_e164(raw) == expected, raw
                checked += 1
    assert checked == 900 * 3 * 5
