"""Pooled PostgreSQL connections: a dead one left idle is replaced unseen; one in steady use is not pinged."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.exc import DBAPIError

from app.extensions import ping_after_idle


@pytest.fixture
def postgres_url(database_url: str) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    return database_url


@pytest.fixture
def pooled_engine(postgres_url: str) -> Iterator[Callable[[float], Engine]]:
    """`pooled_engine(idle_seconds)`: an engine of one pooled connection, pinged after that long idle."""
    engines: list[Engine] = []

    def make(idle_seconds: float) -> Engine:
        engine = create_engine(postgres_url, pool_size=1, max_overflow=0, hide_parameters=True)
        ping_after_idle(engine, idle_seconds)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.dispose()


def backend_pid(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())


def kill_backend(url: str, pid: int) -> None:
    """What a database restart or an idle-session timeout does to a pooled connection."""
    admin = create_engine(url)
    try:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"SELECT pg_terminate_backend({pid})")
    finally:
        admin.dispose()


def test_a_connection_that_died_while_idle_is_replaced_before_a_request_uses_it(postgres_url, pooled_engine):
    engine = pooled_engine(0)
    first = backend_pid(engine)
    kill_backend(postgres_url, first)
    assert backend_pid(engine) != first  # no error reached the caller


def test_a_connection_in_steady_use_is_not_pinged_so_a_sudden_death_fails_once_then_the_pool_renews(
    postgres_url, pooled_engine
):
    engine = pooled_engine(3600)
    first = backend_pid(engine)
    kill_backend(postgres_url, first)
    with pytest.raises(DBAPIError) as failed:
        backend_pid(engine)
    assert failed.value.connection_invalidated
    assert backend_pid(engine) != first


def test_a_statement_stuck_behind_a_lock_fails_well_inside_gunicorns_timeout_rather_than_hanging(postgres_url):
    """A transaction left holding a lock (a stuck job, a console session mid-migration) must not hang requests."""
    import time

    from app.extensions import make_engine

    holder, app_engine = create_engine(postgres_url), make_engine(postgres_url)
    try:
        with holder.begin() as holding:
            holding.exec_driver_sql("LOCK TABLE staff IN ACCESS EXCLUSIVE MODE")
            started = time.monotonic()
            with pytest.raises(DBAPIError) as stuck, app_engine.connect() as connection:
                connection.exec_driver_sql("SELECT count(*) FROM staff")
            waited = time.monotonic() - started
        assert "lock timeout" in str(stuck.value.orig) and 4 < waited < 8
        with app_engine.connect() as connection:
            assert connection.exec_driver_sql("SHOW statement_timeout").scalar_one() == "8s"
    finally:
        holder.dispose()
        app_engine.dispose()
