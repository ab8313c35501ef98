"""Configuration file for a plain `rq cron workers/cron.py`: registers workers.schedule.PERIODIC_JOBS.

The Procfile runs `python -m workers.run cron` instead, the same schedule in a
loop that outlives Redis outages (`rq cron` exits when Redis goes). Run exactly
one scheduler; every job here is idempotent anyway.
"""

from rq import cron

from app.jobs import QUEUE_NAME
from workers.schedule import PERIODIC_JOBS

for periodic in PERIODIC_JOBS:
    cron.register(periodic.func, QUEUE_NAME, interval=periodic.every_seconds, name=periodic.name, job_timeout=600)
