"""The conversation engine on its own: one input at a step -> the answers kept and what comes next."""

from __future__ import annotations

import pytest

from app.intake.engine import (
    MAX_ATTEMPTS,
    Act,
    Ask,
    Collect,
    Given,
    answers_added,
    move_on,
    read_answer,
    take_turn,
)
from ivr_flows import Flows, phone_flows, text_flows


@pytest.fixture(scope="module")
def phone() -> Flows:
    return phone_flows()


@pytest.fixture(scope="module")
def texts() -> Flows:
    return text_flows()


# -- reading one answer, per step type ------------------------------------------------------


@pytest.mark.parametrize(
    ("keys", "expected"), [("1", (True, True)), ("2", (True, False)), ("3", (False, False)), ("", (False, False))]
)
def test_yes_no_by_keys(phone, keys, expected):
    assert read_answer(phone.step("report.danger_now"), Given(digits=keys)) == expected


@pytest.mark.parametrize(("words", "expected"), [("yes please", True), ("nope not really", False)])
def test_yes_no_by_words(texts, words, expected):
    assert read_answer(texts.step("report.danger_now"), Given(text=words)) == (True, expected)


def test_a_choice_by_key_and_by_words(phone, texts):
    assert read_answer(phone.step("report.strand"), Given(digits="2")) == (True, "religion")
    assert read_answer(texts.step("report.strand"), Given(text="3 - sexual orientation")) == (
        True,
        "sexual_orientation",
    )
    assert read_answer(phone.step("report.strand"), Given(digits="9")) == (False, None)


def test_a_phone_number_must_be_a_whole_uk_number(phone):
    step = phone.step("report.callback_number")
    assert read_answer(step, Given(digits="07912345678#")) == (True, "+447912345678")
    assert read_answer(step, Given(digits="0121464#"))[0] is False
    assert read_answer(step, Given(digits="0035312345678#"))[0] is False


def test_digits_must_be_exactly_as_many_as_asked(phone):
    step = phone.step("update.reference")
    assert read_answer(step, Given(digits="123456")) == (True, "123456")
    assert read_answer(step, Given(digits="12345"))[0] is False
    assert read_answer(step, Given(digits="12345²"))[0] is False, "only the keypad's digits"


def test_a_recording_counts_only_with_its_sid(phone):
    step = phone.step("report.account")
    assert read_answer(step, Given(recording={"recording_sid": "RE" + "a" * 32}))[0] is True
    assert read_answer(step, Given())[0] is False


def test_free_text_is_any_words(texts):
    assert read_answer(texts.step("report.location"), Given(text=" Soho Road ")) == (True, "Soho Road")
    assert read_answer(texts.step("report.location"), Given(text="  "))[0] is False


# -- what comes next ------------------------------------------------------------------------


def test_an_answer_is_kept_and_the_next_question_asked(phone):
    turn = take_turn(phone, phone.step("report.happened_before"), 1, {"danger_now": False}, Given(digits="1"))
    assert turn.understood and turn.answers == {"danger_now": False, "happened_before": True}
    assert isinstance(turn.next, Ask) and turn.next.step.id == "unsafe_at_home" and turn.next.attempt == 1


def test_yes_to_danger_says_the_advice_before_the_next_question(phone, texts):
    for flows, given in ((phone, Given(digits="1")), (texts, Given(text="yes"))):
        turn = take_turn(flows, flows.step("report.danger_now"), 1, {}, given)
        assert isinstance(turn.next, Ask) and turn.next.before == "danger_now_advice"
        assert turn.next.step.id == "happened_before"


def test_a_wrong_answer_is_asked_again_with_why_then_given_up_on(phone):
    step = phone.step("report.callback_number")
    first = take_turn(phone, step, 1, {}, Given(digits="0121#"))
    assert first.next == Ask(step, 2, retry_message="not_a_uk_number") and not first.understood
    silent = take_turn(phone, step, 2, {}, Given())
    assert silent.next == Ask(step, 3, retry_message="retry"), "silence is not a wrong number"
    last = take_turn(phone, step, MAX_ATTEMPTS, {}, Given(digits="1#"))
    assert isinstance(last.next, Ask) and last.next.step.id == "safe_to_text", "its on_no_answer"


def test_a_question_that_reads_back_an_answer_reads_it_back_when_asked_again(phone):
    confirm = phone.step("report.callback_confirm")
    for given in (Given(digits="3"), Given()):
        turn = take_turn(phone, confirm, 1, {"callback_number": "+447912345678"}, given)
        assert isinstance(turn.next, Ask) and turn.next.step is confirm and turn.next.attempt == 2
        assert turn.next.values == {"number": "0, 7, 9, 1, 2, 3, 4, 5, 6, 7, 8"}


