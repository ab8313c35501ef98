"""Configuration: the only module that reads environment variables.

Every setting is documented in the README. Secrets (``SECRET_KEY``,
``TWILIO_AUTH_TOKEN``) have no default in code: when they are unset the app
generates random local-development values once and keeps them in
``instance/local-secrets.json``, so a forgotten production secret fails closed
(every Twilio signature is rejected) instead of running with a known value.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", PROJECT_ROOT / "instance"))

DEFAULT_PHONE_NUMBER = "+441214647269"


def embedded_redis_socket() -> Path:
    """Where `make run` and the tests put the project's own Redis server."""
    return INSTANCE_DIR / "redis.sock"


def _local_secret(name: str) -> str:
    """A random secret generated once for this checkout (development only)."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "local-secrets.json"
    stored = json.loads(path.read_text()) if path.exists() else {}
    if name not in stored:
        stored[name] = secrets.token_hex(20)
        path.write_text(json.dumps(stored))
        path.chmod(0o600)
    return str(stored[name])


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, "").strip() or default


def is_set(name: str) -> bool:
    """True when the environment sets `name` (`make run` fills in what is missing)."""
    return bool(_env(name))


def twilio_credentials_configured() -> bool:
    """True when both real Twilio credentials are set; `make run` otherwise uses a local stand-in."""
    return is_set("TWILIO_ACCOUNT_SID") and is_set("TWILIO_AUTH_TOKEN")


def dev_texts_log() -> Path:
    """Where `make run`'s stand-in for Twilio writes the texts shown at /dev/texts."""
    return INSTANCE_DIR / "dev-texts.jsonl"


