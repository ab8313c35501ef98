"""What the case page shows a role: the sections `fields_for(role)` allows, as the read API does."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from app.audit.log import AuditEntry, case_views
from app.casework.models import Case, Task
from app.casework.risk import RISK_LABELS, RISK_QUESTIONS, risk_reasons
from app.casework.service import first_task
from app.casework.timeline import TimelineEntry, case_timeline
from app.console.wording import yes_no
from app.messaging.opt_outs import is_opted_out
from app.staff.access import AUDIT_READERS, fields_for

# Each section of the page, and the fields a role must be allowed to read to see it.
SECTIONS = {
    "phones": ("caller_phone", "callback_phone"),
    "account": ("description", "location", "occurred", "strands"),
    "risk": ("risk",),
    "tasks": ("tasks",),
    "timeline": ("tasks", "recordings", "messages"),
    "personal": ("resident_name", "postal_address"),
}
LATEST_VIEWS = 20  # who viewed the case, newest first; the audit log has every one


@dataclass(frozen=True)
class CasePage:
    case: Case
    sections: frozenset[str]
    callback: Task | None
    opted_out: bool
    risk_answers: list[tuple[str, bool | None]] = field(default_factory=list)
    risk_reasons: list[str] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    views: list[AuditEntry] | None = None  # None: the role does not read the audit log

    def shows(self, section: str) -> bool:
        return section in self.sections

    @property
    def risk_rows(self) -> list[dict[str, Any]]:
        """The risk answers as rows of GOV.UK's summary list."""
        return [{"key": {"text": label}, "value": {"text": yes_no(answer)}} for label, answer in self.risk_answers]


def role_reads(role: str, section: str) -> bool:
    """Whether `role` may read every field the page's `section` shows."""
    allowed = fields_for(role)
    return allowed is None or all(part in allowed for part in SECTIONS[section])


def case_page(session: Session, case: Case, role: str) -> CasePage:
    allowed = fields_for(role)
    sections = frozenset(name for name in SECTIONS if role_reads(role, name))
    risk = "risk" in sections
    return CasePage(
        case=case,
        sections=sections,
        callback=first_task(case),
        opted_out=is_opted_out(session, case.callback_phone) or is_opted_out(session, case.caller_phone),
        risk_answers=[(RISK_LABELS[q], case.risk_answers.get(q)) for q in RISK_QUESTIONS] if risk else [],
        risk_reasons=risk_reasons(case.risk_answers) if risk and case.kind == "hate_crime" else [],
        timeline=case_timeline(session, case, allowed) if "timeline" in sections else [],
        views=case_views(session, case.id, LATEST_VIEWS) if role in AUDIT_READERS else None,
    )
