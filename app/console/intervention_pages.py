"""A case's interventions (`/console/cases/<reference>/interventions`) and the ASB Case Review flag.

Officers, managers and admins who may see the case read them; the case's officer and managers record them.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from app.calendar import london_date
from app.casework.interventions import (
    CATEGORIES,
    STATUSES,
    case_review_flag,
    intervention_problems,
    interventions_of,
    kind_label,
    record_intervention,
)
from app.casework.models import Intervention
from app.clock import now
from app.console.auth import for_roles, require_signed_in, signed_in_staff
from app.console.blueprints import console_blueprint
from app.console.case_actions import visible_case_or_404
from app.console.casework_forms import InterventionForm
from app.console.casework_pages import (
    CASEWORK_READERS,
    accepted,
    changes_allowed,
    require_changes_allowed,
)
from app.extensions import db

bp = console_blueprint("console_interventions", guard=require_signed_in)


@bp.route("/cases/<reference>/interventions", methods=["GET", "POST"], merge_slashes=False)
@for_roles(*CASEWORK_READERS)
def interventions(reference: str) -> ResponseReturnValue:
    """What has been considered and used, grouped as the service standard lists them; a POST records one."""
    case = visible_case_or_404(reference)
    instant = now()
    if request.method == "POST":
        require_changes_allowed(case)
    form = (
        InterventionForm(formdata=request.form if request.method == "POST" else None) if changes_allowed(case) else None
    )
    if form is not None and request.method == "POST":
        today = london_date(instant)
        if accepted(form, lambda: intervention_problems(form.draft(), today)):
            recorded = record_intervention(
                db.session(), case, signed_in_staff(), form.draft(), today, request.remote_addr
            )
            flash(f"Recorded: {kind_label(recorded.kind, recorded.other)} ({recorded.status})", "success")
            return redirect(url_for(".interventions", reference=case.reference))
    recorded_by_category: dict[str, list[Intervention]] = {name: [] for name in CATEGORIES}
    for intervention in interventions_of(db.session(), case):
        recorded_by_category[intervention.category].append(intervention)
    return render_template(
        "console/interventions.html",
        title=f"Interventions – Case {case.reference}",
        case=case,
        categories=CATEGORIES,
        statuses=STATUSES,
        recorded=recorded_by_category,
        flag=case_review_flag(db.session(), case, instant),
        form=form,
    )
