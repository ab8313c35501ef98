"""A case's texts with the resident in both directions, oldest first, as the read API and staff see them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.messaging.models import InboundMessage, OutboundMessage

STAFF_NOTIFICATION = "staff_notification"  # texts to officers about the case are not the resident's timeline
DUTY_ALERT = "duty_alert"  # a high-risk case's alert to the duty managers: whether one arrived matters
TO_STAFF = (STAFF_NOTIFICATION, DUTY_ALERT)


def messages_for_case(session: Session, case_id: int) -> list[dict[str, Any]]:
    """Each text as {direction, to, from, body, status, created_at} (created_at an aware datetime)."""
    outbound = session.scalars(
        select(OutboundMessage).where(OutboundMessage.case_id == case_id, OutboundMessage.purpose.not_in(TO_STAFF))
    )
    inbound = session.scalars(select(InboundMessage).where(InboundMessage.case_id == case_id))
    texts: list[tuple[datetime, dict[str, Any]]] = [
        (m.created_at, {"direction": "outbound", "to": m.to_phone, "from": None, "body": m.body, "status": m.status})
        for m in outbound
    ]
    texts += [
        (
            m.received_at,
            {"direction": "inbound", "to": m.to_phone, "from": m.from_phone, "body": m.body, "status": "received"},
        )
        for m in inbound
    ]
    # At the same instant (a frozen clock: tests, `--as-of` runs) a text comes before the reply it got.
    in_order = sorted(texts, key=lambda pair: (pair[0], pair[1]["direction"] != "inbound"))
    return [{**text, "created_at": at} for at, text in in_order]
