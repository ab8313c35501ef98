"""Managers' fortnightly reviews: the queue, recording a review, and the reminder when one goes overdue."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, select

from app.casework.models import ActionPlanItem, Case, CaseReview
from app.casework.reassignment import reassign_case
from app.casework.report import Report
from app.casework.review_queue import count_due_reviews, due_reviews
from app.casework.review_recording import ReviewRecord, ReviewRefused, record_review
from app.clock import now
from app.extensions import db
from app.staff.accounts import create_staff, find_staff
from tests.conftest import DUTY, MANAGER, RESIDENT, at_once, london
from tests.workers.test_confirmation_text import run_worker


def opened(location: str = "B10 0AA", danger: bool = False, officer: str | None = "a@example.org") -> Case:
    from app.casework.service import open_case

    case = open_case(
        db.session,
        Report(
            kind="hate_crime",
            channel="web",
            caller_phone=RESIDENT,
            location=location,
            safe_to_text=False,
            risk_answers={"danger_now": danger, "happened_before": False, "unsafe_at_home": False},
        ),
        received_at=now(),
    )
    case.officer_id = find_staff(db.session, officer).id if officer else None
    db.session.commit()
    return case


def references(page) -> list[str]:
    return [row.reference for row in page.rows]


def test_a_new_case_is_due_its_first_review_14_days_on_past_the_bank_holidays(app, officers, at):
    with at("2026-12-11 10:00"):
        case = opened()
    assert case.next_review_due == london("2026-12-29 17:00")


def test_the_queue_lists_due_and_overdue_reviews_overdue_first_with_their_facts(app, officers, at):
    with at("2026-11-16 09:00"):
        late = opened()  # due Monday 30 November, 5pm
    with at("2026-11-17 09:00"):
        standard_today, high_today = opened(), opened(danger=True, officer=None)  # due Tuesday 1 December
    with at("2026-11-18 09:00"):
        opened()  # due Wednesday 2 December: not yet on the queue
    with at("2026-11-20 09:00"):
        closed = opened()
        closed.status = "closed"
        asha = find_staff(db.session, "a@example.org")
        db.session.add_all(
            [
                ActionPlanItem(
                    case_id=late.id,
                    what="Visit",
                    who="Officer",
                    due_on=date(2026, 11, 20),
                    done_at=now(),
                    created_by_id=asha.id,
                ),
                ActionPlanItem(
                    case_id=late.id, what="Letter", who="Officer", due_on=date(2026, 12, 4), created_by_id=asha.id
                ),
            ]
        )
        db.session.commit()
    with at("2026-12-01 09:00"):
        page = due_reviews(db.session, now(), 1)
        assert count_due_reviews(db.session, now()) == 3
    assert references(page) == [late.reference, high_today.reference, standard_today.reference]
    first = page.rows[0]
    assert (first.overdue, first.days_open, first.risk_level, first.officer) == (True, 15, "standard", "Asha Patel")
    assert (first.plan_done, first.plan_items) == (1, 2)
    assert first.overdue_tasks == 1, "the callback due the day after the report"
    assert first.last_contact_at == london("2026-11-16 09:00") and first.due == london("2026-11-30 17:00")
    assert (page.rows[1].overdue, page.rows[1].risk_level, page.rows[1].officer) == (False, "high", None)


def test_the_queue_is_one_query_however_many_cases_are_due(app, officers, at):
    """Thousands of open cases: each page costs one statement, never one per case."""
    with at("2026-11-16 09:00"):
        for _ in range(30):
            opened()
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with at("2026-12-01 09:00"):
            page = due_reviews(db.session, now(), 1)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(page.rows) == 30 and len(statements) == 1


def test_recording_a_review_moves_the_date_and_takes_the_case_off_the_queue(app, officers, at):
    with at("2026-11-16 09:00"):
        case = opened()
    manager = find_staff(db.session, "manager@example.org")
    with at("2026-12-01 09:30"):
        case.review_reminded_at = now()
        review = record_review(
            db.session, case, manager, ReviewRecord("On track", "Visit by Friday", date(2026, 12, 15))
        )
        assert due_reviews(db.session, now(), 1).rows == []
    case = db.session.get(Case, case.id)
    assert case.next_review_due == london("2026-12-15 17:00") and case.review_reminded_at is None
    stored = db.session.scalars(select(CaseReview)).one()
    assert (stored.id, stored.manager_id, stored.notes, stored.decisions) == (
        review.id,
        manager.id,
        "On track",
        "Visit by Friday",
    )
    assert stored.reviewed_at == london("2026-12-01 09:30") and stored.reassigned_to_id is None


@pytest.mark.parametrize(
    ("chosen", "refusal"),
    [
        (date(2026, 12, 1), "in the future"),
        (date(2026, 12, 30), "within 28 days"),
        (date(2026, 12, 25), "bank holiday"),
    ],
)
def test_a_review_with_a_next_date_the_rules_refuse_changes_nothing(app, officers, at, chosen, refusal):
    with at("2026-11-16 09:00"):
        case = opened()
    with at("2026-12-01 09:30"), pytest.raises(ReviewRefused, match=refusal):
        record_review(db.session, case, find_staff(db.session, "manager@example.org"), ReviewRecord("x", None, chosen))
    db.session.rollback()
    assert db.session.scalars(select(CaseReview)).all() == []
    assert db.session.get(Case, case.id).next_review_due == london("2026-11-30 17:00")


def test_an_enquiry_is_no_case_for_the_managers_review_queue(app, officers, at):
    """A question or a call back about an unknown reference: its callback task is the whole of it."""
    from app.casework.service import open_case

    with at("2026-11-10 10:00"):
        enquiry = open_case(db.session, Report(kind="enquiry", channel="phone", caller_phone=RESIDENT), now())
    assert enquiry.next_review_due is None
    with at("2026-11-25 10:00"):
        assert count_due_reviews(db.session, now()) == 0


def test_a_closed_case_is_not_reviewed(app, officers, at):
    with at("2026-11-16 09:00"):
        case = opened()
        case.status = "closed"
        db.session.commit()
        with pytest.raises(ReviewRefused, match="closed"):
            record_review(
                db.session,
                case,
                find_staff(db.session, "manager@example.org"),
                ReviewRecord("x", None, date(2026, 11, 20)),
            )


def test_a_review_can_give_the_case_to_another_officer(app, officers, redis, at):
    with at("2026-11-16 09:00"):
        case = opened()
        run_worker(app, redis)
    ben = find_staff(db.session, "b@example.org")
    with at("2026-12-01 09:30"):
        record_review(
            db.session,
            case,
            find_staff(db.session, "manager@example.org"),
            ReviewRecord("Stalled", None, date(2026, 12, 15), ben),
        )
    case = db.session.get(Case, case.id)
    assert case.officer_id == ben.id and case.tasks[0].assignee_id == ben.id
    assert db.session.scalars(select(CaseReview)).one().reassigned_to_id == ben.id


def texts_to(twilio_api, number: str) -> list[str]:
    return [m["Body"] for m in twilio_api.sent if m["To"] == number]


def test_an_overdue_review_reminds_the_officers_manager_once(app, officers, redis, twilio_api, at):
    with at("2026-11-16 09:00"):
        case = opened()
        run_worker(app, redis)
    runner = app.test_cli_runner()
    with at("2026-11-30 16:59"):
        assert "0 reminded" in runner.invoke(args=["jobs", "run", "review-reminders"]).output
    with at("2026-11-30 17:00"):
        assert "1 reminded" in runner.invoke(args=["jobs", "run", "review-reminders"]).output
        assert "0 reminded" in runner.invoke(args=["jobs", "run", "review-reminders"]).output, "once only"
        run_worker(app, redis)
    [reminder] = texts_to(twilio_api, MANAGER)
    assert reminder == (
        f"Review overdue: the fortnightly review of {case.reference} (Asha Patel) was due by 5pm on Monday 30 November."
    )
    assert texts_to(twilio_api, DUTY) == [] and texts_to(twilio_api, RESIDENT) == []


def test_a_review_recorded_then_overdue_again_reminds_again(app, officers, redis, twilio_api, at):
    with at("2026-11-16 09:00"):
        case = opened()
    runner = app.test_cli_runner()
    with at("2026-11-30 17:30"):
        runner.invoke(args=["jobs", "run", "review-reminders"])
    with at("2026-12-01 09:00"):
        record_review(
            db.session, case, find_staff(db.session, "manager@example.org"), ReviewRecord("ok", None, date(2026, 12, 2))
        )
    with at("2026-12-02 17:01"):
        assert "1 reminded" in runner.invoke(args=["jobs", "run", "review-reminders"]).output
        run_worker(app, redis)
    assert len(texts_to(twilio_api, MANAGER)) == 2


def test_without_an_officer_or_their_manager_the_duty_managers_are_reminded(app, officers, redis, twilio_api, at):
    create_staff(db.session, "d@example.org", "Dan Free", "officer", mobile="+447900000004")  # no manager
    with at("2026-11-16 09:00"):
        unnamed = opened(officer=None)
        managerless = opened(officer="d@example.org")
    with at("2026-11-30 17:05"):
        assert "2 reminded" in app.test_cli_runner().invoke(args=["jobs", "run", "review-reminders"]).output
        run_worker(app, redis)
    duty = texts_to(twilio_api, DUTY)
    assert len(duty) == 2 and texts_to(twilio_api, MANAGER) == []
    assert any(unnamed.reference in t and "(no named officer)" in t for t in duty)
    assert any(managerless.reference in t and "(Dan Free)" in t for t in duty)


def test_two_reminder_runs_at_once_send_one_reminder(app, officers, redis, twilio_api, at):
    from app.background.sweeps import remind_overdue_reviews

    with at("2026-11-16 09:00"):
        opened()
    with at("2026-11-30 17:30"):
        results = at_once(app, remind_overdue_reviews)
        run_worker(app, redis)
    assert sorted(results) == ["0 reminded", "1 reminded"]
    assert len(texts_to(twilio_api, MANAGER)) == 1


def test_reassigning_keeps_the_review_date(app, officers, at):
    with at("2026-11-16 09:00"):
        case = opened()
        reassign_case(db.session, case, find_staff(db.session, "b@example.org"))
    assert db.session.get(Case, case.id).next_review_due == london("2026-11-30 17:00")