@dataclass
class Config:
    """Settings for one app instance; build with `Config.from_environment()`."""

    DATABASE_URL: str
    REDIS_URL: str
    SECRET_KEY: str
    PUBLIC_BASE_URL: str
    TWILIO_ACCOUNT_SID: str
    TWILIO_AUTH_TOKEN: str
    TWILIO_PHONE_NUMBER: str
    TWILIO_MESSAGING_SERVICE_SID: str
    TWILIO_API_BASE_URL: str
    CONTACT_CENTRE_NUMBER: str
    PORT: int = 5000
    DEV_TEXTS_LOG: str = ""
    CONTACT_CENTRE_OPENS: str = "09:00"
    CONTACT_CENTRE_CLOSES: str = "17:00"
    SMS_FLOOD_LIMIT_PER_MINUTE: int = 10
    CLEANSING_TEAM_MOBILE: str = ""
    CLEANSING_MANAGER_MOBILE: str = ""
    CLEANSING_TEAM_EMAIL: str = ""
    CLEANSING_MANAGER_EMAIL: str = ""
    SMTP_HOST: str = ""
    SMTP_PORT: int = 587
    SMTP_USERNAME: str = ""
    SMTP_PASSWORD: str = ""
    SMTP_FROM: str = "hate-crime-line@birmingham.gov.uk"
    SMTP_STARTTLS: bool = True
    # Rate limits on the JSON API only (never on Twilio's webhooks), in Flask-Limiter's notation.
    API_LIMIT_PER_ADDRESS: str = "120/minute"
    API_LIMIT_PER_TOKEN: str = "60/minute;3000/day"
    API_FAILED_TOKEN_LIMIT: str = "10/minute;100/day"
    # Where the counts live: empty means REDIS_URL (memory:// when TESTING).
    RATELIMIT_STORAGE_URI: str = ""
    # How many proxies in front of the app set X-Forwarded-For (the per-address limits and the audit log
    # need the caller's address, not the load balancer's); 0 trusts no header.
    TRUSTED_PROXY_COUNT: int = 0
    # The staff console's session cookie: Secure unless turned off for plain-http development.
    SESSION_COOKIE_SECURE: bool = True
    SESSION_COOKIE_HTTPONLY: bool = True
    SESSION_COOKIE_SAMESITE: str = "Lax"
    # Refused console sign-ins before the next attempt must wait (Flask-Limiter's notation).
    SIGN_IN_LIMIT_PER_ACCOUNT: str = "5 per 15 minutes"
    SIGN_IN_LIMIT_PER_ADDRESS: str = "20 per 15 minutes"
    # Requests to the public satisfaction survey pages from one address (mobile networks share addresses).
    SURVEY_LIMIT_PER_ADDRESS: str = "30 per minute;300 per day"
    # Single sign-on to the console with the council's OpenID Connect provider (e.g. Microsoft Entra ID);
    # empty OIDC_ISSUER: passwords only.
    OIDC_ISSUER: str = ""
    OIDC_CLIENT_ID: str = ""
    OIDC_CLIENT_SECRET: str = ""
    TESTING: bool = False
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def from_environment(cls) -> Config:
        return cls(
            DATABASE_URL=_env("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'hatecrime.sqlite3'}"),
            REDIS_URL=_env("REDIS_URL", f"unix://{embedded_redis_socket()}"),
            SECRET_KEY=_env("SECRET_KEY") or _local_secret("SECRET_KEY"),
            PUBLIC_BASE_URL=_env("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
            TWILIO_ACCOUNT_SID=_env("TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000000"),
            TWILIO_AUTH_TOKEN=_env("TWILIO_AUTH_TOKEN") or _local_secret("TWILIO_AUTH_TOKEN"),
            TWILIO_PHONE_NUMBER=_env("TWILIO_PHONE_NUMBER", DEFAULT_PHONE_NUMBER),
            TWILIO_MESSAGING_SERVICE_SID=_env("TWILIO_MESSAGING_SERVICE_SID"),
            TWILIO_API_BASE_URL=_env("TWILIO_API_BASE_URL").rstrip("/"),
            CONTACT_CENTRE_NUMBER=_env("CONTACT_CENTRE_NUMBER"),
            PORT=int(_env("PORT", "5000")),
            DEV_TEXTS_LOG=_env("DEV_TEXTS_LOG"),
            CONTACT_CENTRE_OPENS=_env("CONTACT_CENTRE_OPENS", "09:00"),
            CONTACT_CENTRE_CLOSES=_env("CONTACT_CENTRE_CLOSES", "17:00"),
            SMS_FLOOD_LIMIT_PER_MINUTE=int(_env("SMS_FLOOD_LIMIT_PER_MINUTE", "10")),
            CLEANSING_TEAM_MOBILE=_env("CLEANSING_TEAM_MOBILE"),
            CLEANSING_MANAGER_MOBILE=_env("CLEANSING_MANAGER_MOBILE"),
            CLEANSING_TEAM_EMAIL=_env("CLEANSING_TEAM_EMAIL"),
            CLEANSING_MANAGER_EMAIL=_env("CLEANSING_MANAGER_EMAIL"),
            SMTP_HOST=_env("SMTP_HOST"),
            SMTP_PORT=int(_env("SMTP_PORT", "587")),
            SMTP_USERNAME=_env("SMTP_USERNAME"),
            SMTP_PASSWORD=_env("SMTP_PASSWORD"),
            SMTP_FROM=_env("SMTP_FROM", "hate-crime-line@birmingham.gov.uk"),
            SMTP_STARTTLS=_env("SMTP_STARTTLS", "true").lower() in {"1", "true", "yes"},
            API_LIMIT_PER_ADDRESS=_env("API_LIMIT_PER_ADDRESS", "120/minute"),
            API_LIMIT_PER_TOKEN=_env("API_LIMIT_PER_TOKEN", "60/minute;3000/day"),
            API_FAILED_TOKEN_LIMIT=_env("API_FAILED_TOKEN_LIMIT", "10/minute;100/day"),
            RATELIMIT_STORAGE_URI=_env("RATELIMIT_STORAGE_URI"),
            TRUSTED_PROXY_COUNT=int(_env("TRUSTED_PROXY_COUNT", "0")),
            SESSION_COOKIE_SECURE=_env("SESSION_COOKIE_SECURE", "true").lower() in {"1", "true", "yes"},
            SIGN_IN_LIMIT_PER_ACCOUNT=_env("SIGN_IN_LIMIT_PER_ACCOUNT", "5 per 15 minutes"),
            SIGN_IN_LIMIT_PER_ADDRESS=_env("SIGN_IN_LIMIT_PER_ADDRESS", "20 per 15 minutes"),
            SURVEY_LIMIT_PER_ADDRESS=_env("SURVEY_LIMIT_PER_ADDRESS", "30 per minute;300 per day"),
            OIDC_ISSUER=_env("OIDC_ISSUER"),
            OIDC_CLIENT_ID=_env("OIDC_CLIENT_ID"),
            OIDC_CLIENT_SECRET=_env("OIDC_CLIENT_SECRET"),
        )

    def as_flask_mapping(self) -> dict[str, object]:
        values = {k: v for k, v in self.__dict__.items() if k != "extra"}
        values.update(self.extra)
        return values
