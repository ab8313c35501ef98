"""The staff console: GOV.UK Design System pages under /console for the contact centre, officers and managers.

The URLs are a contract (see the README's "Staff console"). CSRF is checked on the console's forms
only (`blueprints.console_blueprint`): Twilio's webhooks and the bearer-token API never see it.
"""

from __future__ import annotations

from flask import Flask

from app.extensions import csrf


def init_app(app: Flask) -> None:
    from app.console import (
        action_plan_pages,
        audit_pages,
        auth,
        case_actions,
        casework_pages,
        closure_pages,
        incident_pages,
        intervention_pages,
        limits,
        oversight_pages,
        pages,
        performance_pages,
        reassign_pages,
        recording_pages,
        review_pages,
        sign_in,
        single_sign_on,
        staff_pages,
        take_report,
        task_pages,
        templating,
        witness_pages,
    )

    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # CSRFProtect checks no view unless a console blueprint asks
    # A form's token lasts as long as the session it belongs to (which ends itself after 30 idle minutes),
    # not Flask-WTF's hour: a tab left open while working in another must still send its form.
    app.config["WTF_CSRF_TIME_LIMIT"] = None
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
    app.register_blueprint(closure_pages.bp)
    incident_pages.init_app(app)  # splitting a further report off a reopened case
    for blueprint in (task_pages.bp, reassign_pages.bp, oversight_pages.bp, recording_pages.bp, audit_pages.bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(performance_pages.bp)  # the service standard's monthly report
    app.register_blueprint(review_pages.bp)
    for blueprint in (action_plan_pages.bp, witness_pages.bp, intervention_pages.bp):  # casework, under the case
        app.register_blueprint(blueprint)
    casework_pages.init_app(app)
    limits.init_app(app, sign_in.bp)
