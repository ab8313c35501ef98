"""Long lists a page at a time (50 rows): the rows of one page and whether another follows (no Flask)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

PER_PAGE = 50
LAST_PAGE = 100_000  # no list is this long; a larger number is a typing mistake or a tampered address

Row = TypeVar("Row")


@dataclass(frozen=True)
class Page(Generic[Row]):
    rows: list[Row]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def window(number: int, per_page: int = PER_PAGE) -> tuple[int, int]:
    """(limit, offset) for page `number` (from 1): one row more than a page, to tell whether another follows."""
    return per_page + 1, (number - 1) * per_page


def page_of(fetched: Sequence[Row], number: int, per_page: int = PER_PAGE) -> Page[Row]:
    """The page from the rows `window` fetched."""
    return Page(list(fetched[:per_page]), number, len(fetched) > per_page)


def page_number(text: str | None) -> int | None:
    """'3' -> 3; no page given -> 1; anything that is not a page number -> None."""
    if text is None:
        return 1
    if not text.isdigit() or not text.isascii() or len(text) > len(str(LAST_PAGE)):
        return None
    number = int(text)
    return number if 1 <= number <= LAST_PAGE else None
