"""Periodic sweeps: pick up whatever a webhook committed but could not hand to Redis."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from rq.registry import clean_registries

from app.background.context import job
from app.background.tasks import DRAIN_SECONDS, teams, tell_untold_owners
from app.calendar import LONDON
from app.casework import progress, review_recording, tasks
from app.casework.texts_in_doubt import after_text_in_doubt, unfollowed_texts
from app.clock import now
from app.extensions import db
from app.intake import calls, texting
from app.jobs import QUEUE_NAME, JobName, JobRequest, enqueue_now
from app.messaging import outbox
from app.messaging.email import due_emails
from app.messaging.models import OutboundMessage
from ivr_flows import text_flows

log = logging.getLogger(__name__)

CALL_IDLE_BEFORE_CLOSING = timedelta(minutes=30)


def _redis_url() -> str:
    return str(current_app.config["REDIS_URL"])


@job
def sweep_outbox() -> int:
    """Queue every text and email that is due and not yet sent; returns how many jobs were added.

    Also fails RQ jobs whose worker died (SIGKILL, OOM) as soon as their
    heartbeat lapses, rather than after RQ's default of about 7 minutes.
    """
    requests = outbox.due_for_sending(db.session(), now()) + due_emails(db.session(), now())
    for message_id in unfollowed_texts(db.session()):  # e.g. claims a killed worker left, now uncertain
        message = db.session.get(OutboundMessage, message_id, populate_existing=True)
        if message is not None:
            after_text_in_doubt(db.session(), message)
            db.session.commit()
    added = enqueue_now(_redis_url(), requests) if requests else 0
    log.info("outbox sweep: %s due, %s queued", len(requests), added)
    try:
        clean_registries(Queue(QUEUE_NAME, connection=Redis.from_url(_redis_url(), socket_timeout=5)))
    except RedisError as error:
        log.warning("could not clean RQ registries (%s)", type(error).__name__)
    return added


@job
def send_reminders() -> str:
    """Tell the owners of tasks whose notification job was lost (a task that cannot be told is logged and
    passed over: the reminders still go); give ownerless tasks an officer; noon reminders; escalation at the
    deadline."""
    told = tell_untold_owners(time.monotonic() + DRAIN_SECONDS)
    assigned, raised = tasks.assign_ownerless(db.session(), teams())
    reminded, escalated = tasks.send_reminders(db.session(), teams())
    return (
        f"{told} notified, {assigned} given an officer, {raised} without one raised, "
        f"{reminded} reminded, {escalated} escalated"
    )


@job
def remind_overdue_reviews() -> str:
    """Tell managers, once per review, of fortnightly case reviews past their date."""
    return f"{review_recording.remind_overdue_reviews(db.session(), teams())} reminded"


@job
def queue_progress_updates() -> int:
    """From 10:00 on working days: one job per open case due its fortnightly update."""
    due = progress.due_case_ids(db.session(), now())
    # One job id per case per run: two schedulers in the same run queue it once, and a job lost with
    # a killed worker is queued again by the next run (the database makes a second contact a no-op).
    run = now().astimezone(LONDON)
    requests = [
        JobRequest(JobName.CONTACT_FOR_UPDATE, (case_id, run.isoformat()), f"progress-{case_id}-{run:%Y%m%d%H%M}")
        for case_id in due
    ]
    added = enqueue_now(_redis_url(), requests) if requests else 0
    log.info("progress updates: %s cases due, %s queued", len(due), added)
    return added


@job
def close_abandoned_calls() -> int:
    """Calls quiet for 30 minutes with no status callback are over: keep what they said."""
    closed = 0
    for call in calls.unfinished_calls(db.session(), now() - CALL_IDLE_BEFORE_CLOSING):
        if calls.end_call(db.session(), call.call_sid, "no-status-callback", None) is not None:
            closed += 1
    log.info("incomplete-calls sweep: %s incomplete case(s) opened", closed)
    return closed


@job
def close_idle_conversations() -> int:
    """Send next questions whose scheduled job was lost; close conversations idle for 24 hours."""
    for conversation_id in texting.waiting_conversations(db.session()):
        texting.continue_conversation(db.session(), text_flows(), conversation_id)
    expired = 0
    for conversation in texting.idle_conversations(db.session()):
        case = texting.expire(db.session(), conversation)
        db.session.commit()
        log.info("text conversation %s expired; incomplete case %s", conversation.id, case.reference)
        expired += 1
    return expired
