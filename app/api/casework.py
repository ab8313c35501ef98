"""Casework over the API: a case's action plan (and the copy for the resident), witnesses and interventions.

The rules are the console's. Officers, managers and admins read the action plan and interventions of the cases
they may see; the case's officer and managers change them (403 otherwise). Witnesses are special category data:
for anyone but the case's officer and managers the address does not exist (404). Every read is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask import Blueprint, Response, abort, g, jsonify, request, url_for

from app.api.auth import token_required
from app.api.payload import MAX_ROW_ID, UNSTORABLE, json_body, looks_like_reference, storable
from app.audit.records import ACTION_PLAN_LETTER_READ, API_READ_CASE, record
from app.calendar import london_date
from app.casework import action_plans, interventions, plan_copies, witnesses
from app.casework.models import ActionPlanItem, ActionPlanVersion, Case, Intervention, Witness
from app.casework.notes import NotAllowed
from app.clock import now
from app.extensions import db
from app.staff.access import reads_casework, runs_case, visible_case_by_reference

casework_bp = Blueprint("casework_api", __name__, url_prefix="/api/v1/cases/<reference>")

Body = dict[str, Any]


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def _case(reference: str, may_see: Callable[[Case], bool] | None = None) -> Case:
    """The case if the caller may see it (and `may_see` says yes): 404 otherwise, as for one that does not exist."""
    case = visible_case_by_reference(db.session(), g.staff, reference) if looks_like_reference(reference) else None
    if case is None or (may_see is not None and not may_see(case)):
        abort(404, "no such case")
    return case


def _audited_read(case: Case) -> Case:
    record(db.session(), g.staff, API_READ_CASE, [case.id], request.remote_addr)
    db.session.commit()
    return case


def _read_case(reference: str) -> Case:
    """As `_case`, for a read of the plan or interventions: officers, managers and admins only (403); audited."""
    if not reads_casework(g.staff):
        abort(403, "only officers, managers and admins may read a case's casework")
    return _audited_read(_case(reference))


def _case_to_change(reference: str) -> Case:
    case = _case(reference)
    if not runs_case(g.staff, case):
        abort(403, "only the case's officer and managers may change its casework")
    return case


def _body(fields: dict[str, type | tuple[type, ...]]) -> Body | tuple[Response, int]:
    """The JSON object sent, each named field of its type (or null); a 422 response when it is not."""
    body = json_body()
    if not isinstance(body, dict):
        return jsonify(errors={"_payload": "must be a JSON object"}), 422
    if not storable(body):
        return jsonify(errors={"_payload": UNSTORABLE}), 422
    errors = {
        name: f"must be {'true or false' if kind is bool else 'text'} or null"
        for name, kind in fields.items()
        if body.get(name) is not None and not isinstance(body[name], kind)
    }
    return (jsonify(errors=errors), 422) if errors else body


def _day(body: Body, name: str) -> date | None:
    try:
        return date.fromisoformat(body[name]) if body.get(name) else None
    except ValueError:
        return None


def _refused(problems: dict[str, str]) -> tuple[Response, int]:
    return jsonify(errors=problems), 422


# -- the action plan ---------------------------------------------------------------------------------------


def _item_json(item: ActionPlanItem, today: date) -> Body:
    return {
        "id": item.id,
        "what": item.what,
        "who": item.who,
        "due_on": item.due_on.isoformat(),
        "done_at": _iso(item.done_at),
        "overdue": action_plans.is_overdue(item, today),
    }


def _version_json(case: Case, version: ActionPlanVersion) -> Body:
    letter = url_for(".plan_letter", reference=case.reference, number=version.version)
    return {
        "version": version.version,
        "created_at": _iso(version.created_at),
        "agreed_with_resident": version.agreed_with_resident,
        "items": version.items,
        "sent_at": _iso(version.sent_at),
        "sent_how": version.sent_how,
        "letter": letter,
    }


@casework_bp.get("/action-plan")
@token_required
def get_action_plan(reference: str) -> Response:
    case = _read_case(reference)
    today = london_date(now())
    return jsonify(
        reference=case.reference,
        items=[_item_json(item, today) for item in case.action_plan_items],
        versions=[_version_json(case, version) for version in case.action_plan_versions],
    )


PLAN_FIELDS: dict[str, type | tuple[type, ...]] = {"what": str, "who": str, "due_on": str, "agreed_with_resident": bool}


@casework_bp.post("/action-plan")
@token_required
def add_plan_item(reference: str) -> Response | tuple[Response, int]:
    """Body: {"what", "who", "due_on" (YYYY-MM-DD), "agreed_with_resident"}; the new version, 201."""
    case = _case_to_change(reference)
    body = _body(PLAN_FIELDS)
    if not isinstance(body, dict):
        return body
    draft = action_plans.PlanItemDraft(body.get("what") or "", body.get("who") or "", _day(body, "due_on"))
    if problems := action_plans.item_problems(draft):
        return _refused(problems)
    agreed = bool(body.get("agreed_with_resident"))
    version = action_plans.add_item(db.session(), case, g.staff, draft, agreed, request.remote_addr)
    return jsonify(_version_json(case, version)), 201


def _plan_item(case: Case, item_id: int) -> ActionPlanItem:
    item = db.session.get(ActionPlanItem, item_id) if item_id <= MAX_ROW_ID else None
    if item is None or item.case_id != case.id:
        abort(404, f"no item {item_id} in this case's action plan")
    return item


@casework_bp.post("/action-plan/items/<int:item_id>/done")
@token_required
def plan_item_done(reference: str, item_id: int) -> Response | tuple[Response, int]:
    case = _case_to_change(reference)
    item = _plan_item(case, item_id)
    try:
        version = action_plans.mark_done(db.session(), case, g.staff, item.id, request.remote_addr)
    except NotAllowed as refused:
        return jsonify(error=str(refused)), 409
    return jsonify(_version_json(case, version))


@casework_bp.post("/action-plan/items/<int:item_id>/due-date")
@token_required
def plan_item_due_date(reference: str, item_id: int) -> Response | tuple[Response, int]:
    """Body: {"due_on" (YYYY-MM-DD), "agreed_with_resident"}."""
    case = _case_to_change(reference)
    item = _plan_item(case, item_id)
    body = _body({"due_on": str, "agreed_with_resident": bool})
    if not isinstance(body, dict):
        return body
    if (due_on := _day(body, "due_on")) is None:
        return _refused({"due_on": "is required, as YYYY-MM-DD"})
    agreed = bool(body.get("agreed_with_resident"))
    try:
        version = action_plans.change_due_date(
            db.session(), case, g.staff, item.id, due_on, agreed, request.remote_addr
        )
    except NotAllowed as refused:
        return jsonify(error=str(refused)), 409
    return jsonify(_version_json(case, version))


@casework_bp.post("/action-plan/send")
@token_required
def send_plan(reference: str) -> Response | tuple[Response, int]:
    """Send the resident a copy of the latest version: the letter, and a text where texts are safe."""
    case = _case_to_change(reference)
    try:
        sent = plan_copies.send_copy(db.session(), case, g.staff, request.remote_addr)
    except NotAllowed as refused:
        return jsonify(error=str(refused)), 409
    return jsonify(
        **_version_json(case, sent.version), text_sent=sent.text_refusal is None, text_refused=sent.text_refusal
    ), 201


@casework_bp.get("/action-plan/versions/<int:number>/letter.pdf")
@token_required
def plan_letter(reference: str, number: int) -> Response:
    case = _read_case(reference)
    version = action_plans.plan_version(db.session(), case, number) if number <= MAX_ROW_ID else None
    if version is None:
        abort(404, f"no version {number} of this case's action plan")
    record(db.session(), g.staff, ACTION_PLAN_LETTER_READ, [case.id], request.remote_addr)
    db.session.commit()
    return Response(plan_copies.plan_letter(case, version), mimetype="application/pdf")


# -- witnesses: the case's officer and managers only --------------------------------------------------------


def _witness_json(witness: Witness) -> Body:
    return {
        "id": witness.id,
        "name": witness.name,
        "contact": witness.contact,
        "relationship_to_resident": witness.relationship_to_resident,
        "statement_taken": witness.statement_taken,
        "consent_to_contact": witness.consent_to_contact,
        "created_at": _iso(witness.created_at),
    }


def _runs_it(case: Case) -> bool:
    return runs_case(g.staff, case)


@casework_bp.get("/witnesses")
@token_required
def get_witnesses(reference: str) -> Response:
    case = _audited_read(_case(reference, _runs_it))
    return jsonify(
        reference=case.reference, witnesses=[_witness_json(w) for w in witnesses.witnesses_of(db.session(), case)]
    )


WITNESS_FIELDS: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "contact": str,
    "relationship_to_resident": str,
    "statement_taken": bool,
    "consent_to_contact": bool,
}


@casework_bp.post("/witnesses")
@token_required
def add_witness(reference: str) -> Response | tuple[Response, int]:
    """Body: {"name", "contact", "relationship_to_resident", "statement_taken", "consent_to_contact"}; 201."""
    case = _case(reference, _runs_it)
    body = _body(WITNESS_FIELDS)
    if not isinstance(body, dict):
        return body
    details = witnesses.WitnessDetails(
        name=body.get("name") or "",
        contact=body.get("contact"),
        relationship_to_resident=body.get("relationship_to_resident"),
        statement_taken=bool(body.get("statement_taken")),
        consent_to_contact=bool(body.get("consent_to_contact")),
    )
    if problems := witnesses.witness_problems(details):
        return _refused(problems)
    witness = witnesses.add_witness(db.session(), case, g.staff, details, request.remote_addr)
    return jsonify(_witness_json(witness)), 201


# -- interventions and the ASB Case Review ------------------------------------------------------------------


def _intervention_json(intervention: Intervention) -> Body:
    return {
        "id": intervention.id,
        "category": intervention.category,
        "kind": intervention.kind,
        "other": intervention.other,
        "status": intervention.status,
        "on": _iso(intervention.on),
        "note": intervention.note,
    }


@casework_bp.get("/interventions")
@token_required
def get_interventions(reference: str) -> Response:
    case = _read_case(reference)
    flag = interventions.case_review_flag(db.session(), case, now())
    return jsonify(
        reference=case.reference,
        interventions=[_intervention_json(i) for i in interventions.interventions_of(db.session(), case)],
        case_review={"reports_in_six_months": flag.reports, "due": flag.due, "requested_on": _iso(flag.requested_on)},
    )


INTERVENTION_FIELDS: dict[str, type | tuple[type, ...]] = {
    "kind": str,
    "status": str,
    "other": str,
    "note": str,
    "on": str,
}


@casework_bp.post("/interventions")
@token_required
def record_intervention(reference: str) -> Response | tuple[Response, int]:
    """Body: {"kind", "status", "other", "note", "on" (YYYY-MM-DD)}; 201."""
    case = _case_to_change(reference)
    body = _body(INTERVENTION_FIELDS)
    if not isinstance(body, dict):
        return body
    draft = interventions.InterventionDraft(
        kind=body.get("kind") or "",
        status=body.get("status"),
        other=body.get("other"),
        note=body.get("note"),
        on=_day(body, "on"),
    )
    today = london_date(now())
    if problems := interventions.intervention_problems(draft, today):
        return _refused(problems)
    recorded = interventions.record_intervention(db.session(), case, g.staff, draft, today, request.remote_addr)
    return jsonify(_intervention_json(recorded)), 201
