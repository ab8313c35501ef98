"""Managers' fortnightly reviews: the queue of reviews due today or overdue (`/console/reviews`, admins may read it)
and recording one (`/console/reviews/<reference>`: notes, decisions, the next date and, optionally, a new officer).

The rules are app.casework.reviews, review_queue and review_recording; a recorded review and any change of
officer are audited in the commit that makes them.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from app.audit.records import CASE_REVIEWED, CONSOLE_READ_CASE, changes_recorded, record
from app.calendar import spoken_day_and_time
from app.casework.lifecycle import STILL_OPEN
from app.casework.models import Case
from app.casework.named_officer import resident_not_told
from app.casework.reassignment import active_officer, officers_to_choose
from app.casework.references import looks_like_reference
from app.casework.review_queue import due_reviews, review_facts
from app.casework.review_recording import AUDITED_FIELDS, ReviewRecord, ReviewRefused, record_review
from app.casework.reviews import review_day_after
from app.clock import now
from app.console.auth import for_roles, require_signed_in, signed_in_staff
from app.console.blueprints import console_blueprint
from app.console.review_forms import ReviewForm
from app.extensions import db
from app.paging import page_number
from app.staff.access import visible_case_by_reference
from app.staff.models import StaffMember

bp = console_blueprint("console_reviews", guard=require_signed_in)
bp.add_app_template_global(resident_not_told, "resident_not_told")  # the case page's note under the officer


@bp.get("/reviews")
@for_roles("manager", "admin")
def queue() -> ResponseReturnValue:
    """Reviews due today or overdue, overdue first, with the facts to review each case by."""
    number = page_number(request.args.get("page"))
    if number is None:
        abort(404)
    instant = now()
    reviews = due_reviews(db.session(), instant, number)
    return render_template("console/reviews.html", title="Case reviews due", page=reviews, now=instant)


@bp.route("/reviews/<reference>", methods=["GET", "POST"], merge_slashes=False)
@for_roles("manager")
def review(reference: str) -> ResponseReturnValue:
    """The case's facts and past reviews, and the form that records this one."""
    staff = signed_in_staff()
    case = visible_case_by_reference(db.session(), staff, reference) if looks_like_reference(reference) else None
    if case is None:
        abort(404)
    instant = now()
    keep = f"Keep {case.officer.name}" if case.officer else "Leave without a named officer"
    officers = [o for o in officers_to_choose(db.session()) if o.id != case.officer_id]
    form = ReviewForm(officers, keep, review_day_after(instant))
    if case.status in STILL_OPEN and form.validate_on_submit():
        new_officer = active_officer(db.session(), form.new_officer_id) if form.new_officer_id else None
        if form.new_officer_id and new_officer is None:
            form.officer.errors = ["Choose an officer from the list"]
        elif (recorded := _record(case, staff, form, new_officer)) is not None:
            return recorded
    if request.method == "GET":
        record(db.session(), staff, CONSOLE_READ_CASE, [case.id], request.remote_addr)
        db.session.commit()
    facts = review_facts(db.session(), case.id, instant)
    return render_template(
        "console/review.html",
        title=f"Review case {case.reference}",
        case=case,
        facts=facts,
        form=form,
        reviewable=case.status in STILL_OPEN,
    )


def _record(
    case: Case, staff: StaffMember, form: ReviewForm, new_officer: StaffMember | None
) -> ResponseReturnValue | None:
    """Record the review; back to the queue, or None with the refusal on the form."""
    entry = ReviewRecord(form.notes.data, form.decisions.data, form.next_review_on, new_officer)
    try:
        with changes_recorded(db.session(), staff, CASE_REVIEWED, case, AUDITED_FIELDS, request.remote_addr):
            done = record_review(db.session(), case, staff, entry)
    except ReviewRefused as refusal:
        db.session.rollback()
        form.next_review.errors = [str(refusal)]
        return None
    moved = f" {new_officer.name} is now the officer and has been told." if new_officer else ""
    due = spoken_day_and_time(done.next_review_due)
    flash(f"Review of case {case.reference} recorded. Next review due by {due}.{moved}")
    return redirect(url_for("console_reviews.queue"))
