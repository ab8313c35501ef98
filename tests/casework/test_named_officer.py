"""The named investigating officer: told to the resident at first contact, in updates, and when it changes."""

from __future__ import annotations

from sqlalchemy import select

from app.casework.models import Case, Task
from app.casework.named_officer import announce_new_officer, resident_not_told
from app.casework.progress import send_update_now
from app.casework.reassignment import reassign_case
from app.casework.report import Report
from app.casework.service import open_case
from app.casework.tasks import complete, reassign
from app.clock import now
from app.extensions import db
from app.staff.accounts import find_staff
from tests.conftest import RESIDENT, london
from tests.workers.test_confirmation_text import run_worker


def opened(safe_to_text: bool = True, contact_method: str | None = "text") -> Case:
    case = open_case(
        db.session,
        Report(kind="hate_crime", channel="web", caller_phone=RESIDENT, location="B10 0AA", safe_to_text=safe_to_text),
        received_at=now(),
    )
    case.contact_method = contact_method
    db.session.commit()
    return case


def callback(case: Case) -> Task:
    return db.session.scalars(select(Task).where(Task.case_id == case.id).order_by(Task.id.desc())).first()


def texts_to_resident(app, redis, twilio_api) -> list[str]:
    """Every text the resident got, once the worker has sent them, but the report's confirmation."""
    run_worker(app, redis)
    return [m["Body"] for m in twilio_api.sent if m["To"] == RESIDENT and "Your reference is" not in m["Body"]]


def test_at_first_contact_a_resident_who_chose_texts_is_texted_their_officers_name(
    app, officers, redis, twilio_api, at
):
    with at("2026-11-25 10:00"):
        case = opened()
        run_worker(app, redis)
    with at("2026-11-25 14:00"):
        complete(db.session, callback(case).id, "spoke_to_resident", find_staff(db.session, "a@example.org"))
    assert texts_to_resident(app, redis, twilio_api) == [
        f"Birmingham City Council: Asha Patel is your officer for {case.reference}. To talk to them call "
        f"0121 464 7269 and quote {case.reference}. If you are in danger, call 999."
    ]
    case = db.session.get(Case, case.id)
    assert case.officer.name == "Asha Patel" and case.officer_told_id == case.officer_id


def test_a_resident_who_chose_phone_is_told_on_the_call_and_not_texted(app, officers, redis, twilio_api, at):
    with at("2026-11-25 10:00"):
        case = opened(contact_method="phone")
        run_worker(app, redis)
        complete(db.session, callback(case).id, "spoke_to_resident", None)
    assert texts_to_resident(app, redis, twilio_api) == []
    case = db.session.get(Case, case.id)
    assert case.officer_told_id == case.officer_id and not resident_not_told(case)


def test_a_resident_not_safe_to_text_is_not_texted_even_if_they_chose_texts(app, officers, redis, twilio_api, at):
    with at("2026-11-25 10:00"):
        case = opened(safe_to_text=False)
        run_worker(app, redis)
        complete(db.session, callback(case).id, "spoke_to_resident", None)
    assert texts_to_resident(app, redis, twilio_api) == []
    assert db.session.get(Case, case.id).officer_told_id is not None, "the officer named themself on the call"


def test_a_change_of_officer_is_texted_once_where_safe(app, officers, redis, twilio_api, at):
    with at("2026-11-25 10:00"):
        case = opened(contact_method="phone")
        run_worker(app, redis)
        complete(db.session, callback(case).id, "spoke_to_resident", None)
        ben = find_staff(db.session, "b@example.org")
        reassign_case(db.session, case, ben)
        assert not announce_new_officer(db.session, case), "a retry finds the resident told"
        db.session.commit()
    [text] = texts_to_resident(app, redis, twilio_api)
    assert text.startswith(f"Birmingham City Council: Ben Jones is now your officer for {case.reference}.")
    assert db.session.get(Case, case.id).officer_told_id == ben.id


def test_a_new_officers_name_that_never_arrives_is_a_call_to_make_and_the_resident_stays_untold(
    app, officers, redis, twilio_api, at
):
    with at("2026-11-25 10:00"):
        case = opened(contact_method="phone")
        run_worker(app, redis)
        complete(db.session, callback(case).id, "spoke_to_resident", None)
        twilio_api.refuse(RESIDENT, 21211)  # the number no longer takes texts
        reassign_case(db.session, case, find_staff(db.session, "b@example.org"))
        assert texts_to_resident(app, redis, twilio_api) == []
    case = db.session.get(Case, case.id)
    assert resident_not_told(case), "the case page still says the resident does not know their officer"
    call = db.session.scalars(select(Task).where(Task.case_id == case.id, Task.kind == "progress_call")).one()
    assert call.assignee.email == "b@example.org" and "named their officer" in call.note
    with at("2026-11-26 10:00"):
        complete(db.session, call.id, "spoke_to_resident", None)
    assert not resident_not_told(db.session.get(Case, case.id)), "told on that call"


