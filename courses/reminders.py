"""E-mail reminders of mandatory courses, some days before the due date and on it, and renewals."""

from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.db.models import F
from django.utils import timezone, translation

from certificates.services import renewal_due
from courses.models import CompletedCycle, DueReminder, Enrollment, LessonProgress

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


def renew_expiring_certificates(now=None) -> int:
    """Re-enrol the holders of completion certificates that expire soon, and tell them; returns how many.

    CERTIFICATE_RENEWAL_DAYS before a certificate expires its enrolment starts a
    new cycle: enrolled again, lessons, quiz and attendance to do again, due on the
    expiry date (mandatory as before). The old certificate stays valid until it
    expires, and stays in the register; completing the new cycle earns a new one.
    """
    renewed = 0
    with translation.override(settings.LANGUAGE_CODE):
        while batch := _renew_chunk(now):
            renewed += batch
    return renewed


@transaction.atomic
def _renew_chunk(now) -> int:
    certificates = list(
        renewal_due(now).select_for_update(skip_locked=True, of=("self",))
        .select_related("enrollment__course", "holder").order_by("pk")[:CHUNK]
    )
    if not certificates:
        return 0
    renew = [c for c in certificates if c.enrollment is not None and c.enrollment.cycle == c.cycle]
    for certificate in renew:
        enrollment = certificate.enrollment
        if enrollment.completed_at is not None:
            CompletedCycle.objects.get_or_create(enrollment=enrollment, cycle=enrollment.cycle, defaults={
                "completed_at": enrollment.completed_at, "credited_hours": enrollment.credited_hours})
        LessonProgress.objects.filter(enrollment=enrollment).delete()
        DueReminder.objects.filter(enrollment=enrollment).delete()
        Enrollment.objects.filter(pk=enrollment.pk, cycle=certificate.cycle).update(
            status=Enrollment.Status.ENROLLED, cycle=F("cycle") + 1, completed_at=None, quiz_passed_at=None,
            attendance_met_at=None, due_date=timezone.localdate(certificate.expires_at), updated_at=timezone.now(),
        )
    type(certificates[0]).objects.filter(pk__in=[c.pk for c in certificates]).update(
        renewal_noticed_at=timezone.now()
    )
    messages = [_renewal_message(c) for c in renew
                if c.holder.email and c.holder.email_confirmed and c.holder.is_active]
    if messages:
        get_connection().send_messages(messages)
    return len(certificates)


def _renewal_message(certificate) -> EmailMessage:
    context = {"certificate": certificate, "site_url": settings.SITE_URL,
               "expires_on": timezone.localdate(certificate.expires_at)}
    subject = render_to_string("courses/email/renewal_subject.txt", context).strip()
    body = render_to_string("courses/email/renewal.txt", context)
    return EmailMessage(subject, body, to=[certificate.holder.email])
