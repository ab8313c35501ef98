"""Birmingham City Council's hate crime reporting line: the Flask application."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, jsonify

from app.config import INSTANCE_DIR, Config
from app.extensions import db
from app.log_privacy import keep_row_values_out_of_logs


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from the environment; `config` overrides settings (tests)."""
    app = Flask(__name__, instance_path=str(INSTANCE_DIR), instance_relative_config=False)
    app.config.from_mapping(Config.from_environment().as_flask_mapping())
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024  # Twilio's webhooks and our JSON are small
    if config:
        app.config.from_mapping(config)
    register_logging(app)
    register_extensions(app)
    register_security(app)
    register_blueprints(app)
    register_cli(app)
    register_checks()
    return app


def register_logging(app: Flask) -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    keep_row_values_out_of_logs("rq.worker")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    # The twilio client logs every request's URL and parameters at INFO: references and ids only here.
    logging.getLogger("twilio.http_client").setLevel(logging.WARNING)
    # WeasyPrint (letters) logs each step of every PDF at INFO, and fontTools each font it subsets.
    for chatty in ("weasyprint", "weasyprint.progress", "fontTools"):
        logging.getLogger(chatty).setLevel(logging.WARNING)


def register_extensions(app: Flask) -> None:
    from app import jobs

    db.init_app(app)
    jobs.init_app(app)


def register_security(app: Flask) -> None:
    from app import security

    security.init_app(app)  # headers on every response, a CSP nonce per request


def register_blueprints(app: Flask) -> None:
    from app import api, console, dev_texts, survey
    from app.rate_limits import never_limit
    from app.security import BrowserSessions
    from app.telephony.sms import bp as sms_bp
    from app.telephony.voice import bp as voice_bp

    twilio_webhooks = (voice_bp, sms_bp)
    for webhooks in twilio_webhooks:
        app.register_blueprint(webhooks)
    # Twilio signs every webhook, and a refusal would lose a caller's or texter's words: never limited.
    never_limit(app, {webhooks.name for webhooks in twilio_webhooks})
    # Nor do they (or the bearer-token API) keep a cookie session: only browsers do.
    webhook_paths = tuple(str(webhooks.url_prefix) for webhooks in twilio_webhooks)
    app.session_interface = BrowserSessions(sessionless_paths=(*webhook_paths, "/api/"))
    api.init_app(app)  # with its rate limits, which cover the API only
    dev_texts.init_app(app)
    console.init_app(app)  # the staff pages, with their sign-in, CSRF and sign-in limits
    survey.init_app(app)  # the public satisfaction survey, on the console's GOV.UK templates

    @app.get("/")
    def service_status() -> Any:
        return jsonify(service="Birmingham City Council hate crime reporting line", phone="0121 464 7269", status="ok")


def register_cli(app: Flask) -> None:
    from app.cli import register_commands

    register_commands(app)


def register_checks() -> None:
    """Load and validate the call flows and the job registry now, so a mistake stops the app, not a call."""
    from app.background.registry import check_registry
    from ivr_flows import phone_flows, text_flows

    phone_flows()
    text_flows()
    check_registry()
