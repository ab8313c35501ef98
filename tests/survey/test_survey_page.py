"""The public satisfaction survey at /survey/<token>: answered once, nothing personal shown, no sign-in."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from app.casework.models import Case, SurveyResponse
from app.extensions import db
from tests.casework.closed_cases import closed_case, with_survey
from tests.conftest import london

ANSWERS = {
    "satisfaction": "4",
    "kept_informed": "partly",
    "listened_to": "yes",
    "get_involved": ["street_champion", "residents_group"],
    "comments": "The officer called back when she said she would.",
}


@pytest.fixture
def survey(app) -> SurveyResponse:
    case = closed_case(london("2026-11-02 10:00"), london("2026-11-20 15:00"), resident_name="Nasreen Akhtar")
    return with_survey(case)


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def words(response) -> str:
    return " ".join(page(response).get_text(" ").split())


def heading(response) -> str:
    headings = page(response).find_all("h1")
    assert len(headings) == 1, "one <h1> per page"
    return " ".join(headings[0].get_text(" ").split())


def stored(survey: SurveyResponse) -> SurveyResponse:
    db.session.expire_all()
    found = db.session.get(SurveyResponse, survey.id)
    assert found is not None
    return found


def test_the_survey_asks_every_question_with_labelled_answers(client, survey):
    response = client.get(f"/survey/{survey.token}")
    assert response.status_code == 200
    assert heading(response) == "Tell us what you think"
    text = words(response)
    for label in ("Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied", "Satisfied"):
        assert label in text
    assert "Very satisfied" in text
    assert "Were you kept informed" in text and "Did you feel listened to" in text and "Partly" in text
    for choice in ("block champion", "street champion", "residents' group"):
        assert choice in text
    assert "You can enter up to 1200 characters" in text, "the character count's hint, without JavaScript"
    form = page(response).find("form")
    assert form["method"] == "post" and not form.get("action"), "posts back to its own address"
    assert len(page(response).find_all("input", attrs={"name": "satisfaction", "type": "radio"})) == 5


def test_nothing_personal_is_shown_and_no_cookie_is_set(client, survey):
    response = client.get(f"/survey/{survey.token}")
    text = response.get_data(as_text=True)
    shown = db.session.get(Case, survey.case_id)
    for personal in (shown.reference, shown.reference_digits, "Nasreen", "Akhtar", "Ladypool", "bus stop", "7911"):
        assert personal not in text
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "same-origin", "the link never reaches another site"


def test_answers_are_stored_against_the_case_and_the_resident_is_thanked(client, survey, at):
    with at("2026-11-23 19:05"):
        response = client.post(f"/survey/{survey.token}", data=ANSWERS)
    assert response.status_code == 302
    thanks = client.get(response.headers["Location"])
    assert heading(thanks) == "Thank you"
    answered = stored(survey)
    assert answered.answered_at == london("2026-11-23 19:05")
    assert answered.answered_via == "web"
    assert (answered.satisfaction, answered.kept_informed, answered.listened_to) == (4, "partly", "yes")
    assert answered.get_involved == ["street_champion", "residents_group"]
    assert answered.comments == ANSWERS["comments"]


def test_the_survey_link_used_twice_is_refused_kindly(client, survey):
    client.post(f"/survey/{survey.token}", data=ANSWERS)
    again = client.post(f"/survey/{survey.token}", data={**ANSWERS, "satisfaction": "1", "comments": "Changed"})
    assert again.status_code == 200
    assert heading(again) == "You have already answered"
    assert "Thank you" in words(again)
    answered = stored(survey)
    assert answered.satisfaction == 4 and answered.comments == ANSWERS["comments"], "the first answer stands"
    visit = client.get(f"/survey/{survey.token}")
    assert heading(visit) == "You have already answered" and page(visit).find("form") is None


def test_a_case_reopened_since_the_link_was_sent_is_not_rated_half_way(client, survey):
    """The survey asks how the case ended: while it is open again, the link says so and records nothing."""
    case = db.session.get(Case, survey.case_id)
    case.status = "reopened"
    db.session.commit()
    asked = client.get(f"/survey/{survey.token}")
    sent = client.post(f"/survey/{survey.token}", data=ANSWERS)
    assert heading(asked) == heading(sent) == "We are still working with you" and page(asked).find("form") is None
    assert "999" in words(asked) and stored(survey).answered_at is None
    db.session.get(Case, survey.case_id).status = "closed"  # closed again: the same link, now the survey
    db.session.commit()
    assert heading(client.get(f"/survey/{survey.token}")) == "Tell us what you think"


def test_two_answers_sent_at_once_record_one(app, survey):
    """The conditional update lets one answer in, whichever arrives first."""
    from app.casework.surveys import SurveyAnswers, record_survey_answer
    from tests.conftest import at_once

    def answer() -> bool:
        found = db.session.get(SurveyResponse, survey.id)
        return record_survey_answer(
            db.session(), found, SurveyAnswers(satisfaction=5), "web", london("2026-11-23 09:00")
        )

    assert sorted(at_once(app, answer)) == [False, True]


def test_an_unknown_token_is_not_found(client, survey):
    response = client.get("/survey/" + "x" * 43)
    assert response.status_code == 404
    assert heading(response) == "Page not found"
    assert client.post("/survey/nope", data=ANSWERS).status_code == 404


def test_no_satisfaction_score_shows_the_error_summary(client, survey):
    response = client.post(f"/survey/{survey.token}", data={"comments": "No score"})
    assert response.status_code == 200
    assert page(response).title.get_text().startswith("Error: ")
    summary = page(response).find(class_="govuk-error-summary")
    assert "Select how satisfied you are" in summary.get_text()
    assert stored(survey).answered_at is None
    assert "No score" in response.get_data(as_text=True), "what was typed is kept"


def test_a_comment_over_the_limit_is_refused(client, survey):
    response = client.post(f"/survey/{survey.token}", data={"satisfaction": "3", "comments": "x" * 1201})
    assert "must be 1200 characters or fewer" in words(response)
    assert stored(survey).answered_at is None


def test_the_short_code_on_the_letter_opens_the_survey(client, survey):
    response = client.get("/survey", query_string={"code": f" {survey.short_code.lower()} "})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/survey/{survey.token}")
    wrong = client.get("/survey", query_string={"code": "NOTACODE"})
    assert "Enter the code exactly as it is on your letter" in words(wrong)
    assert heading(client.get("/survey")) == "Tell us what you think"


def test_the_pages_are_rate_limited_per_address(make_app, survey):
    limited = make_app(SURVEY_LIMIT_PER_ADDRESS="3 per minute").test_client()
    codes = [limited.get(f"/survey/{survey.token}").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    waiting = limited.get(f"/survey/{survey.token}")
    assert heading(waiting) == "Please wait a minute" and 0 < int(waiting.headers["Retry-After"]) <= 60


def test_a_database_fault_gets_a_kind_page_and_the_survey_can_be_answered_later(client, survey, caplog):
    """The surveys table is unreachable (a real database fault): the resident is told nothing was kept yet."""
    survey_id, token = survey.id, survey.token
    with db.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE surveys RENAME TO surveys_away")
    try:
        failed = client.post(f"/survey/{token}", data=ANSWERS)
    finally:
        db.session.rollback()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ALTER TABLE surveys_away RENAME TO surveys")
    assert failed.status_code == 503 and heading(failed) == "Sorry, there is a problem"
    assert "nothing has been kept yet" in words(failed) and "0121 464 7269" in words(failed)
    assert ANSWERS["comments"] not in caplog.text and token not in caplog.text
    again = client.post(f"/survey/{token}", data=ANSWERS)
    assert again.status_code == 302 and db.session.get(SurveyResponse, survey_id).satisfaction == 4
