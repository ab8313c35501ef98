"""Letters to residents (the closure letter, a copy of the action plan) as PDF, from Jinja templates.

Letters are rendered by WeasyPrint with Noto Sans first in the font list, so a resident's name in Urdu,
Bengali, Punjabi (Gurmukhi), Polish or Arabic prints in its own script, right to left where it should
(`.ci/run` installs Debian's fonts-noto-core). The templates live beside this module and know nothing of
Flask: the console and the API both call `render_letter`.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from app.calendar import LONDON
from app.casework.models import Case

TEMPLATES = Path(__file__).parent / "letter_templates"
COUNCIL = "Birmingham City Council"
COUNCIL_ADDRESS = ("Anti-Social Behaviour Team", "PO Box 16541", "Birmingham", "B2 2DB")
LINE = "0121 464 7269"

_environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
)


def long_date(day: date) -> str:
    """'30 November 2026'."""
    return f"{day.day} {day:%B %Y}"


def letter_date(instant: datetime) -> str:
    """'30 November 2026', in London."""
    return long_date(instant.astimezone(LONDON).date())


_environment.filters["letter_date"] = letter_date


def addressed_to(case: Case) -> dict[str, Any]:
    """What every letter about `case` carries: its reference, the resident's name and address, the officer."""
    return {
        "reference": case.reference,
        "resident_name": case.resident_name,
        "postal_address": case.postal_address,
        "officer_name": case.officer.name if case.officer else None,
    }


def letter_html(template: str, **context: Any) -> str:
    """The letter as HTML (also what tests and previews read)."""
    return _environment.get_template(template).render(
        council=COUNCIL, council_address=COUNCIL_ADDRESS, line=LINE, **context
    )


def render_letter(template: str, **context: Any) -> bytes:
    """The letter as a PDF. WeasyPrint is imported here: it is slow to import and only letters need it."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=letter_html(template, **context), base_url=str(TEMPLATES)).write_pdf()
    return pdf
