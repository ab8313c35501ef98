"""The manager's lists behind the dashboard's numbers (`/console/dashboard/<list>`), 50 rows a page.

The dashboard itself (`/console/dashboard`, in pages.py) shows how many are on each list, and each
number links here. The lists are `app.casework.oversight`'s, so a count and its list always agree.
"""

from __future__ import annotations

from typing import NamedTuple

from flask import abort, render_template, request, url_for
from flask.typing import ResponseReturnValue

from app.casework.oversight import CASE_LISTS, TASK_LISTS, watched_cases, watched_tasks
from app.clock import now
from app.console.auth import for_roles, require_signed_in
from app.console.blueprints import console_blueprint
from app.extensions import db
from app.paging import page_number

bp = console_blueprint("console_oversight", guard=require_signed_in)


class Wording(NamedTuple):
    one: str
    many: str
    title: str


# In the dashboard's order: what is due, what is late, then risk and work nobody has.
LISTS = {
    "due-today": Wording("task due later today", "tasks due later today", "Tasks due later today"),
    "overdue": Wording("task overdue", "tasks overdue", "Overdue tasks"),
    "no-contact": Wording(
        "case with no contact for 14 days", "cases with no contact for 14 days", "Cases with no contact for 14 days"
    ),
    "graffiti-overdue": Wording("graffiti job overdue", "graffiti jobs overdue", "Overdue graffiti removal jobs"),
    "high-risk": Wording("open high-risk case", "open high-risk cases", "Open high-risk cases"),
    "unassigned": Wording("task with no officer", "tasks with no officer", "Tasks with no officer"),
}


@bp.app_template_global()
def page_url(number: int) -> str:
    """This page's address at page `number` of its list, keeping its other query values (the audit log's filters)."""
    values = {**(request.view_args or {}), **request.args.to_dict(), "page": number}
    return url_for(str(request.endpoint), **values)


@bp.get("/dashboard/<name>")
@for_roles("manager")
def watched(name: str) -> ResponseReturnValue:
    """The tasks or cases on one of the dashboard's lists, a page at a time."""
    number = page_number(request.args.get("page"))
    if name not in LISTS or number is None:
        abort(404)
    instant = now()
    tasks = watched_tasks(db.session(), name, instant, number) if name in TASK_LISTS else None
    cases = watched_cases(db.session(), name, instant, number) if name in CASE_LISTS else None
    return render_template(
        "console/dashboard_list.html",
        title=LISTS[name].title,
        tasks=tasks,
        cases=cases,
        page=tasks or cases,
        now=instant,
    )
