"""The texts we send: discreet, cheap (two GSM-7 parts at most) and always with the 999 advice."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from app.messaging import templates
from app.messaging.segments import count_segments, is_gsm7
from app.messaging.templates import name_in_text, report_confirmation

LONDON = ZoneInfo("Europe/London")
REFERENCE = "HC-482913"
# Wednesday and September are the longest day and month names; 12:30pm is the longest time.
LONGEST_DEADLINES = [
    datetime(2026, 9, 30, 17, tzinfo=LONDON),
    datetime(2026, 9, 30, 12, 30, tzinfo=LONDON),
]


@pytest.fixture(params=LONGEST_DEADLINES, ids=["5pm", "12:30pm"])
def confirmation(request: pytest.FixtureRequest) -> str:
    return report_confirmation(REFERENCE, request.param)


def test_confirmation_fits_in_two_gsm7_parts_for_the_longest_date(confirmation: str) -> None:
    assert is_gsm7(confirmation)
    assert count_segments(confirmation) <= 2


def test_confirmation_gives_the_reference_and_when_the_officer_will_call() -> None:
    text = report_confirmation(REFERENCE, datetime(2026, 11, 30, 17, tzinfo=LONDON))
    assert REFERENCE in text
    assert "5pm on Monday 30 November" in text


def test_confirmation_tells_the_resident_to_call_999_in_danger(confirmation: str) -> None:
    assert "call 999" in confirmation


def test_confirmation_never_says_hate_crime(confirmation: str) -> None:
    """Someone else in the household may read the text."""
    assert "hate crime" not in confirmation.lower()


@pytest.mark.parametrize("channel", ["phone", "web"])
@pytest.mark.parametrize("kind", ["hate_crime", "graffiti"])
def test_every_confirmation_variant_is_discreet_and_fits_two_parts(channel: str, kind: str) -> None:
    text = report_confirmation(REFERENCE, LONGEST_DEADLINES[1], channel, kind)
    assert is_gsm7(text) and count_segments(text) <= 2
    assert "hate" not in text.lower()
    assert ("call" in text) == (channel == "phone" or kind == "hate_crime")


def test_a_website_report_is_not_thanked_for_a_call() -> None:
    assert "your call" not in report_confirmation(REFERENCE, LONGEST_DEADLINES[0], "web")


# -- every wording with the longest realistic values --------------------------------------------------------

LONGEST_REFERENCE = "HC-999999"
OFFICER_NAMES = [
    "Małgorzata Wiśniewska-Kowalczyk",
    "Siobhán Ní Bhriain",
    "Seán O\u2019Connor",
    "Aoife Siobhán Máire Ní Chonchobhair-O\u2019Sullivan",
    "Bartholomew-Maximilian Featherstonehaugh-Cholmondeley",
    "محمد علي",
    "x" * 200,
    "{[~]}" * 40,
]
RISK_LEVELS = ["standard", "medium", "high"]


def every_text() -> dict[str, str]:
    """Each template with each longest value it can carry, by a label for the test id."""
    texts = {
        "graffiti_removed": templates.graffiti_removed(LONGEST_REFERENCE),
        "survey_thanks": templates.survey_thanks(),
    }
    for due in LONGEST_DEADLINES:
        at = f"{due:%H%M}"
        for channel in [*templates.THANKS, "sms"]:
            for kind in ["hate_crime", "graffiti"]:
                texts[f"confirmation-{channel}-{kind}-{at}"] = report_confirmation(
                    LONGEST_REFERENCE, due, channel, kind
                )
        texts[f"high_risk_alert-{at}"] = templates.high_risk_alert(LONGEST_REFERENCE, due)
        for kind in templates.TASK_NAMES:
            for risk in RISK_LEVELS:
                texts[f"new_task-{kind}-{risk}-{at}"] = templates.new_task(LONGEST_REFERENCE, kind, due, risk)
            texts[f"task_reminder-{kind}-{at}"] = templates.task_reminder(LONGEST_REFERENCE, kind, due)
            for number, name in enumerate(OFFICER_NAMES):
                texts[f"task_overdue-{kind}-name{number}-{at}"] = templates.task_overdue(
                    LONGEST_REFERENCE, kind, due, name
                )
        for number, name in enumerate([*OFFICER_NAMES, None]):
            texts[f"review_overdue-name{number}-{at}"] = templates.review_overdue(LONGEST_REFERENCE, due, name)
    for number, name in enumerate([*OFFICER_NAMES, None]):
        texts[f"progress_update-name{number}"] = templates.progress_update(LONGEST_REFERENCE, name)
    for number, name in enumerate(OFFICER_NAMES):
        for changed in (False, True):
            texts[f"officer_named-name{number}-{changed}"] = templates.officer_named(LONGEST_REFERENCE, name, changed)
    return texts


@pytest.mark.parametrize("label", every_text())
def test_every_text_is_gsm7_within_two_parts_with_the_longest_values(label: str) -> None:
    text = every_text()[label]
    assert is_gsm7(text), text
    assert count_segments(text) <= 2, text


@pytest.mark.parametrize(
    ("name", "in_text"),
    [
        ("Małgorzata Wiśniewska-Kowalczyk", "Malgorzata Wisniewska-Kowalczyk"),
        ("Siobhán Ní Bhriain", "Siobhan Ni Bhriain"),
        ("Seán O\u2019Connor", "Sean O'Connor"),
        ("Aoife Siobhán Máire Ní Chonchobhair-O\u2019Sullivan", "Aoife Chonchobhair-O'Sullivan"),
        ("x" * 200, "x" * 40),
        ("محمد علي", ""),
    ],
)
def test_an_officer_name_is_put_into_gsm7_and_shortened_for_a_text(name: str, in_text: str) -> None:
    assert name_in_text(name) == in_text


def test_the_progress_update_names_the_officer_as_a_phone_can_show_it() -> None:
    text = templates.progress_update(REFERENCE, "Siobhán O\u2019Connor")
    assert "Your officer Siobhan O'Connor is working on it" in text


def test_an_officer_name_with_no_gsm7_letters_gives_the_wording_without_a_name() -> None:
    assert "An officer is working on it" in templates.progress_update(REFERENCE, "محمد علي")


def test_an_overdue_task_names_the_assignee_in_gsm7() -> None:
    text = templates.task_overdue(REFERENCE, "progress_call", LONGEST_DEADLINES[0], "Małgorzata Wiśniewska")
    assert "(Malgorzata Wisniewska)" in text


@pytest.mark.parametrize("changed", [False, True])
@pytest.mark.parametrize("name", OFFICER_NAMES)
def test_the_officers_name_text_is_discreet_and_says_how_to_reach_them(name: str, changed: bool) -> None:
    text = templates.officer_named(LONGEST_REFERENCE, name, changed)
    assert "hate" not in text.lower() and "crime" not in text.lower()
    assert f"call 0121 464 7269 and quote {LONGEST_REFERENCE}" in text and "If you are in danger, call 999." in text


def test_the_officers_name_text_names_them_as_a_phone_can_show_it() -> None:
    assert "Sean O'Connor is now your officer for HC-482913" in templates.officer_named(
        "HC-482913", "Seán O\u2019Connor", True
    )
    assert "An officer is looking after HC-482913" in templates.officer_named("HC-482913", "محمد علي")