def test_reassigning_the_callback_of_a_named_case_tells_the_resident_too(app, officers, redis, twilio_api, at):
    with at("2026-11-25 10:00"):
        case = opened(contact_method="phone")
        run_worker(app, redis)
        complete(db.session, callback(case).id, "no_answer", None)
        case.officer_id = case.officer_told_id = find_staff(db.session, "a@example.org").id
        db.session.commit()
        reassign(db.session, callback(case).id, find_staff(db.session, "c@example.org"))
    [text] = texts_to_resident(app, redis, twilio_api)
    assert "Cai Wong is now your officer" in text


def test_a_change_not_safe_to_text_waits_for_the_new_officers_first_call(app, officers, redis, twilio_api, at):
    with at("2026-11-25 10:00"):
        case = opened(contact_method="phone")
        run_worker(app, redis)
        complete(db.session, callback(case).id, "spoke_to_resident", None)
        case.contact_by_phone_only = True  # the resident texted STOP
        db.session.commit()
        reassign_case(db.session, case, find_staff(db.session, "b@example.org"))
        assert resident_not_told(db.session.get(Case, case.id))
        task = complete_new_call(case)
        complete(db.session, task.id, "spoke_to_resident", None)
    assert texts_to_resident(app, redis, twilio_api) == []
    assert not resident_not_told(db.session.get(Case, case.id))


def complete_new_call(case: Case) -> Task:
    from app.casework.tasks import add_task

    task = add_task(db.session, case, "update_callback", "test", now())
    db.session.commit()
    return task


def test_the_fortnightly_update_names_the_officer_and_counts_as_telling_them(app, officers, redis, twilio_api, at):
    with at("2026-11-25 10:00"):
        case = opened(contact_method="phone")
        case.officer_id = find_staff(db.session, "b@example.org").id
        db.session.commit()
        assert resident_not_told(case)
        assert send_update_now(db.session, case)
    [text] = texts_to_resident(app, redis, twilio_api)
    assert "Your officer Ben Jones is working on it" in text
    assert not resident_not_told(db.session.get(Case, case.id))


def test_a_visit_given_to_another_officer_for_cover_leaves_the_case_and_the_resident_as_they_were(
    app, officers, redis, twilio_api, at
):
    from app.casework.tasks import add_task

    asha, cai = find_staff(db.session, "a@example.org"), find_staff(db.session, "c@example.org")
    with at("2026-11-25 10:00"):
        case = opened()
        run_worker(app, redis)
        complete(db.session, callback(case).id, "spoke_to_resident", asha)
        visit = add_task(db.session, case, "letter_or_visit", "test", now(), assignee_id=asha.id)
        db.session.commit()
        told = texts_to_resident(app, redis, twilio_api)
        reassign(db.session, visit.id, cai)
    assert db.session.get(Case, case.id).officer_id == asha.id
    assert texts_to_resident(app, redis, twilio_api) == told, "no 'Cai Wong is now your officer' text"


def test_a_closed_cases_resident_is_not_told_of_a_new_officer(app, officers, redis, twilio_api, at):
    with at("2026-11-25 10:00"):
        case = opened()
        run_worker(app, redis)
        complete(db.session, callback(case).id, "spoke_to_resident", find_staff(db.session, "a@example.org"))
        told = texts_to_resident(app, redis, twilio_api)
        case = db.session.get(Case, case.id)
        case.status = "closed"
        case.officer_id = find_staff(db.session, "c@example.org").id
        assert not announce_new_officer(db.session, case)
        db.session.commit()
    assert texts_to_resident(app, redis, twilio_api) == told


def test_a_visit_that_reaches_the_resident_is_their_first_contact(app, officers, redis, at):
    """Three unanswered calls, then a visit: the officer who met them is named and the fortnight starts."""
    asha = find_staff(db.session, "a@example.org")
    with at("2026-11-25 10:00"):
        case = opened(contact_method="phone")
        for _ in range(3):
            complete(db.session, callback(case).id, "no_answer", asha)
    visit = callback(case)
    assert visit.kind == "letter_or_visit"
    with at("2026-11-27 11:00"):
        complete(db.session, visit.id, "spoke_to_resident", asha)
    case = db.session.get(Case, case.id, populate_existing=True)
    assert case.officer_id == asha.id and not resident_not_told(case)
    assert case.next_update_due == london("2026-12-11 11:00")
    assert [(e.method, e.outcome) for e in case.contact_log][-1] == ("visit", "made_contact")


def test_an_officer_who_logs_reaching_the_resident_first_is_their_named_officer(app, officers, at):
    from app.casework.contact_log import Contact, log_contact

    asha = find_staff(db.session, "a@example.org")
    with at("2026-11-25 10:00"):
        case = opened(contact_method="phone")
        case.officer_id = None
        db.session.commit()
        log_contact(db.session(), case, asha, Contact("visit", "out", "made_contact"), "192.0.2.7")
    case = db.session.get(Case, case.id, populate_existing=True)
    assert case.officer_id == asha.id and not resident_not_told(case)
