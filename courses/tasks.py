from celery import shared_task
from django.utils import timezone

from courses import reminders


@shared_task(acks_late=True)
def send_due_reminders() -> int:
    return reminders.send_due_reminders(timezone.localdate())


@shared_task(acks_late=True)
def renew_expiring_certificates() -> int:
    return reminders.renew_expiring_certificates()
