"""Celery tasks of quizzes: each loads ids and calls a service (services find them by name, see services.queue)."""

from celery import shared_task

from quizzes import services
from quizzes.models import Quiz


@shared_task(acks_late=True, reject_on_worker_lost=True)
def score_attempt(attempt_id: int) -> bool:
    return services.score_attempt(attempt_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def score_waiting() -> int:
    return services.score_waiting()


@shared_task(acks_late=True)
def sweep_attempts() -> dict:
    """Close attempts past their deadline; re-enqueue submitted attempts not scored in time."""
    return {"closed": services.close_expired_attempts(), "requeued": services.requeue_unscored()}


@shared_task(acks_late=True)
def regrade_quiz(job_id: int) -> None:
    services.run_regrade(job_id)


@shared_task(acks_late=True)
def compute_statistics(quiz_id: int) -> None:
    services.compute_statistics(Quiz.objects.get(pk=quiz_id))


@shared_task(acks_late=True)
def statistics_job(job_id: int) -> None:
    services.run_statistics_job(job_id)
