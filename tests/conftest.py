"""Fixtures: a real database and a real Redis per session, cleaned after every test.

With DATABASE_URL and REDIS_URL unset (a newcomer's `make test`), the
database is an SQLite file in a temp dir and Redis is the project's own
embedded server; CI sets both to the machine's PostgreSQL and Redis.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis

_INSTANCE = tempfile.mkdtemp(prefix="hatecrime-test-instance-")
os.environ["INSTANCE_PATH"] = _INSTANCE  # before app.config is imported: no secrets written to the checkout
for _name in (
    "TWILIO_EDGE",
    "TWILIO_REGION",
    "TWILIO_MESSAGING_SERVICE_SID",
    "TWILIO_API_BASE_URL",
    "CONTACT_CENTRE_NUMBER",
    "DEV_TEXTS_LOG",
    "PORT",
):
    os.environ.pop(_name, None)

from app import create_app  # noqa: E402
from app.clock import frozen_at  # noqa: E402
from app.extensions import db, make_engine  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from app.models import Base  # noqa: E402
from app.staff.accounts import WorkingPattern, create_staff  # noqa: E402
from devtools.embedded_redis import EmbeddedRedis  # noqa: E402
from devtools.fake_twilio import FakeTwilioApi, FakeTwilioServer  # noqa: E402
from tests.phone import Phone, Texter  # noqa: E402

ACCOUNT_SID = "AC" + "1" * 32
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
PUBLIC_BASE_URL = "https://hatecrime.example.gov.uk"
CONTACT_CENTRE = "+441213030000"
RESIDENT = "+447911123456"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    engine.dispose()
    upgrade(url)
    yield url


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    server = EmbeddedRedis(Path(tempfile.mkdtemp(prefix="hcr-")) / "redis.sock").start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def twilio_server() -> Iterator[FakeTwilioServer]:
    with FakeTwilioServer(FakeTwilioApi(ACCOUNT_SID, AUTH_TOKEN)) as server:
        yield server


@pytest.fixture
def twilio_api(twilio_server: FakeTwilioServer) -> Iterator[FakeTwilioApi]:
    twilio_server.api.reset()
    yield twilio_server.api
    twilio_server.api.reset()


def settings_for(database_url: str, redis_url: str, twilio_base_url: str) -> dict[str, Any]:
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "test-secret",
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_PHONE_NUMBER": "+441214647269",
        "TWILIO_MESSAGING_SERVICE_SID": "",
        "TWILIO_API_BASE_URL": twilio_base_url,
        "CONTACT_CENTRE_NUMBER": CONTACT_CENTRE,
    }


@pytest.fixture
def settings(database_url: str, redis_url: str, twilio_server: FakeTwilioServer) -> dict[str, Any]:
    return settings_for(database_url, redis_url, twilio_server.base_url)


@pytest.fixture
def app(settings: dict[str, Any], redis: Redis) -> Iterator[Flask]:
    app = create_app(settings)
    with app.app_context():
        yield app
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


@pytest.fixture
def make_app(settings: dict[str, Any], app: Flask) -> Iterator[Any]:
    """Another app on the same database with some settings changed; its engine is closed afterwards."""
    made: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        other = create_app({**settings, **overrides})
        made.append(other)
        db.session.remove()
        return other

    yield make
    db.session.remove()
    for other in made:
        other.extensions["database_engine"].dispose()


def _empty_tables() -> None:
    with db.session() as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(table.delete())
        session.commit()


@pytest.fixture
def redis(redis_url: str) -> Iterator[Redis]:
    connection = Redis.from_url(redis_url)
    connection.flushdb()
    yield connection
    connection.flushdb()
    connection.close()


class ClosingClient(FlaskClient):
    """Reads and closes every response as a WSGI server does, so work queued after the response runs."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> Any:
    app.test_client_class = ClosingClient
    return app.test_client()


@pytest.fixture
def call_from(client: Any) -> Any:
    """Make a phone calling the line from `number`."""
    return lambda number: Phone(client, PUBLIC_BASE_URL, AUTH_TOKEN, from_number=number)


@pytest.fixture
def phone(call_from: Any) -> Phone:
    """A resident's phone calling the line from RESIDENT."""
    return call_from(RESIDENT)


def london(text: str) -> datetime:
    """A named instant in tests: '2026-11-27 18:30' London time."""
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def at() -> Any:
    """`with at("2026-11-27 18:30"):` runs the block at that London time."""
    return lambda text: frozen_at(london(text))


@pytest.fixture
def text_from(client: Any) -> Any:
    """Make a mobile texting the line from `number`."""
    return lambda number: Texter(client, PUBLIC_BASE_URL, AUTH_TOKEN, from_number=number)


@pytest.fixture
def texter(text_from: Any) -> Texter:
    """A resident's mobile (RESIDENT) texting the line."""
    return text_from(RESIDENT)


OFFICER_A, OFFICER_B, OFFICER_C = "+447900000001", "+447900000002", "+447900000003"
MANAGER, DUTY = "+447900000010", "+447900000011"


@pytest.fixture
def officers(app):
    create_staff(db.session, "manager@example.org", "Mo Manager", "manager", mobile=MANAGER)
    create_staff(db.session, "duty@example.org", "Dee Duty", "manager", mobile=DUTY, duty_manager=True)
    create_staff(
        db.session,
        "a@example.org",
        "Asha Patel",
        "officer",
        mobile=OFFICER_A,
        patch=["B10", "b11"],
        manager_email="manager@example.org",
    )
    create_staff(
        db.session, "b@example.org", "Ben Jones", "officer", mobile=OFFICER_B, manager_email="manager@example.org"
    )
    create_staff(
        db.session,
        "c@example.org",
        "Cai Wong",
        "officer",
        mobile=OFFICER_C,
        manager_email="manager@example.org",
        pattern=WorkingPattern((5, 6), "09:00", "17:00"),
    )  # weekends only


def at_once(app: Flask, job: Any, times: int = 2) -> list[Any]:
    """Run `job` in `times` threads at the same moment, each in its own app context, as two schedulers would.

    The threads see the test's frozen clock as it is (the clock is one for the process). Freezing it again
    in each thread would leak: the last thread out restores the instant another thread froze, and every
    later test would run at that instant.
    """
    import threading

    results: list[Any] = []
    barrier = threading.Barrier(times)

    def run() -> None:
        with app.app_context():
            barrier.wait()
            results.append(job())

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
