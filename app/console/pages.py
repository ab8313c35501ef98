"""The console's pages behind sign-in: each parses its input, asks one domain function, and renders.

Every page needs a signed-in member of staff (anyone else is sent to sign in); a page a role may not
use answers 403, and a case they may not see answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from app.audit.records import CONSOLE_READ_CASE, CONSOLE_SEARCH, record
from app.calendar import london_date
from app.casework.action_plans import overdue_items_for
from app.casework.oversight import dashboard_counts
from app.casework.references import looks_like_reference
from app.casework.review_queue import count_due_reviews
from app.casework.search import find_cases
from app.casework.worklist import open_tasks_for
from app.clock import now
from app.console.auth import for_roles, require_signed_in, signed_in_staff
from app.console.blueprints import console_blueprint
from app.console.case_page import case_page
from app.console.forms import SearchForm
from app.console.oversight_pages import LISTS
from app.extensions import db
from app.staff.access import visible_case_by_reference

bp = console_blueprint("console", guard=require_signed_in)

HOMES = {
    "officer": "console.work",
    "manager": "console.dashboard",
    "contact_centre": "console.search",
    "admin": "console.search",
}
SEARCHING_ROLES = ("contact_centre", "officer", "manager", "admin")


@bp.get("/")
def home() -> ResponseReturnValue:
    """Each role's first page."""
    return redirect(url_for(HOMES[signed_in_staff().role]))


@bp.get("/work")
@for_roles("officer", "manager")
def work() -> ResponseReturnValue:
    """My open tasks by deadline: overdue first, high risk first within a day."""
    staff, instant = signed_in_staff(), now()
    tasks = open_tasks_for(db.session(), staff)
    overdue_items = overdue_items_for(db.session(), staff, london_date(instant))
    return render_template("console/work.html", title="My work", tasks=tasks, overdue_items=overdue_items, now=instant)


@bp.get("/dashboard")
@for_roles("manager")
def dashboard() -> ResponseReturnValue:
    """A manager's counts of the work that is due, late, high risk or without an officer, each linking to its list."""
    instant = now()
    counts = dashboard_counts(db.session(), instant)
    reviews_due = count_due_reviews(db.session(), instant)
    return render_template(
        "console/dashboard.html", title="Dashboard", counts=counts, lists=LISTS, reviews_due=reviews_due, now=instant
    )


@bp.get("/search")
@for_roles(*SEARCHING_ROLES)
def search() -> ResponseReturnValue:
    """By reference, phone number or postcode; only the cases this person may see; every case listed is audited."""
    form = SearchForm(formdata=request.args if "q" in request.args else None)
    cases = None
    if "q" in request.args and form.validate() and form.term is not None:
        staff = signed_in_staff()
        cases = find_cases(db.session(), staff, form.term)
        record(db.session(), staff, CONSOLE_SEARCH, [case.id for case in cases], request.remote_addr)
        db.session.commit()
    return render_template("console/search.html", title="Find a case", form=form, cases=cases)


@bp.get("/cases/<reference>", merge_slashes=False)
@for_roles(*SEARCHING_ROLES)
def case(reference: str) -> ResponseReturnValue:
    """The case page; the view is audited in its own commit before anything is shown."""
    staff = signed_in_staff()
    found = visible_case_by_reference(db.session(), staff, reference) if looks_like_reference(reference) else None
    if found is None:
        abort(404)
    record(db.session(), staff, CONSOLE_READ_CASE, [found.id], request.remote_addr)
    db.session.commit()
    page = case_page(db.session(), found, staff.role)
    return render_template("console/case.html", title=f"Case {found.reference}", page=page)


@bp.get("/<path:unknown>")
def not_a_page(unknown: str) -> ResponseReturnValue:
    """Any other console address: the console's own 404 (after the sign-in check, like every page)."""
    abort(404)
