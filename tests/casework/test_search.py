"""Reading what a member of staff typed into the console's search: a reference, a phone number or a postcode."""

from __future__ import annotations

import pytest

from app.casework.search import SearchTerm, read_search
from app.phones import shown_number, typed_number


@pytest.mark.parametrize(
    ("words", "term"),
    [
        ("HC-482913", SearchTerm("reference", "482913")),
        ("gr 482913", SearchTerm("reference", "482913")),
        (" en482913 ", SearchTerm("reference", "482913")),
        ("482913", SearchTerm("reference", "482913")),  # the digits as a caller keys them
        ("07911 123456", SearchTerm("phone", "+447911123456")),
        ("+44 (0)7911 123456", SearchTerm("phone", "+447911123456")),
        ("0044 7911 123456", SearchTerm("phone", "+447911123456")),
        ("0121 464 7269", SearchTerm("phone", "+441214647269")),
        ("07700 900123", SearchTerm("phone", "+447700900123")),  # Ofcom's drama range: unknown to the data, still read
        ("+44 (0)7700 900123", SearchTerm("phone", "+447700900123")),
        ("+44 07700 900123", SearchTerm("phone", "+447700900123")),
        ("0044 (0) 7700 900123", SearchTerm("phone", "+447700900123")),
        ("B10 0AA", SearchTerm("postcode", "B10", "B100AA")),
        ("b100aa", SearchTerm("postcode", "B10", "B100AA")),
        ("B1 0AA", SearchTerm("postcode", "B1", "B10AA")),
        ("b10", SearchTerm("postcode", "B10")),
        ("WS10 8AB", SearchTerm("postcode", "WS10", "WS108AB")),
    ],
)
def test_what_was_typed_is_read_as_a_reference_a_number_or_a_postcode(words, term):
    assert read_search(words) == term


@pytest.mark.parametrize("words", ["", "   ", "12345", "HC-12345", "Coventry Road", "999", "B10 0AA extra", "x" * 101])
def test_anything_else_is_not_a_search(words):
    assert read_search(words) is None


def test_numbers_are_shown_as_staff_dial_them():
    assert shown_number("+447911123456") == "07911 123456"
    assert shown_number("+441214647269") == "0121 464 7269"
    assert shown_number(None) == ""
    assert typed_number("not a number") is None
