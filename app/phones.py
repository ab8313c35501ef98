"""Phone numbers: parsed with phonenumbers (default region GB), stored in E.164."""

from __future__ import annotations

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

TEXTABLE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


def to_e164(raw: str | None, region: str = "GB") -> str | None:
    """The E.164 form of a valid number, or None for anything unparseable or invalid.

    Short codes, alphanumeric sender ids and Twilio's "anonymous"/"+266696687"
    withheld-number placeholders all come back as None.
    """
    if not raw:
        return None
    try:
        number = phonenumbers.parse(raw.strip(), region)
    except NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def uk_number_from_keypad(digits: str) -> str | None:
    """A callback number keyed on the phone: must be a valid GB number."""
    number = to_e164(digits, "GB")
    return number if number and number.startswith("+44") else None


def can_receive_texts(e164: str) -> bool:
    """Mobiles only: a text to a UK landline is read aloud to whoever answers."""
    number = phonenumbers.parse(e164, None)
    return phonenumbers.number_type(number) in TEXTABLE_TYPES
