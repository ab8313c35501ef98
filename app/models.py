"""Import every model so the metadata is complete (Alembic, tests)."""

from app.cases.models import Case, PhoneCall, Recording, Task
from app.extensions import Base
from app.messaging.models import OutboundMessage
from app.staff.models import ApiToken, StaffMember

__all__ = ["ApiToken", "Base", "Case", "OutboundMessage", "PhoneCall", "Recording", "StaffMember", "Task"]
