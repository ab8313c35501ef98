"""What the line could not do by itself and a person must act on (shown by `flask jobs failed`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.casework.lifecycle import still_open
from app.casework.models import Case, Task
from app.messaging.models import InboundMessage

UNHANDLED = "unhandled"  # a text stored after its handling failed (app/intake/texting.py)


@dataclass(frozen=True)
class NeedsAttention:
    case_reference: str
    problem: str


def needs_attention(session: Session) -> list[NeedsAttention]:
    """High-risk cases no duty manager was told about, tasks no officer could take (while still open),
    and texts that were stored but could not be handled."""
    unalerted = select(Case.reference).where(
        still_open(),
        Case.duty_alert_failed_at.is_not(None),
        Case.tasks.any((Task.kind == "risk_assessment_callback") & (Task.status == "open")),
    )
    ownerless = (
        select(Case.reference, Task.id)
        .join(Task.case)
        .where(Task.status == "open", Task.assignee_id.is_(None), Task.unassigned_alerted_at.is_not(None))
    )
    found = [
        NeedsAttention(reference, "high risk: no duty manager could be told")
        for reference in session.scalars(unalerted)
    ]
    found += [
        NeedsAttention(reference, f"task {task_id} has no officer to take it")
        for reference, task_id in session.execute(ownerless)
    ]
    unhandled = select(InboundMessage.id, InboundMessage.received_at).where(InboundMessage.handled_as == UNHANDLED)
    found += [
        NeedsAttention("-", f"text {text_id} received {received_at:%Y-%m-%d %H:%M} UTC could not be handled: read it")
        for text_id, received_at in session.execute(unhandled)
    ]
    return found
