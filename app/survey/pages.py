"""The survey's pages: the questions, the thank-you, a survey already answered, and a code typed from a letter.

Nothing on them comes from the case: no name, no reference, no detail of what was reported. Someone
else holding the link learns only that a survey exists.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, abort, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_limiter import RequestLimit
from werkzeug.exceptions import HTTPException

from app.casework.lifecycle import is_open
from app.casework.models import Case, SurveyResponse
from app.casework.surveys import COMMENTS_LIMIT, record_survey_answer, survey_by_short_code, survey_by_token
from app.clock import now
from app.extensions import db
from app.security import csp_nonce
from app.survey.forms import SurveyForm

log = logging.getLogger(__name__)
bp = Blueprint("survey", __name__, url_prefix="/survey", template_folder="templates")


@bp.context_processor
def page_context() -> dict[str, Any]:
    """What GOV.UK's page template reads: the CSP nonce and the console's static assets."""
    return {
        "cspNonce": csp_nonce(),
        "assetPath": url_for("console_public.static", filename="").rstrip("/"),
        "htmlLang": "en-GB",
        "comments_limit": COMMENTS_LIMIT,
    }


@bp.after_request
def private(response: Response) -> Response:
    """The link is the key to the survey: never cached (app.security's Referrer-Policy keeps it off other sites)."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(404)
def not_found(_error: HTTPException) -> ResponseReturnValue:
    return render_template("survey/not_found.html", title="Page not found"), 404


@bp.errorhandler(Exception)
def unavailable(error: Exception) -> ResponseReturnValue:
    """The database (or anything else) failed: the resident gets a kind page saying nothing was kept and how
    else to reach us, never a bare 500. An HTTP error (a bad form, a wrong method) answers as itself."""
    if isinstance(error, HTTPException):
        return error
    db.session.rollback()
    # With its traceback: the engine hides statements' parameters, so no answer or link is in it.
    log.exception("survey page failed (%s): the resident was asked to try again", type(error).__name__)
    return render_template("survey/unavailable.html", title="Sorry, there is a problem"), 503


def too_many_requests(_limit: RequestLimit) -> Response:
    return make_response(render_template("survey/too_many.html", title="Please wait a minute"), 429)


def _survey(key: str) -> SurveyResponse:
    found = survey_by_token(db.session(), key) or survey_by_short_code(db.session(), key)
    if found is None:
        abort(404)
    return found


@bp.get("")
def start() -> ResponseReturnValue:
    """The address on the letter: type the short code printed under it (a GET form: nothing changes)."""
    code = request.args.get("code", "").strip()
    if not code:
        return render_template("survey/start.html", title="Tell us what you think")
    survey = survey_by_short_code(db.session(), code)
    if survey is None:
        return render_template("survey/start.html", title="Tell us what you think", code=code, error=True)
    return redirect(url_for(".survey", key=survey.token))


@bp.route("/<key>", methods=["GET", "POST"])
def survey(key: str) -> ResponseReturnValue:
    """The questions; a survey already answered says thank you instead, however it was answered."""
    found = _survey(key)
    if found.answered_at is not None:
        return render_template("survey/answered.html", title="You have already answered")
    case = db.session.get(Case, found.case_id)
    if case is not None and is_open(case):  # reopened since the link was sent: asked again when it closes, not mid-way
        return render_template("survey/case_open_again.html", title="We are still working with you")
    form = SurveyForm(request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        if not record_survey_answer(db.session(), found, form.answers(), via="web", at=now()):
            return render_template("survey/answered.html", title="You have already answered")
        return redirect(url_for(".thanks", key=key))
    title = "Tell us what you think"
    return render_template("survey/survey.html", title=title, form=form, error=bool(form.errors))


@bp.get("/<key>/thanks")
def thanks(key: str) -> ResponseReturnValue:
    found = _survey(key)
    if found.answered_at is None:
        return redirect(url_for(".survey", key=key))
    return render_template("survey/thanks.html", title="Thank you")
