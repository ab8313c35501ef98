"""A case's witnesses (`/console/cases/<reference>/witnesses`): special category data.

Only the case's named officer and managers see these pages; for anyone else (the contact centre, admins, an
officer who only holds a task on the case) they do not exist: 404, as for a case that does not exist. Adding
or changing a witness is audited without the witness's name or contact details (app/casework/witnesses.py).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from app.casework.models import Case, Witness
from app.casework.witnesses import add_witness, change_witness, witness_of, witness_problems, witnesses_of
from app.console.auth import MAX_ROW_ID, require_signed_in, signed_in_staff
from app.console.blueprints import console_blueprint
from app.console.case_actions import visible_case_or_404
from app.console.casework_forms import WitnessForm
from app.console.casework_pages import accepted
from app.extensions import db
from app.staff.access import runs_case

bp = console_blueprint("console_witnesses", guard=require_signed_in)


def _case_with_witnesses(reference: str) -> Case:
    case = visible_case_or_404(reference)
    if not runs_case(signed_in_staff(), case):
        abort(404)
    return case


@bp.route("/cases/<reference>/witnesses", methods=["GET", "POST"], merge_slashes=False)
def witnesses(reference: str) -> ResponseReturnValue:
    """The case's witnesses, and a form to add one."""
    case = _case_with_witnesses(reference)
    form = WitnessForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and accepted(form, lambda: witness_problems(form.details())):
        add_witness(db.session(), case, signed_in_staff(), form.details(), request.remote_addr)
        flash("Witness added", "success")
        return redirect(url_for(".witnesses", reference=case.reference))
    return render_template(
        "console/witnesses.html",
        title=f"Witnesses – Case {case.reference}",
        case=case,
        witnesses=witnesses_of(db.session(), case),
        form=form,
    )


def _witness_or_404(case: Case, witness_id: int) -> Witness:
    found = witness_of(db.session(), case, witness_id) if witness_id <= MAX_ROW_ID else None
    if found is None:
        abort(404)
    return found


@bp.route("/cases/<reference>/witnesses/<int:witness_id>", methods=["GET", "POST"], merge_slashes=False)
def witness(reference: str, witness_id: int) -> ResponseReturnValue:
    """Change a witness's details."""
    case = _case_with_witnesses(reference)
    found = _witness_or_404(case, witness_id)
    form = WitnessForm() if request.method == "POST" else WitnessForm.showing(found)
    if request.method == "POST" and accepted(form, lambda: witness_problems(form.details())):
        changed = change_witness(db.session(), case, signed_in_staff(), found, form.details(), request.remote_addr)
        flash("Witness details saved" if changed else "Witness details unchanged", "success")
        return redirect(url_for(".witnesses", reference=case.reference))
    title = f"Change a witness – Case {case.reference}"
    return render_template("console/witness.html", title=title, case=case, form=form)
