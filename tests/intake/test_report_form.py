"""Reports from the council's website form and the BRUM Account, checked before anything is stored."""

from __future__ import annotations

from typing import Any

import pytest

from app.intake.report_form import InvalidReport, parse_web_report

MOBILE = "+447911123456"
LANDLINE = "+441214960000"


def hate_crime(**fields: Any) -> dict[str, Any]:
    """The smallest valid hate crime report, with `fields` changed or added."""
    return {"caller_phone": MOBILE, "description": "Shouted at outside the shop.", **fields}


def graffiti(**fields: Any) -> dict[str, Any]:
    """The smallest valid graffiti report, with `fields` changed or added."""
    return {"kind": "graffiti", "caller_phone": MOBILE, "location": "Bus shelter, Soho Road", **fields}


def errors_for(payload: object) -> dict[str, str]:
    with pytest.raises(InvalidReport) as raised:
        parse_web_report(payload)
    return raised.value.errors


def test_smallest_report_is_a_web_hate_crime_with_nothing_else_answered() -> None:
    report = parse_web_report(hate_crime())
    assert report.kind == "hate_crime" and report.channel == "web" and report.caller_phone == MOBILE
    assert report.callback_phone is None and report.strands == []
    assert report.description == "Shouted at outside the shop."
    assert report.risk_answers == {
        "danger_now": None,
        "happened_before": None,
        "unsafe_at_home": None,
        "support_needs": None,
    }
    assert report.needs_adjustment is None and report.safe_to_text is None and report.graffiti_offensive is None
    assert report.location is None and report.occurred is None and report.call_sid is None


def test_every_answer_lands_where_the_phone_line_puts_it() -> None:
    report = parse_web_report(
        hate_crime(
            kind="hate_crime",
            callback_phone="0121 496 0000",
            strands=["race", "religion"],
            danger_now=False,
            happened_before=True,
            unsafe_at_home=None,
            support_needs=True,
            needs_adjustment=True,
            safe_to_text=True,
            visit_requested=False,
            referral_consent=True,
            location="Soho Road",
            occurred="Tuesday evening",
        )
    )
    assert report.callback_phone == LANDLINE and report.strands == ["race", "religion"]
    assert report.risk_answers == {
        "danger_now": False,
        "happened_before": True,
        "unsafe_at_home": None,
        "support_needs": True,
    }
    assert report.needs_adjustment is True and "needs_adjustment" not in report.risk_answers
    assert (report.safe_to_text, report.visit_requested, report.referral_consent) == (True, False, True)
    assert (report.location, report.occurred) == ("Soho Road", "Tuesday evening")


@pytest.mark.parametrize(
    "number", ["07911 123456", "07911123456", "+44 7911 123456", "447911123456 ", "(07911) 123-456"]
)
def test_caller_phone_in_any_uk_format_is_stored_in_e164(number: str) -> None:
    assert parse_web_report(hate_crime(caller_phone=number)).caller_phone == MOBILE


def test_surrounding_whitespace_is_stripped_from_every_string() -> None:
    report = parse_web_report(
        hate_crime(kind=" hate_crime ", description="  Abuse on the bus.\n", strands=[" race "], occurred=" today ")
    )
    assert (report.kind, report.description, report.strands, report.occurred) == (
        "hate_crime",
        "Abuse on the bus.",
        ["race"],
        "today",
    )


def test_a_graffiti_report_needs_a_location_but_no_description() -> None:
    report = parse_web_report(graffiti(graffiti_offensive=True))
    assert report.kind == "graffiti" and report.location == "Bus shelter, Soho Road"
    assert report.graffiti_offensive is True and report.description is None and report.strands == []


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"caller_phone": None}, "caller_phone", "is required"),
        ({"caller_phone": "  "}, "caller_phone", "is required"),
        ({"caller_phone": "not a number"}, "caller_phone", "must be a valid phone number"),
        ({"caller_phone": "07700 900123"}, "caller_phone", "must be a valid phone number"),
        ({"caller_phone": 447911123456}, "caller_phone", "must be a phone number, as a string"),
        ({"callback_phone": "12345"}, "callback_phone", "must be a valid phone number"),
        ({"kind": "enquiry"}, "kind", 'must be "hate_crime" or "graffiti"'),
        ({"kind": ["graffiti"]}, "kind", 'must be "hate_crime" or "graffiti"'),
        ({"description": None}, "description", "is required"),
        ({"description": " \n "}, "description", "is required"),
        ({"description": 42}, "description", "must be a string"),
        ({"description": "x" * 5001}, "description", "must be at most 5000 characters"),
        ({"location": "x" * 501}, "location", "must be at most 500 characters"),
        ({"occurred": "x" * 201}, "occurred", "must be at most 200 characters"),
        ({"strands": "race"}, "strands", "must be a list of: race, religion, sexual_orientation, disability,"),
        ({"strands": ["race", "weather"]}, "strands", "must be a list of:"),
        ({"strands": [1]}, "strands", "must be a list of:"),
        ({"strands": ["race", "race"]}, "strands", "must not list a strand twice"),
        ({"graffiti_offensive": False}, "graffiti_offensive", "is only for graffiti reports"),
        ({"channel": "sms"}, "channel", "must be"),
        ({"danger_nwo": True}, "danger_nwo", "unknown field"),
    ],
)
def test_each_rule_names_the_field_it_is_about(fields: dict[str, Any], field: str, message: str) -> None:
    errors = errors_for(hate_crime(**fields))
    assert list(errors) == [field] and errors[field].startswith(message)


