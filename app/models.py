"""Import every model so the metadata is complete (Alembic, tests)."""

from app.audit.models import AuditEvent
from app.casework.models import (
    Attachment,
    Case,
    CaseNote,
    PhoneCall,
    ProgressContact,
    Recording,
    Task,
    TextConversation,
)
from app.extensions import Base
from app.messaging.models import InboundMessage, OutboundEmail, OutboundMessage, PhoneOptOut
from app.staff.models import ApiToken, StaffMember

__all__ = [
    "ApiToken",
    "Attachment",
    "AuditEvent",
    "Base",
    "Case",
    "CaseNote",
    "InboundMessage",
    "OutboundEmail",
    "OutboundMessage",
    "PhoneCall",
    "PhoneOptOut",
    "ProgressContact",
    "Recording",
    "StaffMember",
    "Task",
    "TextConversation",
]
