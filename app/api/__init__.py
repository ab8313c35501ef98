"""The JSON API for the council's systems: cases, reports and officers' work, behind bearer tokens."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> None:
    """Register the API's blueprints, its JSON errors and its rate limits (which cover nothing else)."""
    from app.api import errors, limits
    from app.api.cases import bp
    from app.api.casework import casework_bp
    from app.api.closure import closure_bp
    from app.api.reports import reports_bp
    from app.api.reviews import reviews_bp
    from app.api.work import work_bp

    blueprints = (bp, reports_bp, work_bp, closure_bp, reviews_bp, casework_bp)
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    errors.init_app(app)
    limits.init_app(app, blueprints)
    if proxies := int(app.config["TRUSTED_PROXY_COUNT"]):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies)  # type: ignore[method-assign]
