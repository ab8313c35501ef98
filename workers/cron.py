"""Configuration file for a plain `rq cron workers/cron.py`: registers the registry's periodic jobs.

The Procfile runs `python -m workers.run cron` instead, the same schedule in a
loop that outlives Redis outages (`rq cron` exits when Redis goes). Run exactly
one scheduler; every job here is idempotent anyway.
"""

from rq import cron

from workers.run import register_periodic_jobs

register_periodic_jobs(cron)
