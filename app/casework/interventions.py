"""Interventions considered and used on a case, and the ASB Case Review (Community Trigger) threshold (no Flask).

The service standard asks officers to discuss informal tools, consider the full range of legal powers, work
with partner agencies, attend multi-agency meetings and take part in ASB Case Reviews. Each is recorded as an
`Intervention` from the fixed lists below. A resident who has reported three or more incidents in six months
meets the threshold most councils use for a Case Review: the case and its interventions page say so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.records import INTERVENTION_RECORDED, record_change
from app.calendar import LONDON
from app.casework.models import Case, Incident, Intervention
from app.casework.notes import NotAllowed
from app.phones import WITHHELD
from app.staff.models import StaffMember


@dataclass(frozen=True)
class Category:
    label: str
    heading: str
    kinds: dict[str, str]
    statuses: tuple[str, ...]  # the first is the one a form may leave out when it is the only one


CONSIDERED_OR_USED = ("considered", "used")
CATEGORIES = {
    "informal": Category(
        "Informal tool",
        "Informal tools",
        {
            "mediation": "Mediation",
            "acceptable_behaviour_contract": "Acceptable Behaviour Contract",
            "good_neighbour_agreement": "Good Neighbour Agreement",
            "warning_letter": "Warning letter",
        },
        CONSIDERED_OR_USED,
    ),
    "legal": Category(
        "Legal power",
        "Legal powers",
        {
            "community_protection_notice": "Community Protection Notice",
            "civil_injunction": "Civil injunction",
            "closure_order": "Closure order",
            "possession_proceedings": "Possession proceedings",
            "other": "Other legal power",
        },
        CONSIDERED_OR_USED,
    ),
    "partner": Category(
        "Partner agency",
        "Partner agencies",
        {
            "police": "Police",
            "social_services": "Social services",
            "mental_health": "Mental health services",
            "housing": "Housing",
            "schools": "Schools",
            "victim_support": "Victim Support",
        },
        CONSIDERED_OR_USED,
    ),
    "meeting": Category(
        "Multi-agency meeting", "Multi-agency meetings", {"multi_agency_meeting": "Multi-agency meeting"}, ("attended",)
    ),
    "case_review": Category(
        "ASB Case Review", "ASB Case Review", {"asb_case_review": "ASB Case Review (Community Trigger)"}, ("requested",)
    ),
}
KIND_CATEGORY = {kind: name for name, category in CATEGORIES.items() for kind in category.kinds}
STATUSES = {"considered": "Considered", "used": "Used or involved", "attended": "Attended", "requested": "Requested"}
NOTE_MAX = 2000
OTHER_MAX = 200

# The ASB Case Review threshold: three reports (cases or further incidents) by the same resident in six months.
CASE_REVIEW_REPORTS = 3
CASE_REVIEW_MONTHS = 6


@dataclass(frozen=True)
class InterventionDraft:
    kind: str
    status: str | None
    other: str | None
    note: str | None
    on: date | None


def kind_label(kind: str, other: str | None = None) -> str:
    """'Legal power: Civil injunction'; an 'other' legal power by what it is."""
    category = CATEGORIES[KIND_CATEGORY[kind]]
    what = other if kind == "other" and other else category.kinds[kind]
    return what if kind in ("multi_agency_meeting", "asb_case_review") else f"{category.label}: {what}"


def intervention_problems(draft: InterventionDraft, today: date) -> dict[str, str]:
    """What is wrong with an intervention, by field (empty when nothing is)."""
    problems: dict[str, str] = {}
    category = CATEGORIES.get(KIND_CATEGORY.get(draft.kind, ""))
    if category is None:
        return {"kind": "Choose what was considered or used from the list"}
    if draft.kind == "other" and not (draft.other or "").strip():
        problems["other"] = "Say what the other legal power is"
    elif len((draft.other or "").strip()) > OTHER_MAX:
        problems["other"] = f"The other legal power must be {OTHER_MAX} characters or fewer"
    if (draft.status or category.statuses[0]) not in category.statuses or (
        draft.status is None and len(category.statuses) > 1
    ):
        allowed = " or ".join(category.statuses)
        problems["status"] = f"Say whether it was {allowed}"
    if draft.on is None:
        problems["on"] = "Enter the date"
    elif draft.on > today:
        problems["on"] = "The date must be today or in the past"
    if len((draft.note or "").strip()) > NOTE_MAX:
        problems["note"] = f"The note must be {NOTE_MAX} characters or fewer"
    return problems


def record_intervention(
    session: Session, case: Case, staff: StaffMember, draft: InterventionDraft, today: date, address: str | None
) -> Intervention:
    """Record an intervention on the case; commits. Raises NotAllowed for one not on the lists."""
    if problems := intervention_problems(draft, today):
        raise NotAllowed(next(iter(problems.values())))
    category_name = KIND_CATEGORY[draft.kind]
    intervention = Intervention(
        case_id=case.id,
        category=category_name,
        kind=draft.kind,
        other=(draft.other or "").strip() or None if draft.kind == "other" else None,
        status=draft.status or CATEGORIES[category_name].statuses[0],
        note=(draft.note or "").strip() or None,
        on=draft.on,
        created_by_id=staff.id,
    )
    session.add(intervention)
    session.flush()
    changes: dict[str, list[Any]] = {
        "intervention": [None, intervention.id],
        "kind": [None, intervention.kind],
        "status": [None, intervention.status],
    }
    record_change(session, staff, INTERVENTION_RECORDED, case.id, address, changes)
    session.commit()
    return intervention


def interventions_of(session: Session, case: Case) -> list[Intervention]:
    return list(
        session.scalars(
            select(Intervention).where(Intervention.case_id == case.id).order_by(Intervention.on, Intervention.id)
        )
    )


# -- the ASB Case Review threshold -------------------------------------------------------------------------


def months_before(instant: datetime, months: int) -> datetime:
    """The same London wall-clock time `months` calendar months earlier (31 August -> 28 or 29 February)."""
    local = instant.astimezone(LONDON)
    month_index = local.year * 12 + local.month - 1 - months
    year, month = divmod(month_index, 12)
    first_of_next = date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    day = min(local.day, (first_of_next - timedelta(days=1)).day)
    return local.replace(year=year, month=month + 1, day=day)


def meets_case_review_threshold(reported_at: Iterable[datetime], as_of: datetime) -> bool:
    """Three or more reports in the six months up to `as_of` (a report exactly six months earlier counts)."""
    since = months_before(as_of, CASE_REVIEW_MONTHS)
    return sum(1 for instant in reported_at if since <= instant <= as_of) >= CASE_REVIEW_REPORTS


@dataclass(frozen=True)
class CaseReviewFlag:
    reports: int  # this resident's reports in the six months
    due: bool  # they meet the threshold
    requested_on: date | None  # the latest Case Review recorded as requested


def resident_phones(case: Case) -> set[str]:
    """The numbers that identify the resident: the caller's and the callback number, withheld ones left out."""
    return {phone for phone in (case.caller_phone, case.callback_phone) if phone and phone.lower() not in WITHHELD}


