"""Celery tasks of certificates: each loads ids and calls a service (found by name, see accounts.queue).

Each certificate's rendering has its own time limit (CERTIFICATE_RENDER_SECONDS,
certificates.rendering); each task has one too, for what rendering does not
cover (signing on a token, storage), so that nothing holds a worker for ever.
"""

import gc
from importlib import import_module

from celery import shared_task
from celery.signals import worker_process_init
from django.conf import settings

from certificates import services


def _render_limit(count: int) -> int:
    """Seconds a task rendering up to `count` certificates may run before the worker kills it."""
    return settings.CERTIFICATE_RENDER_SECONDS * count + 60


# One completion's batch holds at most a scoring batch of learners; a chunk, services.RENDER_CHUNK.
ONE_BATCH = _render_limit(max(settings.QUIZ_SCORING_BATCH, services.RENDER_CHUNK))


@worker_process_init.connect(weak=False, dispatch_uid="certificates.load_and_freeze")
def _load_and_freeze(**kwargs) -> None:
    """Each worker process loads pyHanko at start, and the garbage collector's full passes skip what it loaded.

    Importing pyHanko takes half a second, better spent before the first
    certificate than in it. What is loaded then (Django, WeasyPrint, pyHanko:
    some 250,000 objects) lives as long as the process; walking it all every few
    hundred renders cost about 3 ms a certificate.
    """
    import_module("certificates.signing")
    gc.freeze()


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=ONE_BATCH)
def issue_completion(enrollment_ids: list[int]) -> int:
    return len(services.issue_completion(enrollment_ids))


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=ONE_BATCH)
def issue_attendance(event_id: int, user_ids: list[int]) -> int:
    return len(services.issue_attendance(event_id=event_id, user_ids=user_ids))


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=ONE_BATCH)
def store_pdfs(certificate_ids: list[int]) -> int:
    return services.store_pending(certificate_ids)


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=ONE_BATCH)
def bulk_issue(job_id: int) -> None:
    services.run_bulk_issue(job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=ONE_BATCH)
def bulk_render(job_id: int, certificate_ids: list[int]) -> None:
    services.bulk_render(job_id, certificate_ids)


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=ONE_BATCH)
def bulk_finish(job_id: int) -> None:
    services.finish_bulk_issue(job_id)


@shared_task(acks_late=True, time_limit=ONE_BATCH)
def sweep() -> int:
    """Issue what a lost worker or broker left: certificates due but missing, PDFs not stored."""
    return services.sweep()
