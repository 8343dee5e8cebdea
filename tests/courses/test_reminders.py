from datetime import timedelta

from django.utils import timezone

from courses import services
from courses.tasks import send_due_reminders
from tests.conftest import unit
from tests.factories import UserFactory


def test_reminders_go_out_before_the_due_date_and_on_it_once_each(course, hr_babe, learner, mailoutbox, settings,
                                                                   django_capture_on_commit_callbacks):
    settings.DUE_REMINDER_DAYS = [3, 0]
    today = timezone.localdate()
    services.assign_course(actor=hr_babe, course=course, org_unit=unit("BABE"), due_date=today + timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):  # the e-mails go once the notices are committed
        assert send_due_reminders() == 1
    assert mailoutbox[0].to == [learner.email]
    assert course.title in mailoutbox[0].subject
    assert send_due_reminders() == 0

    course.enrollments.update(due_date=today)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders() == 1
    assert len(mailoutbox) == 2


def test_no_reminder_for_completed_or_voluntary_enrolments(course, learner, mailoutbox, settings):
    settings.DUE_REMINDER_DAYS = [0]
    volunteer = UserFactory(org_unit=unit("BABE"))
    services.enroll(user=volunteer, course=course)
    enrollment = services.enroll(user=learner, course=course)
    course.enrollments.update(due_date=timezone.localdate())
    course.enrollments.filter(pk=enrollment.pk).update(mandatory=True, status="completed")
    assert send_due_reminders() == 0
    assert mailoutbox == []
