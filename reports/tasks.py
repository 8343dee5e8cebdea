"""Celery tasks of reports: each loads ids and calls a service (found by name, see accounts.queue)."""

from celery import shared_task

from reports import services

# A report of a million rows is written in a few minutes; nothing should hold a worker for longer.
REPORT_SECONDS = 30 * 60


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=REPORT_SECONDS)
def build_report(job_id: int) -> str:
    return services.run_report_job(job_id).status


@shared_task(acks_late=True, time_limit=REPORT_SECONDS * 4)
def send_due_schedules() -> int:
    return services.send_due_schedules()
