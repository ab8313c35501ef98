"""Reports from the council's website form and the BRUM Account, into the phone line's pipeline."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, g, jsonify, request

from app.api.auth import token_required
from app.api.payload import UNSTORABLE, json_body, storable
from app.audit.records import cases_opened_by
from app.casework import service
from app.casework.models import Case
from app.clock import now
from app.extensions import db
from app.intake.report_form import InvalidReport, parse_web_report

log = logging.getLogger(__name__)

reports_bp = Blueprint("reports", __name__, url_prefix="/api/v1")

POSTING_ROLE = "integration"


def _created_json(case: Case) -> dict[str, Any]:
    """The reference and the deadline the resident is promised (a callback, or a removal for graffiti)."""
    task = service.first_task(case)
    deadline = {"due_at": task.due_at.isoformat(), "status": task.status} if task else None
    return {
        "reference": case.reference,
        "kind": case.kind,
        "channel": case.channel,
        "removal" if case.kind == "graffiti" else "callback": deadline,
    }


@reports_bp.post("/reports", merge_slashes=False)
@token_required
def create_report() -> Response | tuple[Response, int]:
    """Open a case from a website or BRUM Account report: 201 with its reference and deadline."""
    if g.staff.role != POSTING_ROLE:
        return jsonify(error=f"only an {POSTING_ROLE} account may post reports"), 403
    payload = json_body()
    if not storable(payload):
        return jsonify(errors={"_payload": UNSTORABLE}), 422
    try:
        report = parse_web_report(payload)
    except InvalidReport as invalid:
        return jsonify(errors=invalid.errors), 422
    # Who opened it is written in the case's own commit: an integration reads back only its own cases.
    with cases_opened_by(db.session(), g.staff, request.remote_addr):
        case = service.open_case(db.session(), report, received_at=now())
    log.info("case %s posted by staff id %s", case.reference, g.staff.id)
    response = jsonify(_created_json(case))
    response.status_code = 201
    response.headers["Location"] = f"/api/v1/cases/{case.reference}"
    return response
