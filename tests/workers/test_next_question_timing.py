"""The next question promised "in a minute" comes in a minute, sent by a real worker's scheduler.

Slow by nature (a real minute), so it runs when RUN_SLOW_TESTS=1, as CI does on its PostgreSQL run.
"""

from __future__ import annotations

import os
import time

import pytest

from tests.workers.real_worker import start_rq_worker

pytestmark = pytest.mark.skipif(os.environ.get("RUN_SLOW_TESTS") != "1", reason="slow: set RUN_SLOW_TESTS=1")


def test_the_next_question_arrives_a_minute_after_the_resident_stops_typing(app, texter, settings, twilio_api):
    worker = start_rq_worker(settings, "--with-scheduler")
    try:
        texter.send("REPORT")
        # RQ keeps due times in whole seconds: late in a second, the job becomes due almost a second early.
        while time.time() % 1 < 0.85:
            time.sleep(0.01)
        assert "next question in a minute" in texter.send("Someone wrote slurs on my car")
        typed_at = time.monotonic()
        while not twilio_api.sent and time.monotonic() - typed_at < 90:
            time.sleep(0.2)
        waited = time.monotonic() - typed_at
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    assert twilio_api.sent and "Where did it happen" in twilio_api.sent[0]["Body"]
    assert 58 < waited < 70, f"sent after {waited:.0f} s"
