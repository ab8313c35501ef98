"""Import every model so the metadata is complete (Alembic, tests)."""

from app.audit.models import AuditEvent
from app.casework.models import (
    ActionPlanItem,
    ActionPlanVersion,
    Attachment,
    Case,
    CaseNote,
    CaseReview,
    ContactLogEntry,
    Incident,
    Intervention,
    PhoneCall,
    ProgressContact,
    Recording,
    SurveyResponse,
    Task,
    TextConversation,
    Witness,
)
from app.extensions import Base
from app.messaging.models import InboundMessage, OutboundEmail, OutboundMessage, PhoneOptOut
from app.staff.models import ApiToken, StaffMember

__all__ = [
    "ActionPlanItem",
    "ActionPlanVersion",
    "CaseReview",
    "ContactLogEntry",
    "Incident",
    "Intervention",
    "SurveyResponse",
    "Witness",
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
