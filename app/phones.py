"""Phone numbers: parsed with phonenumbers (default region GB), stored in E.164."""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import NumberParseException, PhoneMetadata, PhoneNumberType

TEXTABLE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
# What Twilio sends in `From` when the caller withheld their number.
WITHHELD = {"anonymous", "+266696687", "+7378742833", "+2562533", "+86282452253", "restricted", "private", "unknown"}
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


def _uk_patterns() -> str:
    """phonenumbers' own national-number patterns for UK mobiles and landlines, as one alternation."""
    uk = PhoneMetadata.metadata_for_region("GB")
    assert uk is not None and uk.mobile is not None and uk.fixed_line is not None
    return f"{uk.mobile.national_number_pattern}|{uk.fixed_line.national_number_pattern}"


# A UK mobile or landline number in E.164 (not the Channel Islands' or the Isle of Man's, which share +44):
# valid, and stored as it is. Parsing and validating it costs 40 µs here, a twentieth of a new call's
# webhook; any other number (another country or type, spaces, a leading 0) is parsed in full.
_CANONICAL_UK = re.compile(rf"\+44(?:{_uk_patterns()})", re.ASCII)


def to_e164(raw: str | None, region: str = "GB") -> str | None:
    """The E.164 form of a valid number, or None for anything unparseable or invalid.

    Short codes, alphanumeric sender ids and Twilio's "anonymous"/"+266696687"
    withheld-number placeholders all come back as None.
    """
    if not raw:
        return None
    if _CANONICAL_UK.fullmatch(raw):  # the commonest number there is, and already what we would store
        return raw
    try:
        number = phonenumbers.parse(raw.strip(), region)
    except NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def sender_number(raw: str | None) -> str | None:
    """The number a call or text came from, as Twilio gave it: never thrown away if it can be rung back.

    Twilio sends E.164 for every phone call and text, including numbers the
    numbering-plan data does not know yet (a new range, Ofcom's drama range):
    those are kept as sent (see `is_recognised`). Only withheld numbers, short
    codes and alphanumeric sender ids give None: a sender id is never parsed, because phonenumbers reads
    letters as keypad digits ("0800FLOWERS" would become a stranger's number).
    """
    cleaned = (raw or "").strip()
    if cleaned.lower() in WITHHELD or not E164.match(cleaned):
        return None
    return to_e164(cleaned) or cleaned


UK_NATIONAL = re.compile(r"0[1-9][0-9]{9}")


def typed_number(raw: str | None) -> str | None:
    """A number as a member of staff types it, in any UK format, in E.164; None if it cannot be a number.

    Numbers the numbering-plan data does not know (a new range, Ofcom's drama range) are still read,
    so a number Twilio sent us can always be searched for: 07700 900123 -> +447700900123.
    """
    if known := to_e164(raw):
        return known
    squeezed = re.sub(r"[\s().-]", "", raw or "")
    if UK_NATIONAL.fullmatch(squeezed):
        return "+44" + squeezed[1:]
    if squeezed.startswith("0044"):
        squeezed = "+" + squeezed[2:]
    if squeezed.startswith("+440"):  # "+44 (0)7700 900123": the trunk 0 written as well as the country code
        squeezed = "+44" + squeezed[4:]
    return squeezed if E164.match(squeezed) else None


def callback_number(raw: str | None) -> str | None:
    """A valid UK number staff typed to call a resident back on, in E.164; None for anything else.

    Letters are never read as keypad digits: "0800 FLOWERS" is a typing slip, not a freephone number.
    """
    if re.search(r"[A-Za-z]", raw or ""):
        return None
    number = to_e164(raw)
    return number if number is not None and number.startswith("+44") else None


def is_recognised(e164: str | None) -> bool:
    """The numbering-plan data knows this number (False: kept as Twilio sent it, unverified)."""
    return e164 is not None and to_e164(e164) == e164


def uk_number_from_keypad(digits: str) -> str | None:
    """A callback number keyed on the phone: must be a valid GB number."""
    number = to_e164(digits, "GB")
    return number if number and number.startswith("+44") else None


def can_receive_texts(e164: str) -> bool:
    """Mobiles only: a text to a UK landline is read aloud to whoever answers."""
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        return False
    return phonenumbers.number_type(number) in TEXTABLE_TYPES


def shown_number(e164: str | None) -> str:
    """'+447911123456' -> '07911 123456' as staff dial it; numbers abroad in international format."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        return e164
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def spoken_digits(e164: str) -> str:
    """'+447911123456' -> '0, 7, 9, 1, 1, 1, 2, 3, 4, 5, 6': the number as the caller keyed it, digit by digit."""
    try:
        national = phonenumbers.format_number(phonenumbers.parse(e164, None), phonenumbers.PhoneNumberFormat.NATIONAL)
    except NumberParseException:
        national = e164
    return ", ".join(ch for ch in national if ch.isdigit())
