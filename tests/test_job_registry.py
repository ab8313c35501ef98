"""Jobs by name: one table, checked at start-up, read by `flask jobs list` and run through one entry point."""

from __future__ import annotations

import pytest
from redis import Redis
from rq import Queue

from app.background import registry
from app.background.registry import JOBS, PERIODIC_JOBS, check_registry, job_named
from app.jobs import QUEUE_NAME, RUN_JOB, JobName, JobRequest, enqueue_now


def test_every_job_name_has_one_function_and_a_purpose():
    check_registry()
    assert {job.name for job in JOBS} == set(JobName)
    assert all(job.purpose for job in JOBS)


def test_a_name_without_a_function_stops_the_app(monkeypatch):
    monkeypatch.setattr(registry, "JOBS", JOBS[1:])  # as if someone added a JobName and forgot its function
    with pytest.raises(RuntimeError, match="no function for"):
        check_registry()


def test_the_periodic_schedule_is_the_six_sweeps():
    assert {job.name.value: job.every_seconds for job in PERIODIC_JOBS} == {
        "outbox": 60,
        "text-conversations": 60,
        "reminders": 60,
        "progress-updates": 900,
        "incomplete-calls": 300,
        "review-reminders": 300,
    }


def test_an_unknown_name_is_a_key_error():
    with pytest.raises(KeyError):
        job_named("send-fax")


def test_rq_records_the_job_by_name_with_its_ids(settings):
    enqueue_now(settings["REDIS_URL"], [JobRequest(JobName.ASSIGN_TASK, (42,), "assign-task-42")])
    job = Queue(QUEUE_NAME, connection=Redis.from_url(settings["REDIS_URL"])).fetch_job("assign-task-42")
    assert job is not None and job.func_name == RUN_JOB and job.args == ("assign-task", 42)


def test_flask_jobs_list_shows_every_job(app):
    output = app.test_cli_runner().invoke(args=["jobs", "list"]).output
    assert all(name.value in output for name in JobName)
    assert "progress-updates       every  900s" in output and "send-text              on demand" in output
