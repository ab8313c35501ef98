"""The staff console: GOV.UK Design System pages under /console for the contact centre, officers and managers.

The URLs are a contract (see the README's "Staff console"). CSRF is checked on the console's forms
only (`blueprints.console_blueprint`): Twilio's webhooks and the bearer-token API never see it.
"""

from __future__ import annotations

from flask import Flask

from app.extensions import csrf


def init_app(app: Flask) -> None:
    from app.console import (
        audit_pages,
        auth,
        case_actions,
        incident_pages,
        limits,
        oversight_pages,
        pages,
        reassign_pages,
        recording_pages,
        sign_in,
        single_sign_on,
        staff_pages,
        take_report,
        task_pages,
        templating,
    )

    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # CSRFProtect checks no view unless a console blueprint asks
    csrf.init_app(app)
    auth.init_app(app)
    templating.init_app(app)
    app.register_blueprint(sign_in.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(staff_pages.bp)
    single_sign_on.init_app(app)  # /console/sign-in/oidc, where OIDC_ISSUER is set
    app.register_blueprint(take_report.bp)
    app.register_blueprint(case_actions.bp)
    case_actions.init_app(app)
    incident_pages.init_app(app)  # splitting a further report off a reopened case
    for blueprint in (task_pages.bp, reassign_pages.bp, oversight_pages.bp, recording_pages.bp, audit_pages.bp):
        app.register_blueprint(blueprint)
    limits.init_app(app, sign_in.bp)
