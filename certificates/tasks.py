"""Celery tasks of certificates: each loads ids and calls a service (found by name, see accounts.queue).

Rendering has a time limit (CERTIFICATE_RENDER_SECONDS per certificate): a
template that never finishes must not hold a worker for ever.
"""

from celery import shared_task
from django.conf import settings

from certificates import services


def _render_limit(count: int = 1) -> int:
    return settings.CERTIFICATE_RENDER_SECONDS * count + 30


@shared_task(acks_late=True, reject_on_worker_lost=True)
def issue_completion(enrollment_ids: list[int]) -> int:
    return len(services.issue_completion(enrollment_ids))


@shared_task(acks_late=True, reject_on_worker_lost=True)
def issue_attendance(event_id: int, user_ids: list[int]) -> int:
    return len(services.issue_attendance(event_id=event_id, user_ids=user_ids))


@shared_task(acks_late=True, reject_on_worker_lost=True)
def store_pdfs(certificate_ids: list[int]) -> int:
    return services.store_pending(certificate_ids)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def bulk_issue(job_id: int) -> None:
    services.run_bulk_issue(job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def bulk_render(job_id: int, certificate_ids: list[int]) -> None:
    services.bulk_render(job_id, certificate_ids)


@shared_task(acks_late=True)
def sweep() -> int:
    """Issue what a lost worker or broker left: certificates due but missing, PDFs not stored."""
    return services.sweep()
