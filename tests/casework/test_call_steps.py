"""A call's answers as staff read them: questions in words, special category answers only for roles that read them."""

from __future__ import annotations

from app.casework.call_steps import answered_steps
from app.staff.access import fields_for

ANSWERS = {
    "danger_now": False,
    "happened_before": True,
    "support_needs": None,
    "strand": "sexual_orientation",
    "callback_choice": "other_number",
    "callback_number": "+447911123456",
    "safe_to_text": True,
}


def test_a_role_that_reads_the_whole_case_hears_every_answer_in_words():
    assert answered_steps(ANSWERS, fields_for("officer")) == [
        "Someone in danger now: no",
        "Happened before: yes",
        "Disability, illness or support need in the household: no answer",
        "Because of: sexual orientation",
        "Number to call back: another number",
        "Number keyed to call back: 07911 123456",
        "Safe to text: yes",
    ]


def test_the_contact_centre_learns_which_questions_were_answered_but_not_the_special_category_answers():
    lines = answered_steps(ANSWERS, fields_for("contact_centre"))
    assert lines == [
        "Someone in danger now (answered)",
        "Happened before (answered)",
        "Disability, illness or support need in the household (answered)",
        "Because of (answered)",
        "Number to call back (answered)",
        "Number keyed to call back (answered)",
        "Safe to text: yes",
    ]
    assert not any("sexual" in line or "07911" in line for line in lines)


def test_a_step_the_console_does_not_know_is_named_in_words_and_its_answer_kept_from_partial_roles():
    answers = {"new_question": "something personal"}
    assert answered_steps(answers, None) == ["New question: something personal"]
    assert answered_steps(answers, fields_for("contact_centre")) == ["New question (answered)"]


def test_answers_are_shown_in_the_order_the_flows_ask_them_whatever_order_the_database_keeps():
    """PostgreSQL keeps a call's answers as jsonb merges them: shorter keys first, not the order given."""
    as_jsonb_keeps_them = dict(sorted(ANSWERS.items(), key=lambda item: (len(item[0]), item[0])))
    assert list(as_jsonb_keeps_them) != list(ANSWERS)
    assert answered_steps(as_jsonb_keeps_them, fields_for("officer")) == answered_steps(ANSWERS, fields_for("officer"))
    assert answered_steps({"location": "x", **as_jsonb_keeps_them}, None)[-1] == "Location: x", "unknown steps last"
