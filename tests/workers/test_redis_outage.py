"""Redis stopped for a minute under the Procfile's real worker and cron: neither exits, and when Redis
returns everything owed is sent, once, within two minutes.

Slow by nature (a minute of outage), so it runs when RUN_SLOW_TESTS=1, as CI does on its PostgreSQL run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from redis import Redis
from rq import Worker
from rq.cron_scheduler_registry import get_keys as cron_schedulers
from sqlalchemy import select

from app.extensions import db
from app.messaging.models import REFUSED, REPLIED, OutboundMessage
from devtools.fake_twilio import FakeTwilioApi, FakeTwilioServer
from tests.conftest import ACCOUNT_SID, AUTH_TOKEN, PUBLIC_BASE_URL, RESIDENT
from tests.phone import Phone, Texter
from tests.redis_server import RedisServer
from tests.telephony.test_report_call import report_everything

pytestmark = pytest.mark.skipif(os.environ.get("RUN_SLOW_TESTS") != "1", reason="slow: set RUN_SLOW_TESTS=1")

PROJECT_ROOT = Path(__file__).resolve().parents[2]
OUTAGE_SECONDS = 60
CATCH_UP_SECONDS = 120
SECOND_RESIDENT = "+447911000222"


class HeldTwilio(FakeTwilioApi):
    """Twilio answering only when `released`: a send is in progress when Redis goes."""

    def __init__(self) -> None:
        super().__init__(ACCOUNT_SID, AUTH_TOKEN)
        self.released = threading.Event()
        self.asked = threading.Event()

    def answer(self, request: Any) -> Any:
        self.asked.set()
        self.released.wait(timeout=120)
        return super().answer(request)


def texts_owed(app: Any) -> list[tuple[str, str]]:
    """Every text the database says should reach Twilio (not TwiML replies, not refusals)."""
    with app.app_context():
        query = select(OutboundMessage).where(OutboundMessage.status.not_in([REPLIED, REFUSED]))
        owed = sorted((m.to_phone, m.body) for m in db.session.scalars(query))
        db.session.remove()
    return owed


def sent(twilio: FakeTwilioApi) -> list[tuple[str, str]]:
    return sorted((m["To"], m["Body"]) for m in twilio.sent)


def procfile_command(name: str) -> str:
    for line in (PROJECT_ROOT / "Procfile").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return line.split(":", 1)[1].strip()
    raise KeyError(name)


def start_process(name: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """The Procfile's command for `name`, run by a shell as honcho does (the venv first on PATH, as `make serve`)."""
    env = {**env, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"}
    with log.open("ab") as output:
        return subprocess.Popen(
            ["sh", "-c", procfile_command(name)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_for(condition: Any, seconds: float, what: str) -> float:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < seconds, f"{what}: not within {seconds:.0f} s"
        time.sleep(0.5)
    return time.monotonic() - started


def stop(process: subprocess.Popen[bytes]) -> int:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return -9
    return process.returncode


def test_worker_and_cron_ride_out_a_minute_without_redis_and_send_what_is_owed_once(
    make_app, officers, settings, tmp_path
):
    server = RedisServer(tmp_path / "redis").start()
    twilio = HeldTwilio()
    processes: dict[str, subprocess.Popen[bytes]] = {}
    with FakeTwilioServer(twilio) as twilio_server:
        overrides = {"REDIS_URL": server.url, "TWILIO_API_BASE_URL": twilio_server.base_url}
        env = {**os.environ, **{k: v for k, v in {**settings, **overrides}.items() if isinstance(v, str)}}
        web = make_app(**overrides).test_client()
        try:
            for name in ("worker", "cron"):
                processes[name] = start_process(name, env, tmp_path / f"{name}.log")
            redis = Redis.from_url(server.url)
            wait_for(lambda: Worker.count(connection=redis) and cron_schedulers(redis), 30, "worker and cron up")

            before = Phone(web, PUBLIC_BASE_URL, AUTH_TOKEN, RESIDENT)
            report_everything(before)
            wait_for(twilio.asked.is_set, 30, "the worker sending the first confirmation")
            server.stop()  # Redis goes while that send is in progress
            redis.close()
            outage_began = time.monotonic()

            report_everything(Phone(web, PUBLIC_BASE_URL, AUTH_TOKEN, SECOND_RESIDENT))
            texter = Texter(web, PUBLIC_BASE_URL, AUTH_TOKEN, "+447911000333")
            assert "REPORT" in (texter.send("hello") or "")
            time.sleep(5)
            twilio.released.set()  # the send in progress completes (within the Twilio client's timeout), without Redis
            time.sleep(OUTAGE_SECONDS - (time.monotonic() - outage_began))
            assert {name: p.poll() for name, p in processes.items()} == {"worker": None, "cron": None}

            server.start()  # persisted: what was queued before the outage is still there
            reader = make_app(**overrides)

            def all_sent() -> bool:
                owed = texts_owed(reader)
                return {RESIDENT, SECOND_RESIDENT} <= {to for to, _ in owed} and sent(twilio) == owed

            caught_up = wait_for(all_sent, CATCH_UP_SECONDS, "everything owed sent")
            print(f"\neverything owed was sent {caught_up:.0f} s after Redis returned")
            time.sleep(10)  # a second send would show up now
            assert sent(twilio) == texts_owed(reader), "each text exactly once"
            assert len(texts_owed(reader)) >= 3, "two confirmations and at least one officer told"
            with reader.app_context():
                assert {m.status for m in db.session.scalars(select(OutboundMessage))} <= {"queued", REPLIED}
                db.session.remove()
            assert {name: p.poll() for name, p in processes.items()} == {"worker": None, "cron": None}
        finally:
            twilio.released.set()
            codes = {name: stop(process) for name, process in processes.items()}
            server.stop()
    logs = {name: (tmp_path / f"{name}.log").read_text(errors="replace") for name in processes}
    for name, text in logs.items():
        print(f"--- {name}.log, last lines ---\n" + "\n".join(text.splitlines()[-25:]))
    assert codes == {"worker": 0, "cron": 0}, "SIGTERM stops both cleanly"
    for name, text in logs.items():
        assert RESIDENT not in text, f"{name} logged a phone number"
        assert text.count("Redis still unreachable") <= 1 + OUTAGE_SECONDS // 60, (
            f"{name} logged more than once a minute"
        )
