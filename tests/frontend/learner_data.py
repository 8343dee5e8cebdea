"""A learner's world, made through the services: assigned, chosen and completed courses, classes and conferences.

Shared by the dashboard's page tests and the learner's browser walk.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from certificates import services as certificate_services
from courses import services as course_services
from courses.models import Course, Enrollment
from tests.courses.conftest import build_course
from training import services as training_services
from training.models import Event


def course(instructor, number: int, *, title: str = "", lessons: int = 2) -> Course:
    return build_course(instructor, code=f"HV-{number:03d}", title=title or f"Khóa học số {number}", lessons=lessons)


def assigned(learner, course: Course, *, due_in_days: int) -> Enrollment:
    """A mandatory enrolment due in `due_in_days` (overdue when negative), as an HR assignment leaves it."""
    enrollment = course_services.enroll(user=learner, course=course, source=Enrollment.Source.ASSIGNMENT)
    enrollment.mandatory, enrollment.due_date = True, timezone.localdate() + timedelta(days=due_in_days)
    enrollment.save(update_fields=["mandatory", "due_date"])
    return enrollment


def lessons_of(course: Course) -> list:
    return [lesson for module in course.modules.all() for lesson in module.lessons.all()]


def in_progress(learner, course: Course) -> Enrollment:
    """Enrolled of their own accord, with the first lesson done."""
    course_services.enroll(user=learner, course=course)
    return course_services.complete_lesson(user=learner, lesson=lessons_of(course)[0])


def completed(learner, course: Course) -> Enrollment:
    """Every lesson done: the course is completed and its certificate issued.

    The certificate is issued here at once: the service asks for it once the transaction
    commits, and a test's transaction never does (issuing twice makes one certificate).
    """
    course_services.enroll(user=learner, course=course)
    for lesson in lessons_of(course):
        enrollment = course_services.complete_lesson(user=learner, lesson=lesson)
    certificate_services.issue_completion([enrollment.pk])
    return enrollment


def at(day, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def upcoming_event(instructor, learner, *, title: str, kind: str = "class", in_days: int = 2,
                   sessions: int = 2, venue: str = "Trường Chính trị tỉnh") -> Event:
    """A class or conference starting in `in_days` days, a morning session a day, the learner on its roster."""
    first_day = timezone.localdate() + timedelta(days=in_days)
    event = training_services.create_event(actor=instructor, kind=kind, title=title, starts_on=first_day,
                                           ends_on=first_day + timedelta(days=max(sessions - 1, 0)), venue=venue)
    for number in range(sessions):
        day = first_day + timedelta(days=number)
        training_services.add_session(actor=instructor, event=event, title=f"Buổi {number + 1}",
                                      starts_at=at(day, 7, 30), ends_at=at(day, 11, 0))
    training_services.add_to_roster(actor=instructor, event=event, user_ids=[learner.pk])
    return event
