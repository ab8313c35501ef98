"""The floor for `benchmarks.webhooks`: the least any persisted Twilio webhook can do.

It answers POST /twilio/voice by checking the Twilio signature against
PUBLIC_BASE_URL (`twilio.request_validator.RequestValidator`), inserting the
call (CallSid, From, To, received_at) into one table with SQLAlchemy Core on
the app's DATABASE_URL, committing, and returning the bare route's static
TwiML. No ORM, no call flow, no session: whatever the real app costs beyond
this is its own work. Served by gunicorn as `benchmarks.floor_app:create_app()`;
the benchmark creates the table before and drops it after (`create_table`,
`drop_table`), so two workers starting at once never race to create it.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, abort, request
from sqlalchemy import Column, DateTime, Engine, MetaData, String, Table, create_engine, event
from twilio.request_validator import RequestValidator

from benchmarks.bare_app import STATIC_TWIML

metadata = MetaData()
calls = Table(
    "bench_floor_calls",
    metadata,
    Column("call_sid", String(34), primary_key=True),  # unique, as a webhook Twilio may retry needs
    Column("from_phone", String(32)),
    Column("to_phone", String(32)),
    Column("received_at", DateTime(timezone=True), nullable=False),
)


def make_engine(database_url: str) -> Engine:
    """A plain engine; SQLite gets the app's busy timeout and WAL, without which two workers fail at once."""
    if not database_url.startswith("sqlite"):
        return create_engine(database_url)
    engine = create_engine(database_url, connect_args={"timeout": 15})

    @event.listens_for(engine, "connect")
    def _wal(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    return engine


def create_table(database_url: str) -> None:
    """Create the table afresh (emptied if a previous run left it)."""
    engine = make_engine(database_url)
    try:
        metadata.drop_all(engine)
        metadata.create_all(engine)
    finally:
        engine.dispose()


def drop_table(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        metadata.drop_all(engine)
    finally:
        engine.dispose()


def create_app() -> Flask:
    """The floor app, configured from DATABASE_URL, PUBLIC_BASE_URL and TWILIO_AUTH_TOKEN."""
    engine = make_engine(os.environ["DATABASE_URL"])
    base_url = os.environ["PUBLIC_BASE_URL"].rstrip("/")
    validator = RequestValidator(os.environ["TWILIO_AUTH_TOKEN"])
    app = Flask(__name__)

    @app.post("/twilio/voice")
    def incoming_call() -> Response:
        query = request.query_string.decode("latin-1")
        url = f"{base_url}{request.path}?{query}" if query else f"{base_url}{request.path}"
        form = request.form.to_dict(flat=True)
        if not validator.validate(url, form, request.headers.get("X-Twilio-Signature", "")):
            abort(403)
        with engine.begin() as connection:
            connection.execute(
                calls.insert().values(
                    call_sid=form.get("CallSid", ""),
                    from_phone=form.get("From"),
                    to_phone=form.get("To"),
                    received_at=datetime.now(UTC),
                )
            )
        return Response(STATIC_TWIML, mimetype="text/xml")

    return app
