"""Answers as residents really text them: each with the reading an officer would give it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.casework.models import Case, TextConversation
from app.extensions import db
from app.intake.text_answers import interpret
from ivr_flows import text_flows
from tests.telephony.test_text_reports import after_a_minute, answer_the_questions

STEPS = {
    "yes_no": "report.happened_before",
    "danger_now": "report.danger_now",
    "safe_to_text": "report.safe_to_text",
    "graffiti": "graffiti.graffiti_offensive",
    "choice": "report.strand",
}
YES, NO, ASKED_AGAIN = True, False, None
STEPS_ANSWERED = (
    "danger_now",
    "happened_before",
    "unsafe_at_home",
    "support_needs",
    "strand",
    "safe_to_text",
    "visit_requested",
)

CORPUS = [
    # Yes, however it is written.
    ("yes_no", "yes", YES),
    ("yes_no", "Yes", YES),
    ("yes_no", "YES", YES),
    ("yes_no", "Yes.", YES),
    ("yes_no", "YES!!", YES),
    ("yes_no", "yes please", YES),
    ("yes_no", "Yes please.", YES),
    ("yes_no", "Yes.👍", YES),
    ("yes_no", "yes 🙂", YES),
    ("yes_no", "👍 yes", YES),
    ("yes_no", "yesss", YES),
    ("yes_no", "Yess", YES),
    ("yes_no", "Y", YES),
    ("yes_no", "y", YES),
    ("yes_no", "yh", YES),
    ("yes_no", "Ye", YES),
    ("yes_no", "yea", YES),
    ("yes_no", "Yeah", YES),
    ("yes_no", "yeah I think so", YES),
    ("yes_no", "Yeah it has, twice now", YES),
    ("yes_no", "yeh", YES),
    ("yes_no", "yep", YES),
    ("yes_no", "Yup!", YES),
    ("yes_no", "aye", YES),
    ("yes_no", "Aye it has", YES),
    ("yes_no", "1", YES),
    ("yes_no", "1.", YES),
    ("yes_no", "1 - yes", YES),
    ("yes_no", "1 yes", YES),
    ("yes_no", "1) Yes", YES),
    ("yes_no", "yes its ok", YES),
    ("yes_no", "Yes it has happened before", YES),
    ("yes_no", "yes, last month as well", YES),
    ("yes_no", "yes no problem", YES),
    ("yes_no", "yes thanks x", YES),
    ("yes_no", "ok", YES),
    ("yes_no", "OK", YES),
    ("yes_no", "okay", YES),
    ("yes_no", "Ok thanks", YES),
    ("yes_no", "sure", YES),
    ("yes_no", "Sure thing", YES),
    ("yes_no", "correct", YES),
    ("yes_no", "Correct.", YES),
    ("yes_no", "that's right", YES),
    ("yes_no", "That’s right", YES),
    ("yes_no", "definitely", YES),
    ("yes_no", "Definitely yes", YES),
    ("yes_no", "absolutely", YES),
    ("yes_no", "of course", YES),
    ("yes_no", "please do", YES),
    ("yes_no", "please", YES),
    ("yes_no", "I do", YES),
    ("yes_no", "it has", YES),
    ("yes_no", "I think so", YES),
    ("yes_no", "erm yes", YES),
    ("yes_no", "Oh yes", YES),
    ("yes_no", "sorry yes", YES),
    ("yes_no", "👍", YES),
    ("yes_no", "👍🏽", YES),
    ("yes_no", "✅", YES),
    ("yes_no", "✔️", YES),
    ("yes_no", "  yes  ", YES),
    ("yes_no", "true", YES),
    # No, however it is written.
    ("yes_no", "no", NO),
    ("yes_no", "No", NO),
    ("yes_no", "NO", NO),
    ("yes_no", "No.", NO),
    ("yes_no", "no!", NO),
    ("yes_no", "Nooooo", NO),
    ("yes_no", "n", NO),
    ("yes_no", " n ", NO),
    ("yes_no", "N.", NO),
    ("yes_no", "nope", NO),
    ("yes_no", "Nope 👎", NO),
    ("yes_no", "nope not really", NO),
    ("yes_no", "nah", NO),
    ("yes_no", "nah mate", NO),
    ("yes_no", "Na", NO),
    ("yes_no", "no thanks", NO),
    ("yes_no", "no thank you", NO),
    ("yes_no", "No thank you 🙏", NO),
    ("yes_no", "No, thank you.", NO),
    ("yes_no", "not really", NO),
    ("yes_no", "Not really no", NO),
    ("yes_no", "not at all", NO),
    ("yes_no", "2", NO),
    ("yes_no", "2 - no", NO),
    ("yes_no", "2 no", NO),
    ("yes_no", "2.", NO),
    ("yes_no", "no its not", NO),
    ("yes_no", "No it hasn't", NO),
    ("yes_no", "no, first time", NO),
    ("yes_no", "no this is the first time", NO),
    ("yes_no", "never", NO),
    ("yes_no", "Never.", NO),
    ("yes_no", "no way", NO),
    ("yes_no", "don't", NO),
    ("yes_no", "dont", NO),
    ("yes_no", "please don't", NO),
    ("yes_no", "Please do not", NO),
    ("yes_no", "I don't think so", NO),
    ("yes_no", "dont think so", NO),
    ("yes_no", "it hasn't", NO),
    ("yes_no", "I haven't", NO),
    ("yes_no", "none", NO),
    ("yes_no", "no one", NO),
    ("yes_no", "nobody", NO),
    ("yes_no", "definitely not", NO),
    ("yes_no", "of course not", NO),
    ("yes_no", "erm no", NO),
    ("yes_no", "sorry no", NO),
    ("yes_no", "👎", NO),
    ("yes_no", "❌", NO),
    ("yes_no", "false", NO),
    # Not understood: asked again rather than guessed.
    ("yes_no", "maybe", ASKED_AGAIN),
    ("yes_no", "Maybe?", ASKED_AGAIN),
    ("yes_no", "not sure", ASKED_AGAIN),
    ("yes_no", "Not sure tbh", ASKED_AGAIN),
    ("yes_no", "unsure", ASKED_AGAIN),
    ("yes_no", "dunno", ASKED_AGAIN),
    ("yes_no", "idk", ASKED_AGAIN),
    ("yes_no", "I don't know", ASKED_AGAIN),
    ("yes_no", "i dont know", ASKED_AGAIN),
    ("yes_no", "No idea", ASKED_AGAIN),
    ("yes_no", "kind of", ASKED_AGAIN),
    ("yes_no", "yeah kind of", ASKED_AGAIN),
    ("yes_no", "sort of", ASKED_AGAIN),
    ("yes_no", "yes and no", ASKED_AGAIN),
    ("yes_no", "no yes", ASKED_AGAIN),
    ("yes_no", "yes no", ASKED_AGAIN),
    ("yes_no", "1 no", ASKED_AGAIN),
    ("yes_no", "probably", ASKED_AGAIN),
    ("yes_no", "possibly", ASKED_AGAIN),
    ("yes_no", "yes but not recently", ASKED_AGAIN),
    ("yes_no", "not yes", ASKED_AGAIN),
    ("yes_no", "n/a", ASKED_AGAIN),
    ("yes_no", "???", ASKED_AGAIN),
    ("yes_no", "", ASKED_AGAIN),
    ("yes_no", "🤷", ASKED_AGAIN),
    ("yes_no", "👍👎", ASKED_AGAIN),
    ("yes_no", "3", ASKED_AGAIN),
    ("yes_no", "12", ASKED_AGAIN),
    ("yes_no", "thanks", ASKED_AGAIN),
    ("yes_no", "what do you mean", ASKED_AGAIN),
    ("yes_no", "They were shouting again", ASKED_AGAIN),
    ("yes_no", "I'm fine", ASKED_AGAIN),
    ("yes_no", "ok I'm fine", ASKED_AGAIN),
    ("yes_no", "please call me", ASKED_AGAIN),
    ("yes_no", "stop it happening", ASKED_AGAIN),
    # "Safe" reads differently for each question.
    ("danger_now", "no we are safe now", NO),
    ("danger_now", "Yes they are outside", YES),
    ("danger_now", "not safe", ASKED_AGAIN),
    ("danger_now", "I don't feel safe", ASKED_AGAIN),
    ("danger_now", "no im not safe", ASKED_AGAIN),
    ("danger_now", "no one is hurt", NO),
    ("safe_to_text", "yes", YES),
    ("safe_to_text", "safe", YES),
    ("safe_to_text", "it's safe", YES),
    ("safe_to_text", "fine", YES),
    ("safe_to_text", "not safe", NO),
    ("safe_to_text", "Not safe to text", NO),
    ("safe_to_text", "unsafe", NO),
    ("safe_to_text", "phone only please", NO),
    ("safe_to_text", "just phone", NO),
    ("safe_to_text", "call me", NO),
    ("safe_to_text", "dont text me", NO),
    ("safe_to_text", "Don't text me, my husband reads them", NO),
    ("safe_to_text", "no phone me", NO),
    ("graffiti", "YES!! 😡", YES),
    ("graffiti", "yes it's racist", YES),
    ("graffiti", "no just tags", NO),
    ("graffiti", "nah just a tag", NO),
    # Choices: a number, or the words of an option.
    ("choice", "1", "race"),
    ("choice", "1.", "race"),
    ("choice", "2", "religion"),
    ("choice", "3", "sexual_orientation"),
    ("choice", "#4", "disability"),
    ("choice", "5", "transgender"),
    ("choice", "6", "other"),
    ("choice", " 6 ", "other"),
    ("choice", "option 3", "sexual_orientation"),
    ("choice", "Option 1", "race"),
    ("choice", "number 2", "religion"),
    ("choice", "number two", "religion"),
    ("choice", "3 - sexual orientation", "sexual_orientation"),
    ("choice", "1 race", "race"),
    ("choice", "4 disability", "disability"),
    ("choice", "6 not sure", "other"),
    ("choice", "race", "race"),
    ("choice", "Race.", "race"),
    ("choice", "racism", "race"),
    ("choice", "because of my skin colour", "race"),
    ("choice", "ethnicity", "race"),
    ("choice", "religion", "religion"),
    ("choice", "Religion or belief", "religion"),
    ("choice", "my faith", "religion"),
    ("choice", "sexual orientation", "sexual_orientation"),
    ("choice", "Sexual_orientation", "sexual_orientation"),
    ("choice", "because I'm gay", "sexual_orientation"),
    ("choice", "homophobic", "sexual_orientation"),
    ("choice", "disability", "disability"),
    ("choice", "DISABLED", "disability"),
    ("choice", "trans", "transgender"),
    ("choice", "transgender", "transgender"),
    ("choice", "Transgender identity", "transgender"),
    ("choice", "something else", "other"),
    ("choice", "other", "other"),
    ("choice", "not sure", "other"),
    ("choice", "dunno", "other"),
    ("choice", "I don't know", "other"),
    ("choice", "5 🏳️‍⚧️", "transgender"),
    ("choice", "1 and 3", ASKED_AGAIN),
    ("choice", "1,2", ASKED_AGAIN),
    ("choice", "race and religion", ASKED_AGAIN),
    ("choice", "1 - religion", ASKED_AGAIN),
    ("choice", "7", ASKED_AGAIN),
    ("choice", "0", ASKED_AGAIN),
    ("choice", "10", ASKED_AGAIN),
    ("choice", "yes", ASKED_AGAIN),
    ("choice", "both", ASKED_AGAIN),
    ("choice", "", ASKED_AGAIN),
    ("choice", "😡", ASKED_AGAIN),
    ("choice", "they just hate us", ASKED_AGAIN),
]


@pytest.mark.parametrize(("kind", "text", "expected"), CORPUS)
def test_an_answer_is_read_the_way_the_resident_meant_it(kind, text, expected):
    understood, value = interpret(text_flows().step(STEPS[kind]), text)
    assert (understood, value) == ((False, None) if expected is ASKED_AGAIN else (True, expected))


def test_the_corpus_is_large_and_each_answer_appears_once():
    assert len(CORPUS) >= 150
    assert len({(kind, text) for kind, text, _ in CORPUS}) == len(CORPUS)


def test_free_text_is_kept_as_written():
    assert interpret(text_flows().step("report.location"), "  Outside Spar, Stratford Rd 👍 ") == (
        True,
        "Outside Spar, Stratford Rd 👍",
    )


def test_an_answer_not_understood_is_asked_again_at_most_twice_then_the_conversation_moves_on(app, texter):
    texter.send("REPORT")
    texter.send("Someone shouted at me about my headscarf")
    after_a_minute(app)
    replies = answer_the_questions(
        texter,
        [
            "Soho Road",
            "this afternoon",
            "not sure",  # danger_now: asked again
            "idk",  # asked again
            "yes and no",  # moves on, unknown
            "kind of",  # happened_before: asked again
            "yeah it has 👍",  # understood on the second try
            "dunno",  # unsafe_at_home: asked again twice, then unknown
            "maybe",
            "I don't know",
            "No thank you",  # support_needs
            "1 and 3",  # strand: asked again twice, then unknown
            "both",
            "race and religion",
            "phone only please",  # safe_to_text
            "nope not really",  # visit_requested
        ],
    )
    asked_again = [i for i, reply in enumerate(replies) if "didn't understand" in reply]
    assert asked_again == [2, 3, 5, 7, 8, 11, 12]
    assert "in danger right now" in replies[2] and "YES or NO" in replies[3]
    assert "happened to you or your household before" in replies[4]
    assert "unsafe in your home" in replies[6]
    assert "support need" in replies[9], "the third answer not understood moves on"
    assert "number from 1 to 6" in replies[11] and "because of" in replies[12]
    assert "safe for us to text you" in replies[13] and "officer to visit you" in replies[14]
    answers = db.session.scalars(select(TextConversation)).one().answers
    assert {step: answers[step] for step in STEPS_ANSWERED} == {
        "danger_now": None,
        "happened_before": True,
        "unsafe_at_home": None,
        "support_needs": False,
        "strand": None,
        "safe_to_text": False,
        "visit_requested": False,
    }


def test_graffiti_answered_with_an_emoji_is_taken_as_offensive(texter):
    texter.send("graffiti")
    texter.send("The underpass by Five Ways station")
    assert "remove the graffiti" in texter.send("YES!! 😡")
    assert db.session.scalars(select(Case)).one().graffiti_offensive is True
