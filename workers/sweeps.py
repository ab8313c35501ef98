"""Periodic sweeps: pick up whatever a webhook committed but could not hand to Redis."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app

from app.cases import calls, texting
from app.clock import now
from app.extensions import db
from app.jobs import enqueue_now
from app.messaging import outbox
from ivr_flows import text_flows

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


def close_idle_conversations() -> int:
    """Send next questions whose scheduled job was lost; close conversations idle for 24 hours."""
    for conversation_id in texting.waiting_conversations(db.session):
        texting.continue_conversation(db.session, text_flows(), conversation_id)
    expired = 0
    for conversation in texting.idle_conversations(db.session):
        case = texting.expire(db.session, conversation)
        db.session.commit()
        log.info("text conversation %s expired; incomplete case %s", conversation.id, case.reference)
        expired += 1
    return expired
