from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import AuditEntry, Notification
from courses import services
from courses.models import Assignment
from tests.conftest import unit
from tests.factories import UserFactory


@pytest.fixture
def assignment(course, hr_babe, learner):
    services.assign_course(actor=hr_babe, course=course, org_unit=unit("BABE"),
                           due_date=timezone.localdate() + timedelta(days=20))
    return Assignment.objects.get(course=course, org_unit=unit("BABE"))


def test_a_reminder_tells_everyone_enrolled_through_the_assignment_who_has_not_completed(
        assignment, course, hr_babe, learner, outsider):
    finished = UserFactory(org_unit=unit("BABE"))
    services.assign_course(actor=hr_babe, course=course, org_unit=unit("BABE"), due_date=assignment.due_date)
    course.enrollments.filter(user=finished).update(status="completed")
    volunteer = UserFactory(org_unit=unit("CHODON"))
    services.enroll(user=volunteer, course=course)

    assert services.remind_assignment(actor=hr_babe, assignment=assignment) == 1

    [notice] = Notification.objects.filter(kind="reminder")
    assert notice.recipient == learner
    assert notice.url == f"/courses/{course.pk}/"
    assert course.title in notice.title
    assert assignment.due_date.strftime("%d/%m/%Y") in notice.text
    assignment.refresh_from_db()
    assert assignment.reminded_at is not None
    assert AuditEntry.objects.filter(action="course.assignment_reminded", target_id=str(assignment.pk)).exists()


def test_a_second_reminder_within_a_day_is_refused_and_tells_nobody(assignment, hr_babe):
    services.remind_assignment(actor=hr_babe, assignment=assignment)
    with pytest.raises(ValidationError) as refused:
        services.remind_assignment(actor=hr_babe, assignment=assignment)
    assert "24" in str(refused.value.message_dict["detail"])
    assert Notification.objects.filter(kind="reminder").count() == 1


def test_a_reminder_may_go_again_after_a_day(assignment, hr_babe):
    services.remind_assignment(actor=hr_babe, assignment=assignment)
    Assignment.objects.filter(pk=assignment.pk).update(reminded_at=timezone.now() - timedelta(hours=24, minutes=1))
    assert services.remind_assignment(actor=hr_babe, assignment=assignment) == 1
    assert Notification.objects.filter(kind="reminder").count() == 2


def test_a_reminder_to_nobody_left_returns_zero(assignment, course, hr_babe):
    course.enrollments.update(status="completed")
    assert services.remind_assignment(actor=hr_babe, assignment=assignment) == 0
    assert not Notification.objects.filter(kind="reminder").exists()


def test_a_reminder_is_e_mailed_after_the_commit(assignment, hr_babe, learner, mailoutbox,
                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.remind_assignment(actor=hr_babe, assignment=assignment)
    [message] = mailoutbox
    assert message.to == [learner.email]
    assert assignment.course.title in message.subject


def test_who_left_the_officers_units_is_neither_reminded_nor_given_the_new_due_date(assignment, course, hr_babe, learner):
    """The officer of Ba Bể assigned the course; a learner moved to Chợ Đồn since is no longer theirs."""
    stayed = UserFactory(org_unit=unit("BABE-TG"))
    services.assign_course(actor=hr_babe, course=course, org_unit=unit("BABE"), due_date=assignment.due_date)
    learner.org_unit = unit("CHODON-BL")
    learner.save(update_fields=["org_unit"])
    old_due = assignment.due_date

    assert services.remind_assignment(actor=hr_babe, assignment=assignment) == 1
    assert [notice.recipient for notice in Notification.objects.filter(kind="reminder")] == [stayed]
    assert services.change_due_date(actor=hr_babe, assignment=assignment, due_date=old_due + timedelta(days=30)) == 1
    assert course.enrollments.get(user=learner).due_date == old_due
    assert course.enrollments.get(user=stayed).due_date == old_due + timedelta(days=30)
