"""Taking a report for someone (on the phone, at the counter, from an email or a letter): the IVR's questions.

The case opens exactly as the phone line opens one (its risk level, callback task and deadline), on the
`staff` channel with who took it; then the case page, with the reference and the deadline in a banner.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from app.casework.service import first_task
from app.console.auth import for_roles, require_signed_in, signed_in_staff
from app.console.blueprints import console_blueprint
from app.console.once import once_per_form
from app.console.report_forms import TakeReportForm
from app.console.wording import london_time
from app.extensions import db
from app.intake.staff_report import take_report

bp = console_blueprint("console_reports", guard=require_signed_in)

REPORT_TAKERS = ("contact_centre", "officer", "manager")
DANGER_ADVICE = (
    "They said someone is in danger now. Tell them to call 999 now, or call 999 for them. "
    "If they cannot talk, they can call 999, stay on the line, and press 55 when asked."
)


@bp.route("/reports/new", methods=["GET", "POST"])
@for_roles(*REPORT_TAKERS)
@once_per_form
def new_report() -> ResponseReturnValue:
    """The report form; a report taken opens its case and goes to the case page."""
    form = TakeReportForm()
    if request.method == "POST" and form.validate():
        answers = form.answers()
        case = take_report(db.session(), signed_in_staff(), answers, request.remote_addr)
        task = first_task(case)
        due = f" An officer will call them back by {london_time(task.due_at)}." if task else ""
        if answers.risk_answers.get("danger_now") is True:
            flash(DANGER_ADVICE, "danger")
        flash(f"Report taken. The reference is {case.reference}.{due}", "success")
        return redirect(url_for("console.case", reference=case.reference))
    return render_template("console/take_report.html", title="Take a report", form=form)