def report_times(session: Session, case: Case, as_of: datetime) -> list[datetime]:
    """When the resident reported in the six months up to `as_of`: their cases (not enquiries) and further
    incidents added to any case, found by the resident's numbers."""
    phones = resident_phones(case)
    if not phones:
        return [case.created_at]
    since = months_before(as_of, CASE_REVIEW_MONTHS)
    cases = session.scalars(
        select(Case.created_at).where(
            (Case.caller_phone.in_(phones)) | (Case.callback_phone.in_(phones)),
            Case.kind != "enquiry",
            Case.created_at >= since,
            Case.created_at <= as_of,
        )
    )
    incidents = session.scalars(
        select(Incident.received_at).where(
            Incident.phone.in_(phones), Incident.received_at >= since, Incident.received_at <= as_of
        )
    )
    return [*cases, *incidents]


def case_review_flag(session: Session, case: Case, as_of: datetime) -> CaseReviewFlag:
    """Whether an ASB Case Review is due for the case's resident, and when one was last requested."""
    times = report_times(session, case, as_of)
    requested = session.scalar(
        select(func.max(Intervention.on)).where(Intervention.case_id == case.id, Intervention.category == "case_review")
    )
    return CaseReviewFlag(len(times), meets_case_review_threshold(times, as_of), requested)
