"""A webhook's latency does not depend on Redis: jobs are handed over off the request path.

With Redis frozen (SIGSTOP: it accepts connections and never answers, as in a network partition),
every text is still answered at once; one background thread per process pays one Redis timeout,
then the circuit breaker skips Redis and the sweeps queue what was skipped.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
import xml.etree.ElementTree as ET

import pytest
import requests
from redis import Redis
from rq import Queue
from twilio.request_validator import RequestValidator

from app import jobs
from benchmarks.servers import REAL_APP, Gunicorn
from tests.conftest import AUTH_TOKEN, PUBLIC_BASE_URL
from tests.phone import Texter
from tests.redis_server import RedisServer

TEXTS, PER_SECOND, RESIDENTS = 80, 2.0, 10
REPLY_WITHIN_SECONDS = 1.0
TWILIO_WAITS = 15.0  # seconds; then Twilio gives up on the webhook


def resident(index: int) -> str:
    return f"+4479110005{index:02d}"


def text_over_http(base_url: str, from_number: str, body: str) -> tuple[float, str]:
    """One signed text to gunicorn, as Twilio sends it; the seconds until the reply, and what was wrong."""
    form = {
        "MessageSid": "SM" + secrets.token_hex(16),
        "AccountSid": "AC" + "1" * 32,
        "From": from_number,
        "To": "+441214647269",
        "Body": body,
        "NumMedia": "0",
    }
    url = f"{base_url}/twilio/sms"
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, form)
    started = time.perf_counter()
    try:
        with requests.Session() as session:
            session.trust_env = False
            response = session.post(url, data=form, headers={"X-Twilio-Signature": signature}, timeout=TWILIO_WAITS)
    except requests.RequestException as error:
        return time.perf_counter() - started, f"no reply ({type(error).__name__})"
    elapsed = time.perf_counter() - started
    if response.status_code != 200 or not response.headers["Content-Type"].startswith("text/xml"):
        return elapsed, f"{response.status_code} {response.headers['Content-Type']}"
    ET.fromstring(response.text)  # TwiML that Twilio can read
    return elapsed, ""


@pytest.mark.skipif(os.environ.get("RUN_SLOW_TESTS") != "1", reason="slow (40 s of texts): set RUN_SLOW_TESTS=1")
def test_with_redis_frozen_80_texts_at_2_a_second_are_each_answered_within_a_second(app, settings, tmp_path):
    server = RedisServer(tmp_path / "redis").start()
    env = {**os.environ, **{k: v for k, v in settings.items() if isinstance(v, str)}, "REDIS_URL": server.url}
    web = Gunicorn(REAL_APP, workers=2, env=env, log_path=tmp_path / "gunicorn.log")  # as the Procfile runs it
    try:
        web.start()
        for index in range(RESIDENTS):  # each resident is mid-report: every text they send queues a job
            assert text_over_http(web.base_url, resident(index), "REPORT")[1] == ""
            assert text_over_http(web.base_url, resident(index), "They shouted at me")[1] == ""
        scheduled = Queue("default", connection=Redis.from_url(server.url)).scheduled_job_registry
        deadline = time.monotonic() + 10
        while len(scheduled) < RESIDENTS and time.monotonic() < deadline:  # handed over just after each reply
            time.sleep(0.1)
        assert len(scheduled) == RESIDENTS, "with Redis healthy, each text's job was queued"
        server.freeze()
        results: list[tuple[float, str]] = []

        def send(index: int) -> None:
            results.append(text_over_http(web.base_url, resident(index % RESIDENTS), f"And another thing {index}"))

        senders = []
        for index in range(TEXTS):
            senders.append(threading.Thread(target=send, args=(index,)))
            senders[-1].start()
            time.sleep(1 / PER_SECOND)
        for sender in senders:
            sender.join(timeout=TWILIO_WAITS + 5)
    finally:
        web.stop()
        server.stop()
    latencies = sorted(seconds for seconds, _ in results)
    median, slowest = latencies[len(latencies) // 2], latencies[-1]
    print(f"\nRedis frozen: {len(latencies)} replies, median {median:.3f} s, slowest {slowest:.3f} s")
    assert len(latencies) == TEXTS
    assert [wrong for _, wrong in results if wrong] == []
    assert slowest < REPLY_WITHIN_SECONDS, f"slowest reply {slowest:.2f} s"


def test_with_redis_frozen_a_text_is_answered_at_once_and_redis_is_tried_once_per_breaker_period(
    make_app, tmp_path, caplog
):
    """The same in-process, quickly: ten texts while Redis hangs; one Redis timeout is paid, by the thread."""
    server = RedisServer(tmp_path / "redis").start()
    try:
        frozen_app = make_app(REDIS_URL=server.url, JOBS_WAIT_AFTER_REQUEST=False)
        texter = Texter(frozen_app.test_client(), PUBLIC_BASE_URL, AUTH_TOKEN, resident(0))
        texter.send("REPORT")
        server.freeze()
        slowest = 0.0
        for number in range(10):
            started = time.perf_counter()
            texter.send(f"And another thing {number}")
            slowest = max(slowest, time.perf_counter() - started)
        assert slowest < REPLY_WITHIN_SECONDS, f"slowest reply {slowest:.2f} s"
        assert jobs.dispatcher.drain(timeout=10), "the thread gave up on the frozen Redis"
        assert jobs.dispatcher.breakers[server.url].is_open
        failures = [r for r in caplog.records if "could not reach Redis" in r.getMessage()]
        assert len(failures) == 1, "one timeout, then the breaker skips Redis"
    finally:
        server.stop()
