"""The public satisfaction survey at /survey/<token>: no sign-in, GOV.UK pages that work without JavaScript.

The link's token (or the short code printed on the closure letter) is the only key to a survey, so a
form cannot be forged from another site without it: no CSRF token, and no cookie is set on a resident's
phone. Each address is rate-limited (`SURVEY_LIMIT_PER_ADDRESS`), which also stops codes being guessed.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """After the console's: the pages use its GOV.UK templates and static assets."""
    from app.rate_limits import app_limiter
    from app.survey.pages import bp, too_many_requests

    app.register_blueprint(bp)
    app_limiter(app).limit(app.config["SURVEY_LIMIT_PER_ADDRESS"], on_breach=too_many_requests)(bp)
