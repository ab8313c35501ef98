"""Periodic sweeps: pick up whatever a webhook committed but could not hand to Redis."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app

from app.cases import calls
from app.clock import now
from app.extensions import db
from app.jobs import enqueue_now
from app.messaging import outbox

log = logging.getLogger(__name__)

CALL_IDLE_BEFORE_CLOSING = timedelta(minutes=30)


def sweep_outbox() -> int:
    """Queue every text that is due and not yet sent; returns how many jobs were added."""
    requests = outbox.due_for_sending(db.session, now())
    added = enqueue_now(str(current_app.config["REDIS_URL"]), requests) if requests else 0
    log.info("outbox sweep: %s due, %s queued", len(requests), added)
    return added


def close_abandoned_calls() -> int:
    """Calls quiet for 30 minutes with no status callback are over: keep what they said."""
    closed = 0
    for call in calls.unfinished_calls(db.session, now() - CALL_IDLE_BEFORE_CLOSING):
        if calls.end_call(db.session, call.call_sid, "no-status-callback", None) is not None:
            closed += 1
    log.info("incomplete-calls sweep: %s incomplete case(s) opened", closed)
    return closed
