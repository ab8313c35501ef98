"""The case page's actions: each view reads its form, asks one domain function, and goes back to the case.

Every action is a POST with the session's CSRF token. A case the signed-in person may not see answers 404;
contact centre staff may add notes, log signposting and change contact preferences, but not text the
resident or send updates (403). A form that cannot be accepted comes back on its own page, with GOV.UK's
error summary and a link back to the case.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from app.casework.lifecycle import is_open, may_decide_closure
from app.casework.models import Case
from app.casework.notes import NotAllowed, add_note, log_signposting
from app.casework.preferences import change_contact_preferences
from app.casework.references import looks_like_reference
from app.casework.staff_texts import draft_text, send_staff_text, send_update, text_refusal
from app.console.action_forms import ContactPreferencesForm, NoteForm, SignpostingForm, TextForm, UpdateForm
from app.console.auth import for_roles, require_signed_in, signed_in_staff
from app.console.blueprints import console_blueprint
from app.console.case_page import CasePage, role_reads
from app.console.closure_forms import ContactForm
from app.console.form_fields import as_bool
from app.console.once import once_per_form
from app.console.wording import london_time, text_queued
from app.extensions import db
from app.phones import shown_number
from app.staff.access import visible_case_by_reference

bp = console_blueprint("console_case", guard=require_signed_in)

EVERY_ROLE = ("contact_centre", "officer", "manager", "admin")
CASEWORKERS = ("officer", "manager", "admin")  # officers on their own cases (the 404 rule), the others on all


def visible_case_or_404(reference: str) -> Case:
    found = (
        visible_case_by_reference(db.session(), signed_in_staff(), reference)
        if looks_like_reference(reference)
        else None
    )
    if found is None:
        abort(404)
    return found


def _back_to(case: Case, message: str) -> ResponseReturnValue:
    flash(message, "success")
    return redirect(url_for("console.case", reference=case.reference))


def _again(case: Case, form: FlaskForm, heading: str, fields: str) -> ResponseReturnValue:
    """The form again on its own page, with what was wrong."""
    return render_template(
        "console/case_action.html",
        title=f"{heading} – Case {case.reference}",
        heading=heading,
        case=case,
        form=form,
        fields=fields,
    )


@bp.post("/cases/<reference>/notes", merge_slashes=False)
@for_roles(*EVERY_ROLE)
def notes(reference: str) -> ResponseReturnValue:
    """A note on the case's timeline."""
    case = visible_case_or_404(reference)
    form = NoteForm()
    if form.validate():
        add_note(db.session(), case, signed_in_staff(), form.note.data or "", request.remote_addr)
        return _back_to(case, "Note added to the timeline")
    return _again(case, form, "Add a note", "note")


@bp.post("/cases/<reference>/signposting", merge_slashes=False)
@for_roles(*EVERY_ROLE)
def signposting(reference: str) -> ResponseReturnValue:
    """Signposting (the agency's details given) or a referral (the resident's details passed, with consent)."""
    case = visible_case_or_404(reference)
    form = SignpostingForm()
    if form.validate():
        try:
            note = log_signposting(
                db.session(),
                case,
                signed_in_staff(),
                agency=form.agency.data,
                referral=form.kind.data == "referral",
                consent=as_bool(form.consent.data),
                details=form.details.data,
                address=request.remote_addr,
            )
        except NotAllowed as refused:
            form.consent.errors = [str(refused)]
        else:
            done = "Referral" if note.kind == "referral" else "Signposting"
            return _back_to(case, f"{done} logged on the timeline")
    return _again(case, form, "Log signposting or a referral", "signposting")


@bp.post("/cases/<reference>/contact-preferences", merge_slashes=False)
@for_roles(*EVERY_ROLE)
def contact_preferences(reference: str) -> ResponseReturnValue:
    """How, when and in what language the resident wants us to get in touch, and where letters go; audited."""
    case = visible_case_or_404(reference)
    form = ContactPreferencesForm.for_role(role_reads(signed_in_staff().role, "personal"))
    if form.validate():
        changed = change_contact_preferences(
            db.session(), case, signed_in_staff(), form.preferences(), request.remote_addr
        )
        return _back_to(case, "Contact preferences saved" if changed else "Contact preferences unchanged")
    return _again(case, form, "Change contact preferences", "preferences")


@bp.post("/cases/<reference>/texts", merge_slashes=False)
@for_roles(*CASEWORKERS)
@once_per_form
def texts(reference: str) -> ResponseReturnValue:
    """Text the resident: the first POST shows the exact wording, the confirmed one sends it through the outbox."""
    case = visible_case_or_404(reference)
    form = TextForm()
    if form.validate():
        try:
            if form.confirm.data == "yes":
                text = send_staff_text(db.session(), case, signed_in_staff(), form.message.data, request.remote_addr)
                return _back_to(case, text_queued(text.next_attempt_at, shown_number(case.callback_phone)))
            return _check_text(case, form)
        except NotAllowed as refused:
            form.message.errors = [str(refused)]
    return _again(case, form, "Text the resident", "text")


def _check_text(case: Case, form: TextForm) -> ResponseReturnValue:
    """The text exactly as it will be sent, its cost, and the button that sends it; refused before it is shown."""
    if refusal := text_refusal(db.session(), case):
        raise NotAllowed(refusal)
    draft = draft_text(case, form.message.data)
    title = f"Check the text – Case {case.reference}"
    return render_template("console/case_text.html", title=title, case=case, form=form, draft=draft)


@bp.post("/cases/<reference>/updates", merge_slashes=False)
@for_roles(*CASEWORKERS)
@once_per_form
def updates(reference: str) -> ResponseReturnValue:
    """Send the fortnightly update now: the progress text, and the two-week clock starts again."""
    case = visible_case_or_404(reference)
    form = UpdateForm()
    if form.validate():
        try:
            next_due = send_update(db.session(), case, signed_in_staff(), request.remote_addr)
        except NotAllowed as refused:
            form.send_update.errors = [str(refused)]
        else:
            return _back_to(case, f"Update sent to the resident. The next one is due by {london_time(next_due)}")
    return _again(case, form, "Send the fortnightly update now", "update")


@bp.post("/<path:unknown>")
def no_such_form(unknown: str) -> ResponseReturnValue:
    """A form sent to no console address (a tampered reference, say): the console's 404, not a bare 405."""
    abort(404)


@dataclass(frozen=True)
class CaseActions:
    """The forms the case page shows the signed-in person (None: their role may not use it)."""

    note: NoteForm
    signposting: SignpostingForm
    preferences: ContactPreferencesForm
    text: TextForm | None
    update: UpdateForm | None
    text_refusal: str | None
    contact: ContactForm | None
    decides_closure: bool
    closed: bool


def case_actions(page: CasePage) -> CaseActions:
    """For the case page's template: empty forms, the preferences as they are, and why texts are refused."""
    caseworker = signed_in_staff().role in CASEWORKERS
    return CaseActions(
        note=NoteForm(formdata=None),
        signposting=SignpostingForm(formdata=None),
        preferences=ContactPreferencesForm.showing(page.case, page.shows("personal")),
        text=TextForm(formdata=None) if caseworker else None,
        update=UpdateForm(formdata=None) if caseworker else None,
        text_refusal=text_refusal(db.session(), page.case) if caseworker else None,
        contact=ContactForm(formdata=None) if caseworker else None,
        decides_closure=may_decide_closure(signed_in_staff(), page.case),
        closed=not is_open(page.case),
    )


def init_app(app: Flask) -> None:
    app.add_template_global(case_actions, "case_actions")
