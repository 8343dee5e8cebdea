"""E-mail reminders of mandatory courses, some days before the due date and on it."""

from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from courses.models import DueReminder, Enrollment

CHUNK = 200


def send_due_reminders(today: date) -> int:
    """Send every reminder due today that was not sent yet; returns how many were sent."""
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for days in settings.DUE_REMINDER_DAYS:
            while batch := _send_chunk(today, days):
                sent += batch
    return sent


@transaction.atomic
def _send_chunk(today: date, days: int) -> int:
    enrollments = list(
        Enrollment.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("user", "course")
        .filter(mandatory=True, status=Enrollment.Status.ENROLLED, due_date=today + timedelta(days=days))
        .exclude(user__email="")
        .exclude(reminders__days_before=days)
        .order_by("pk")[:CHUNK]
    )
    if not enrollments:
        return 0
    get_connection().send_messages([_message(enrollment, days) for enrollment in enrollments])
    DueReminder.objects.bulk_create(
        [DueReminder(enrollment=enrollment, days_before=days) for enrollment in enrollments], ignore_conflicts=True
    )
    return len(enrollments)


def _message(enrollment: Enrollment, days: int) -> EmailMessage:
    context = {"enrollment": enrollment, "days": days, "site_url": settings.SITE_URL}
    subject = render_to_string("courses/email/due_reminder_subject.txt", context).strip()
    body = render_to_string("courses/email/due_reminder.txt", context)
    return EmailMessage(subject, body, to=[enrollment.user.email])
