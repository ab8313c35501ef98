"""Audit events: written in the same transaction as what they record, never updated or deleted by the app."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.casework.models import Case
from app.clock import now
from app.extensions import Base, UTCDateTime


class AuditEvent(Base):
    """One action by a member of staff (an API read of a case, a change): who, as what, on which case, from where."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))  # e.g. api_read_case, api_list_cases, task_completed
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    # Set only to record a case in the flush that writes it (its id is not known before).
    case: Mapped[Case | None] = relationship()
    # Fields changed, {"field": [old, new]}; empty for a read.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    address: Mapped[str | None] = mapped_column(String(64))


Index("ix_audit_events_case", AuditEvent.case_id, AuditEvent.at)
Index("ix_audit_events_staff", AuditEvent.staff_id, AuditEvent.at)
Index("ix_audit_events_at", AuditEvent.at, AuditEvent.id)  # the audit log unfiltered, newest first
