"""Configuration file for `rq cron workers/cron.py`: registers workers.schedule.PERIODIC_JOBS.

Run exactly one `rq cron`; every job here is idempotent anyway.
"""

from rq import cron

from app.jobs import QUEUE_NAME
from workers.schedule import PERIODIC_JOBS

for periodic in PERIODIC_JOBS:
    cron.register(periodic.func, QUEUE_NAME, interval=periodic.every_seconds, name=periodic.name, job_timeout=600)