def test_a_question_without_an_answer_carries_on_with_it_unknown(texts):
    turn = take_turn(texts, texts.step("report.unsafe_at_home"), MAX_ATTEMPTS, {}, Given(text="dunno"))
    assert turn.answers == {"unsafe_at_home": None}
    assert isinstance(turn.next, Ask) and turn.next.step.id == "support_needs"


def test_silence_at_the_main_menu_three_times_is_a_silent_caller(phone):
    turn = take_turn(phone, phone.start_of("main"), MAX_ATTEMPTS, {}, Given())
    assert turn.next == Act("silent_caller")


def test_keys_we_do_not_offer_three_times_are_treated_alike_but_not_called_silence(phone):
    turn = take_turn(phone, phone.start_of("main"), MAX_ATTEMPTS, {}, Given(digits="9"))
    assert turn.next == Act("keys_not_understood")


def test_a_menu_key_goes_where_it_says_and_keeps_no_answer(phone):
    turn = take_turn(phone, phone.start_of("main"), 1, {}, Given(digits="0"))
    assert turn.next == Act("connect_contact_centre") and turn.answers == {}
    report = take_turn(phone, phone.start_of("main"), 1, {}, Given(digits="1"))
    assert isinstance(report.next, Ask) and report.next.step.address == "report.danger_now"


def test_a_keyed_number_is_read_back_digit_by_digit(phone):
    turn = take_turn(phone, phone.step("report.callback_number"), 1, {}, Given(digits="07912345678#"))
    assert isinstance(turn.next, Ask) and turn.next.step.id == "callback_confirm"
    assert turn.next.values == {"number": "0, 7, 9, 1, 2, 3, 4, 5, 6, 7, 8"}


def test_the_last_question_hands_over_to_finish_the_report(phone, texts):
    assert take_turn(phone, phone.step("report.referral_consent"), 1, {}, Given(digits="2")).next == Act(
        "finish_report"
    )
    assert take_turn(texts, texts.step("report.referral_consent"), 1, {}, Given(text="no")).next == Act("finish_report")


def test_a_free_text_answer_that_more_texts_may_join_is_collected_then_moved_past(texts):
    step = texts.step("report.description")
    turn = take_turn(texts, step, 1, {}, Given(text="They shouted at me"))
    assert turn.next == Collect(step) and turn.answers == {"description": "They shouted at me"}
    following = move_on(texts, step, turn.answers)
    assert isinstance(following, Ask) and following.step.id == "location"


# -- what an input adds, for a store that merges it before reading ---------------------------


def test_an_input_adds_its_steps_answer_or_nothing(phone):
    main, consent = phone.start_of("main"), phone.step("report.referral_consent")
    assert answers_added(consent, 1, Given(digits="1")) == {"referral_consent": True}
    assert answers_added(main, 1, Given(digits="1")) == {}, "a menu keeps no answer"
    assert answers_added(phone.step("report.account"), 1, Given(recording={"recording_sid": "RE" + "a" * 32})) == {}
    assert answers_added(consent, 1, Given(digits="7")) == {}, "not understood: asked again, nothing kept"
    assert answers_added(consent, MAX_ATTEMPTS, Given(digits="7")) == {"referral_consent": None}
    assert answers_added(phone.step("report.callback_number"), MAX_ATTEMPTS, Given()) == {"callback_number": None}
    confirm = phone.step("report.callback_confirm")
    assert answers_added(confirm, 1, Given(digits="2")) == {"callback_number": None}, "key it again: not that one"
    assert answers_added(confirm, 1, Given(digits="1")) == {}
    assert answers_added(main, MAX_ATTEMPTS, Given()) == {}


def test_the_turn_is_the_same_whether_the_answers_already_hold_this_inputs_own(phone):
    """calls.py merges the answer in the database first and then takes the turn with what it read back."""
    earlier = {"danger_now": False, "callback_number": "+447912345678"}
    inputs = [
        (phone.step("report.happened_before"), 1, Given(digits="1")),
        (phone.step("report.callback_number"), 1, Given(digits="07911123456#")),
        (phone.step("report.callback_confirm"), 1, Given(digits="1")),
        (phone.step("report.referral_consent"), MAX_ATTEMPTS, Given(digits="9")),
        (phone.start_of("main"), MAX_ATTEMPTS, Given()),
    ]
    for step, attempt, given in inputs:
        merged = {**earlier, **answers_added(step, attempt, given)}
        assert take_turn(phone, step, attempt, merged, given) == take_turn(phone, step, attempt, earlier, given)
