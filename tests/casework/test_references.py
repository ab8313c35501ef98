"""Case references: HC- and six random digits, keyed on the phone and read out one character at a time."""

from __future__ import annotations

import re

import pytest

from app.casework.references import digits_of, format_reference, random_digits, spoken_reference


def test_a_hate_crime_reference_looks_like_hc_and_six_digits() -> None:
    assert re.fullmatch(r"HC-\d{6}", format_reference("hate_crime", random_digits()))


def test_graffiti_and_enquiry_references_have_their_own_prefix() -> None:
    assert format_reference("graffiti", "123456") == "GR-123456"
    assert format_reference("enquiry", "123456") == "EN-123456"


def test_reference_digits_never_start_with_zero() -> None:
    """So a reference read back or keyed in never loses a leading zero."""
    assert all(re.fullmatch(r"[1-9]\d{5}", random_digits()) for _ in range(500))


def test_references_are_random_not_sequential() -> None:
    """Knowing one reference must not tell anyone the next: 200 draws are almost all different and well spread."""
    numbers = [int(random_digits()) for _ in range(200)]
    assert len(set(numbers)) >= 195
    steps = [b - a for a, b in zip(numbers, numbers[1:], strict=False)]
    assert sum(1 for step in steps if abs(step) <= 10) <= 2
    assert numbers != sorted(numbers)
    assert max(numbers) - min(numbers) > 500_000


@pytest.mark.parametrize("typed", ["HC-123456", "hc-123456", "HC 123456", "123456", " 123 456 "])
def test_reference_is_recognised_however_it_is_typed(typed: str) -> None:
    assert digits_of(typed) == "123456"


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "HC-12345", "HC-1234567", "HC-", "hello"])
def test_anything_but_six_digits_is_not_a_reference(typed: str) -> None:
    assert digits_of(typed) == ""


def test_reference_is_spoken_one_character_at_a_time() -> None:
    assert spoken_reference("HC-482913") == "H, C, 4, 8, 2, 9, 1, 3"
