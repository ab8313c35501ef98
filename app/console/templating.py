"""Jinja for the console: GOV.UK Frontend's macros (govuk-frontend-jinja, govuk-frontend-wtf) and our filters."""

from __future__ import annotations

from typing import Any

from flask import Flask, request, url_for
from flask_login import current_user
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import BaseLoader, ChoiceLoader, PackageLoader, PrefixLoader

from app.casework.service import first_task
from app.casework.tasks import shown_status
from app.console import wording
from app.phones import shown_number
from app.security import csp_nonce

NAVIGATION = (  # (endpoint, label, roles that see it)
    ("console.dashboard", "Dashboard", {"manager"}),
    ("console.work", "My work", {"officer", "manager"}),
    ("console_reviews.queue", "Reviews", {"manager", "admin"}),
    ("console.search", "Find a case", {"contact_centre", "officer", "manager", "admin"}),
    ("console_reports.new_report", "Take a report", {"contact_centre", "officer", "manager"}),
    ("console_staff.staff_list", "Staff", {"manager", "admin"}),
    ("console_audit.audit", "Audit log", {"manager", "admin"}),
)


def console_context() -> dict[str, Any]:
    """What every console template reads: the CSP nonce and asset path GOV.UK's template asks for, who is signed in."""
    staff = getattr(current_user, "staff", None)
    return {
        "cspNonce": csp_nonce(),
        "assetPath": url_for("console_public.static", filename="").rstrip("/"),
        "htmlLang": "en-GB",
        "staff": staff,
        "navigation": [
            {"href": url_for(endpoint), "text": label, "current": request.endpoint == endpoint}
            for endpoint, label, roles in NAVIGATION
            if staff and staff.role in roles
        ],
    }


def init_app(app: Flask) -> None:
    loaders: list[BaseLoader] = [app.jinja_loader] if app.jinja_loader else []
    app.jinja_loader = ChoiceLoader(
        [
            *loaders,
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    WTFormsHelpers(app)  # wtforms_errors(form) for the error summary
    app.add_template_filter(wording.london_time, "london")
    app.add_template_filter(wording.yes_no, "yes_no")
    app.add_template_filter(wording.words, "words")
    app.add_template_filter(shown_number, "phone")
    app.add_template_global(wording.working_time_left, "working_time_left")
    app.add_template_global(first_task, "first_task")  # the callback (or removal) the report created
    app.add_template_global(shown_status, "shown_status")  # 'overdue' past the deadline, as the API says
