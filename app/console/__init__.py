"""The staff console: GOV.UK Design System pages under /console for the contact centre, officers and managers.

The URLs are a contract (see the README's "Staff console"). CSRF is checked on the console's forms
only (`blueprints.console_blueprint`): Twilio's webhooks and the bearer-token API never see it.
"""

from __future__ import annotations

from flask import Flask

from app.extensions import csrf


def init_app(app: Flask) -> None:
    from app.console import auth, limits, pages, sign_in, templating

    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # CSRFProtect checks no view unless a console blueprint asks
    csrf.init_app(app)
    auth.init_app(app)
    templating.init_app(app)
    app.register_blueprint(sign_in.bp)
    app.register_blueprint(pages.bp)
    from app.console import audit_pages, oversight_pages, reassign_pages, recording_pages, task_pages

    for blueprint in (task_pages.bp, reassign_pages.bp, oversight_pages.bp, recording_pages.bp, audit_pages.bp):
        app.register_blueprint(blueprint)
    limits.init_app(app, sign_in.bp)
