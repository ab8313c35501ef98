"""The database (one engine per app, created in `init_app`, never at import; one session per thread), and the
console's sign-in manager and CSRF protection (configured by `app.console.init_app`)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import DateTime, Engine, create_engine, event, exc
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base for every model."""


class AppBoundSession(Session):
    """A session that talks to the engine of whichever app is current."""

    def get_bind(self, *args: Any, **kwargs: Any) -> Engine:
        return current_app.extensions["database_engine"]  # type: ignore[no-any-return]


class Database:
    """One engine per app, one session per thread; sessions end with the app context.

    `db.session` is the thread-local proxy; the domain's functions take a real `Session`, so the
    edges (views, jobs, commands) pass `db.session()`, this thread's session. (A session event
    listened for on the proxy would be heard by every thread's session, not just this one.)
    """

    def __init__(self) -> None:
        self.session: scoped_session[Session] = scoped_session(
            sessionmaker(class_=AppBoundSession, expire_on_commit=False)
        )

    @property
    def engine(self) -> Engine:
        return current_app.extensions["database_engine"]  # type: ignore[no-any-return]

    def init_app(self, app: Flask) -> None:
        app.extensions["database_engine"] = make_engine(str(app.config["DATABASE_URL"]))

        @app.teardown_appcontext
        def remove_session(_exc: BaseException | None) -> None:
            self.session.remove()

        # Each request gets a fresh session even inside an outer app context (the CLI, tests).
        app.teardown_request(remove_session)


def each_statement_committed(session: Session) -> None:
    """Until the session next commits, each statement commits as it runs: no BEGIN and COMMIT round trips.

    For work that is one statement at a time, each atomic on its own (a new call's INSERT, an answer's
    UPDATE, an outbox row's claim and its outcome): in a transaction, PostgreSQL needs two
    more round trips for the same work. Anything of several statements runs after a commit, in a
    transaction again: the pool resets the connection on its return. A session already in a
    transaction (a test's, sharing its thread) is left as it is.
    """
    if not session.in_transaction():
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets a busy timeout, enforced foreign keys and WAL."""
    # hide_parameters: a database error's message (and so any log of it) never carries the values,
    # which are residents' numbers and accounts.
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 15}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    engine = create_engine(
        url,
        hide_parameters=True,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS, "options": SERVER_TIMEOUTS},
        pool_timeout=POOL_TIMEOUT_SECONDS,
    )
    ping_after_idle(engine, PING_AFTER_IDLE_SECONDS)
    return engine


# A database that stops answering must fail a request inside gunicorn's 12 s, so that a caller hears the
# apology and a member of staff sees the console's error page, not a killed worker. Migrations lift the
# statement limit (migrations/env.py): building an index on a large table may take longer.
CONNECT_TIMEOUT_SECONDS = 3
POOL_TIMEOUT_SECONDS = 3.0  # waiting for a pooled connection while every one is busy
STATEMENT_TIMEOUT_MS = 8000
SERVER_TIMEOUTS = f"-c statement_timeout={STATEMENT_TIMEOUT_MS} -c lock_timeout=5000"


# A pooled connection unused for this long is pinged before it is handed out again.
PING_AFTER_IDLE_SECONDS = 10.0


def ping_after_idle(engine: Engine, idle_seconds: float) -> None:
    """Ping a pooled connection before reuse only when it has sat idle, not on every checkout.

    SQLAlchemy's pool_pre_ping costs every request a round trip. A connection in steady use is known to
    be alive; one that sat in the pool (overnight, or across a database restart) may not be, and a dead
    one is replaced here before the request sees it. If the database restarts mid-burst, the requests
    holding connections at that moment fail once and SQLAlchemy renews the whole pool.
    """

    @event.listens_for(engine, "checkin")
    def _note_idle_since(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < idle_seconds:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise exc.DisconnectionError("the pooled connection had gone") from error
        if not alive:
            raise exc.DisconnectionError("the pooled connection had gone")


db = Database()
login_manager = LoginManager()
csrf = CSRFProtect()