@pytest.mark.parametrize(
    "field", ["danger_now", "happened_before", "unsafe_at_home", "support_needs", "needs_adjustment", "safe_to_text"]
)
@pytest.mark.parametrize("value", ["yes", "true", 1, 0, [], {}])
def test_yes_no_answers_must_be_json_booleans(field: str, value: Any) -> None:
    assert errors_for(hate_crime(**{field: value})) == {field: "must be true, false or null"}


@pytest.mark.parametrize("field", ["visit_requested", "referral_consent"])
def test_visit_and_referral_answers_must_be_json_booleans(field: str) -> None:
    assert errors_for(hate_crime(**{field: "no"})) == {field: "must be true, false or null"}
    assert getattr(parse_web_report(hate_crime(**{field: False})), field) is False


def test_the_longest_texts_allowed_are_accepted() -> None:
    report = parse_web_report(hate_crime(description="d" * 5000, location="l" * 500, occurred="o" * 200))
    assert (len(report.description or ""), len(report.location or ""), len(report.occurred or "")) == (5000, 500, 200)


def test_graffiti_rules() -> None:
    """A location is required; strands are not asked; offensive must be a boolean."""
    errors = errors_for(graffiti(location=None, strands=["race"], graffiti_offensive="yes"))
    assert errors == {
        "location": "is required",
        "strands": "is only for hate_crime reports",
        "graffiti_offensive": "must be true, false or null",
    }


def test_empty_or_null_strands_and_null_graffiti_answer_are_fine_for_the_other_kind() -> None:
    assert parse_web_report(graffiti(strands=[])).strands == []
    assert parse_web_report(hate_crime(strands=None, graffiti_offensive=None)).graffiti_offensive is None


def test_blank_optional_fields_count_as_not_given() -> None:
    report = parse_web_report(hate_crime(callback_phone="", location=" ", occurred=""))
    assert (report.callback_phone, report.location, report.occurred) == (None, None, None)


def test_every_bad_field_is_reported_at_once() -> None:
    errors = errors_for(
        {
            "caller_phone": "0121",
            "callback_phone": "nope",
            "strands": ["race", "race"],
            "danger_now": "yes",
            "needs_adjustment": 1,
            "description": "",
            "occurred": "x" * 201,
            "safe_to_txt": True,
        }
    )
    assert errors == {
        "safe_to_txt": "unknown field",
        "caller_phone": "must be a valid phone number",
        "callback_phone": "must be a valid phone number",
        "strands": "must not list a strand twice",
        "danger_now": "must be true, false or null",
        "needs_adjustment": "must be true, false or null",
        "description": "is required",
        "occurred": "must be at most 200 characters",
    }


def test_an_unknown_kind_is_reported_without_guessing_which_fields_it_needs() -> None:
    errors = errors_for({"kind": "vandalism", "caller_phone": MOBILE, "strands": ["race"], "graffiti_offensive": True})
    assert errors == {"kind": 'must be "hate_crime" or "graffiti"'}


@pytest.mark.parametrize("payload", [None, [], ["caller_phone"], "caller_phone=07911123456", 42, True])
def test_anything_but_a_json_object_is_one_payload_error(payload: object) -> None:
    assert errors_for(payload) == {"_payload": "must be a JSON object"}


def test_an_empty_object_asks_for_the_required_fields() -> None:
    assert errors_for({}) == {"caller_phone": "is required", "description": "is required"}


def test_the_error_text_names_fields_but_never_what_was_sent() -> None:
    with pytest.raises(InvalidReport) as raised:
        parse_web_report(hate_crime(caller_phone="07911 12345X", description="x" * 5001))
    assert "07911" not in str(raised.value) and "caller_phone" in str(raised.value)


def test_one_strand_as_the_phone_asks_it_and_the_web_channel_are_accepted():
    report = parse_web_report(
        {"caller_phone": "07911123456", "description": "Abuse at the bus stop", "strand": "religion", "channel": "web"}
    )
    assert report.strands == ["religion"] and report.channel == "web"
    with pytest.raises(InvalidReport) as invalid:
        parse_web_report({"caller_phone": "07911123456", "description": "x", "channel": "phone"})
    assert set(invalid.value.errors) == {"channel"}
