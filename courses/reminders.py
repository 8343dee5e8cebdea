"""Reminders of mandatory courses, some days before the due date and on it, and renewals: notices and e-mails."""

from datetime import date, timedelta
from itertools import groupby

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Notification
from accounts.notifications import notify, notify_each
from certificates.services import renewal_due
from courses.models import CompletedCycle, DueReminder, Enrollment, LessonProgress
from courses.services import course_url

CHUNK = 200


def send_due_reminders(today: date) -> int:
    """Send every reminder due today that was not sent yet; returns how many were sent.

    Each is a notice on the site, e-mailed too to those who want it (`accounts.notifications`).
    """
    sent = 0
    for days in settings.DUE_REMINDER_DAYS:
        while batch := _send_chunk(today, days):
            sent += batch
    return sent


@transaction.atomic
def _send_chunk(today: date, days: int) -> int:
    enrollments = list(
        Enrollment.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("course")
        .filter(mandatory=True, status=Enrollment.Status.ENROLLED, due_date=today + timedelta(days=days))
        .exclude(reminders__days_before=days)
        .order_by("course_id", "pk")[:CHUNK]
    )
    if not enrollments:
        return 0
    for course, same_course in groupby(enrollments, key=lambda enrollment: enrollment.course):
        notify([enrollment.user_id for enrollment in same_course], Notification.Kind.DUE_SOON,
               url=course_url(course), course=course.title, due_date=today + timedelta(days=days), days=days)
    DueReminder.objects.bulk_create(
        [DueReminder(enrollment=enrollment, days_before=days) for enrollment in enrollments], ignore_conflicts=True
    )
    return len(enrollments)


def renew_expiring_certificates(now=None) -> int:
    """Re-enrol the holders of completion certificates that expire soon, and tell them; returns how many.

    CERTIFICATE_RENEWAL_DAYS before a certificate expires its enrolment starts a
    new cycle: enrolled again, lessons, quiz and attendance to do again, due on the
    expiry date (mandatory as before). The old certificate stays valid until it
    expires, and stays in the register; completing the new cycle earns a new one.
    """
    renewed = 0
    while batch := _renew_chunk(now):
        renewed += batch
    return renewed


@transaction.atomic
def _renew_chunk(now) -> int:
    certificates = list(
        renewal_due(now).select_for_update(skip_locked=True, of=("self",))
        .select_related("enrollment__course").order_by("pk")[:CHUNK]
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
    notify_each(Notification.Kind.CERTIFICATE, [
        (certificate.holder_id, course_url(certificate.enrollment.course), {
            "title": certificate.title, "number": certificate.number,
            "expires_on": timezone.localdate(certificate.expires_at)})
        for certificate in renew
    ])
    return len(certificates)
