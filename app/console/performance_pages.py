"""The service standard's monthly report (`/console/performance?month=YYYY-MM`, and `.csv`): managers and admins.

Figures only, so a manager can pass the page or its CSV to the tenant scrutiny group as it is. The
figures are `app.casework.performance`'s; the page says how each promise is counted.
"""

from __future__ import annotations

from flask import Response, render_template, request
from flask.typing import ResponseReturnValue

from app.casework.performance import MonthlyReport, as_csv, has_started, last_complete_month, monthly_report
from app.clock import now
from app.console.auth import for_roles, require_signed_in
from app.console.blueprints import console_blueprint
from app.console.performance_forms import MonthForm
from app.extensions import db
from app.staff.access import AUDIT_READERS

bp = console_blueprint("console_performance", guard=require_signed_in)


def _chosen_report() -> tuple[MonthForm, MonthlyReport | None]:
    """The month asked for (the last complete one when none is), or the form with its error."""
    instant = now()
    form = MonthForm(formdata=request.args if "month" in request.args else None)
    if "month" not in request.args:
        form.month.data = f"{last_complete_month(instant):%Y-%m}"
    if not form.validate():
        return form, None
    if not has_started(form.first_day(), instant):
        form.month.errors = ["Enter a month that has started"]
        return form, None
    return form, monthly_report(db.session(), form.first_day(), instant)


@bp.get("/performance")
@for_roles(*AUDIT_READERS)
def performance() -> ResponseReturnValue:
    form, report = _chosen_report()
    status = 400 if report is None else 200
    return render_template("console/performance.html", title="Service standard", form=form, report=report), status


@bp.get("/performance.csv")
@for_roles(*AUDIT_READERS)
def performance_csv() -> ResponseReturnValue:
    form, report = _chosen_report()
    if report is None:
        return render_template("console/performance.html", title="Service standard", form=form, report=None), 400
    return Response(
        as_csv(report),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="service-standard-{report.month:%Y-%m}.csv"'},
    )
