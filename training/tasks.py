"""Celery tasks of training: a few lines each, the work is in `training.services`."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from training import services

# Rosters changed within this time are checked by the sweep; it runs far more often.
SWEEP_LOOKBACK = timedelta(hours=6)


@shared_task(acks_late=True)
def pass_on_attendance(course_ids: list[int], user_ids: list[int]) -> int:
    """Tell the courses linked to a class or conference who met its attendance rule."""
    return services.pass_on_attendance(course_ids=course_ids, user_ids=user_ids)


@shared_task(acks_late=True)
def sweep_attendance_results() -> int:
    """Pass on what a lost `pass_on_attendance` task left behind."""
    return services.sweep_attendance_results(since=timezone.now() - SWEEP_LOOKBACK)
