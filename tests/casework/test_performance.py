"""The monthly performance report: each promise of the service standard, counted over what fell due."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.casework import lifecycle
from app.casework.models import Case, SurveyResponse, Task
from app.casework.performance import Measure, last_complete_month, month_named, monthly_report
from app.casework.report import Report
from app.casework.review_recording import ReviewRecord, record_review
from app.casework.service import open_case
from app.casework.tasks import complete
from app.clock import now
from app.extensions import db
from app.staff.accounts import create_staff, find_staff
from tests.casework.test_fortnightly_updates import contacted_case, run_progress_updates
from tests.casework.test_lifecycle import close, discussed
from tests.casework.test_officer_tasks import report
from tests.conftest import RESIDENT, london
from tests.console.conftest import report as console_report
from tests.workers.test_confirmation_text import run_worker

NOVEMBER = date(2026, 11, 1)


def measure(promise_starts: str, as_of: str = "2026-12-01 09:00") -> Measure:
    figures = monthly_report(db.session(), NOVEMBER, london(as_of))
    return next(m for m in figures.measures if m.promise.startswith(promise_starts))


def reported(when: str, at, **details) -> Case:
    with at(when):
        return report("B10 0AA", **details)


def first_task(case: Case) -> Task:
    return db.session.scalars(select(Task).where(Task.case_id == case.id).order_by(Task.id)).first()


def done(case: Case, when: str, at, outcome: str = "spoke_to_resident") -> None:
    with at(when):
        complete(db.session, first_task(case).id, outcome, None)


def test_a_month_is_named_year_then_month_and_the_last_complete_one_is_the_default():
    assert month_named("2026-11") == NOVEMBER and month_named(" 2026-02 ") == date(2026, 2, 1)
    assert [month_named(bad) for bad in ("2026-13", "11-2026", "2026-11-05", "", "1066-10")] == [None] * 5
    assert last_complete_month(london("2026-12-01 00:30")) == NOVEMBER
    assert last_complete_month(london("2027-01-15 12:00")) == date(2026, 12, 1)


def test_a_callback_counts_as_kept_when_its_first_attempt_is_made_by_the_deadline(app, officers, at):
    on_time = reported("2026-11-02 10:00", at)  # due Tuesday 3 November, 5pm
    done(on_time, "2026-11-03 16:59", at, "no_answer")  # an attempt is a response
    late = reported("2026-11-04 10:00", at)  # due Thursday 5 November, 5pm
    done(late, "2026-11-06 09:00", at)
    reported("2026-11-26 10:00", at)  # due Friday 27 November: never done
    reported("2026-11-30 10:00", at)  # due 1 December: next month's
    with at("2026-11-10 10:00"):
        enquiry = open_case(db.session, Report(kind="enquiry", channel="sms", caller_phone=RESIDENT), now())
    assert enquiry.tasks, "an enquiry's callback is not a report's"
    callbacks = measure("Respond")
    assert (callbacks.due, callbacks.kept, callbacks.missed, callbacks.percent_kept) == (3, 1, 2, 33)
    so_far = measure("Respond", as_of="2026-11-05 12:00")
    assert (so_far.due, so_far.kept) == (1, 1), "in the month under way, only what has fallen due"
    assert not monthly_report(db.session(), NOVEMBER, london("2026-11-05 12:00")).complete


def test_graffiti_counts_as_removed_on_time_only_by_its_deadline(app, officers, at):
    removed = reported("2026-11-09 11:00", at, kind="graffiti")
    done(removed, "2026-11-10 12:00", at, "removed")
    slow = reported("2026-11-09 11:00", at, kind="graffiti")
    done(slow, "2026-11-11 12:00", at, "removed")
    graffiti = measure("Remove offensive graffiti")
    assert (graffiti.due, graffiti.kept) == (2, 1)
    assert measure("Respond").due == 0, "graffiti has no risk-assessment callback"


def test_a_fortnightly_round_is_kept_by_a_text_that_arrived_or_a_call_that_reached_them(
    app, officers, redis, twilio_api, at
):
    texted = contacted_case(app, redis, at)  # spoke 11 November: due 25 November, texts safe
    run_progress_updates(app, redis, at, "2026-11-25 10:00")
    assert measure("Update").due == 1 and measure("Update").kept == 1

    phoned = contacted_case(app, redis, at, safe_to_text=False, spoke_at="2026-11-12 11:00")  # due 26 November
    run_progress_updates(app, redis, at, "2026-11-26 10:00")
    updates = measure("Update")
    assert (updates.due, updates.kept) == (2, 1), "the call task is not the call"
    call = db.session.scalars(select(Task).where(Task.case_id == phoned.id, Task.kind == "progress_call")).one()
    with at("2026-11-26 15:00"):
        complete(db.session, call.id, "spoke_to_resident", None)
    assert measure("Update").kept == 2
    assert texted.id != phoned.id


def test_a_failed_update_text_is_no_update(app, officers, redis, twilio_api, at):
    contacted_case(app, redis, at)
    twilio_api.refuse(RESIDENT, 21211)
    run_progress_updates(app, redis, at, "2026-11-25 10:00")
    updates = measure("Update")
    assert (updates.due, updates.kept) == (1, 0)


def test_the_confirmation_of_the_report_is_not_the_first_fortnights_update(app, officers, redis, twilio_api, at):
    with at("2026-11-02 10:00"):
        report("B10 0AA")  # confirmed by text at once; nobody reaches them in the fortnight
        run_worker(app, redis)
    twilio_api.refuse(RESIDENT, 21211)  # and the update text fails
    run_progress_updates(app, redis, at, "2026-11-16 10:00")
    updates = measure("Update")
    assert (updates.due, updates.kept) == (1, 0)


def test_a_fortnight_that_runs_out_after_5pm_is_kept_by_a_contact_before_it_runs_out(app, officers, redis, at):
    phoned = contacted_case(app, redis, at, safe_to_text=False, spoke_at="2026-11-12 18:30")  # due 26th, 6.30pm
    run_progress_updates(app, redis, at, "2026-11-26 10:00")
    call = db.session.scalars(select(Task).where(Task.case_id == phoned.id, Task.kind == "progress_call")).one()
    with at("2026-11-26 17:30"):
        complete(db.session, call.id, "spoke_to_resident", None)
    assert (measure("Update").due, measure("Update").kept) == (1, 1)


def test_in_the_month_under_way_a_round_counts_once_its_day_is_over(app, officers, redis, at):
    contacted_case(app, redis, at, safe_to_text=False, spoke_at="2026-11-11 09:30")  # due 25th at 9.30am: by 5pm
    run_progress_updates(app, redis, at, "2026-11-25 10:00")
    assert measure("Update", as_of="2026-11-25 12:00").due == 0, "not missed before 5pm"
    assert (measure("Update", as_of="2026-11-25 17:01").due, measure("Update", as_of="2026-11-25 17:01").kept) == (1, 0)


def test_a_missed_callback_stays_missed_when_the_case_closes_later(app, officers, at):
    from app.casework.lifecycle import stop_work

    missed = reported("2026-11-02 10:00", at)  # due 3 November, 5pm: nobody called
    called_off = reported("2026-11-09 10:00", at)  # due 10 November: the case closed before then
    manager = find_staff(db.session, "manager@example.org")
    with at("2026-11-10 10:00"):
        stop_work(db.session.get(Case, missed.id), manager, now())
    with at("2026-11-09 15:00"):
        stop_work(db.session.get(Case, called_off.id), manager, now())
    db.session.commit()
    callbacks = measure("Respond")
    assert (callbacks.due, callbacks.kept) == (1, 0)


def test_a_review_is_on_time_when_a_manager_records_it_by_the_end_of_its_due_day(app, officers, at):
    manager = find_staff(db.session, "manager@example.org")
    reviewed = reported("2026-11-02 10:00", at)  # first review due Monday 16 November
    with at("2026-11-16 16:00"):
        record_review(db.session, reviewed, manager, ReviewRecord(None, None, date(2026, 11, 30)))
    reported("2026-11-03 10:00", at)  # due Tuesday 17 November: never reviewed
    reviews = measure("Managers review")
    assert (reviews.due, reviews.kept) == (3, 1), "16th kept; 17th and the 30th (set by the review) missed"


def test_the_months_reports_closures_and_survey_answers_are_counted_without_anyone_named(app, officers, at):
    high = reported("2026-11-02 10:00", at, danger=True)
    reported("2026-11-03 10:00", at, kind="graffiti")
    reported("2026-10-30 10:00", at)  # October's
    with at("2026-11-20 10:00"):
        for score, informed in ((5, "yes"), (4, "partly"), (2, "no")):
            db.session.add(
                SurveyResponse(
                    case_id=high.id if score == 5 else reported("2026-11-04 10:00", at).id,
                    token=f"token-{score}",
                    short_code=f"code{score}",
                    answered_at=now(),
                    satisfaction=score,
                    kept_informed=informed,
                    listened_to="yes",
                    get_involved=["street_champion"] if score == 5 else [],
                )
            )
        db.session.commit()
    figures = monthly_report(db.session(), NOVEMBER, london("2026-12-01 09:00"))
    assert figures.new_cases == 4 and figures.received["kind"] == {"hate_crime": 3, "graffiti": 1}
    assert figures.received["channel"] == {"web": 4} and figures.received["risk"]["high"] == 1
    assert sum(figures.received["strand"].values()) == 3, "graffiti is about no strand"
    survey = figures.survey
    assert (survey.answered, survey.average_satisfaction, survey.want_to_get_involved) == (3, 3.7, 1)
    assert survey.kept_informed == {"yes": 1, "partly": 1, "no": 1} and survey.listened_to == {"yes": 3}


def test_the_command_line_prints_a_months_figures_as_csv(app, officers, at):
    reported("2026-11-02 10:00", at)
    runner = app.test_cli_runner()
    with at("2026-12-01 09:00"):
        default = runner.invoke(args=["performance"])
        named = runner.invoke(args=["performance", "2026-11"])
        bad = runner.invoke(args=["performance", "November"])
    assert default.exit_code == 0 and default.output == named.output
    assert "Respond to a hate crime report within one working day,fell due,1" in named.output
    assert bad.exit_code != 0 and "YYYY-MM" in bad.output
    with at("2026-12-01 09:00"):
        to_come = runner.invoke(args=["performance", "2027-01"])
    assert to_come.exit_code != 0 and "has not started" in to_come.output


def closed_case(officer, at, opened: str, closing: str) -> Case:
    """A case given to `officer`, opened at `opened` and closed at `closing` (London times)."""
    with at(opened):
        case = console_report(officer=officer)
    with at(closing):
        discussed(case, officer)
        lifecycle.propose_closure(db.session(), case, officer, "192.0.2.7")
        close(case, officer)
    return case


def test_a_closure_counts_as_followed_by_a_letter_when_its_letter_is_marked_sent_in_time(app, at):
    officer = create_staff(db.session(), "asha.patel@birmingham.gov.uk", "Asha Patel", "officer")
    letters = []
    for day in ("2026-11-10 10:00", "2026-11-11 10:00"):
        case = closed_case(officer, at, day, day)
        letters.append(next(t for t in case.tasks if t.kind == "closure_letter"))
    with at("2026-11-11 16:00"):
        complete(db.session, letters[0].id, "done", officer)  # due 5pm that day: sent in time
    letters_sent = measure("Send a closure letter")
    assert (letters_sent.due, letters_sent.kept) == (2, 1)
    assert monthly_report(db.session(), NOVEMBER, london("2026-12-01 09:00")).closed == {"resolved": 2}


def test_a_reopened_case_is_reviewed_again_from_its_reopening_and_not_while_it_was_closed(app, officers, at):
    officer, manager = find_staff(db.session, "a@example.org"), find_staff(db.session, "manager@example.org")
    closed_in_october = closed_case(officer, at, "2026-10-01 10:00", "2026-10-05 10:00")
    closed_for_four_days = closed_case(officer, at, "2026-11-02 10:00", "2026-11-05 10:00")
    closed_case(officer, at, "2026-11-02 11:00", "2026-11-20 10:00")  # its review on the 16th missed
    with at("2026-11-02 10:00"):
        lifecycle.reopen_case(db.session(), closed_in_october, officer, "192.0.2.7")  # review due Monday 16th
    with at("2026-11-09 10:00"):
        lifecycle.reopen_case(db.session(), closed_for_four_days, officer, "192.0.2.7")  # due Monday 23rd
    with at("2026-11-23 15:00"):
        record_review(db.session, closed_for_four_days, manager, ReviewRecord(None, None, date(2026, 12, 7)))
    reviews = measure("Managers review")
    assert (reviews.due, reviews.kept) == (3, 1), (
        "the 16th twice (one missed each), the 23rd kept; no review is due on a closed case"
    )
