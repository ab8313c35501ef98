"""Every console blueprint is made here, with what all console pages share: CSRF, error pages, template context."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.console.templating import console_context
from app.extensions import csrf

ERROR_PAGES = {
    400: ("Sorry, there is a problem with that form", "Go back, reload the page and try again."),
    403: ("You cannot use this page", "Your role does not include this page. Ask a manager if you need it."),
    404: ("Page not found", "Check the case reference or the address. Cases you do not work on are not shown."),
    # Anything unexpected, a database that stopped answering among them: a page in the console's own
    # design that says what may have been lost, never a bare server error.
    500: (
        "Sorry, there is a problem with the service",
        "Try again in a few minutes. If you were filling in a form, what you entered may not have been saved.",
    ),
}


def error_page(error: HTTPException) -> ResponseReturnValue:
    code = error.code if error.code in ERROR_PAGES else 400
    heading, advice = ERROR_PAGES[code]
    return render_template("console/error.html", title=heading, advice=advice), code


def protect_forms() -> None:
    """Every form the console accepts carries this session's CSRF token (400 otherwise)."""
    csrf.protect()


def console_blueprint(
    name: str, guard: Callable[[], ResponseReturnValue | None] | None = None, **options: Any
) -> Blueprint:
    """A blueprint under /console whose forms are CSRF-checked and whose errors are GOV.UK pages.

    `guard` runs first on every request (the pages' sign-in check), so someone signed out is sent to
    sign in rather than told their form has expired.
    """
    blueprint = Blueprint(name, "app.console", url_prefix="/console", template_folder="templates", **options)
    if guard is not None:
        blueprint.before_request(guard)
    blueprint.before_request(protect_forms)
    for code in ERROR_PAGES:
        blueprint.register_error_handler(code, error_page)
    blueprint.register_error_handler(CSRFError, error_page)
    blueprint.context_processor(console_context)
    return blueprint
