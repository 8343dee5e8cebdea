"""Who may see and change which courses: read by the API, the web pages and the admin alike."""

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from accounts.roles import Role
from courses.models import Course, Enrollment, Lesson


def teaches(user, course: Course) -> bool:
    """An instructor of this course, or an administrator. Uses prefetched instructors."""
    return user.has_role(Role.ADMIN) or any(person.pk == user.pk for person in course.instructors.all())


def visible_courses(user):
    """Published courses, plus drafts the caller teaches and courses they are enrolled in."""
    courses = Course.objects.all()
    if user.has_role(Role.ADMIN):
        return courses
    taught = Course.instructors.through.objects.filter(user_id=user.pk).values("course_id")
    enrolled = Enrollment.objects.filter(user_id=user.pk).values("course_id")
    return courses.filter(Q(status=Course.Status.PUBLISHED) | Q(pk__in=taught) | Q(pk__in=enrolled))


def with_lesson_count(courses):
    lessons = (
        Lesson.objects.filter(module__course=OuterRef("pk")).order_by()
        .values("module__course").annotate(count=Count("pk")).values("count")
    )
    return courses.annotate(lesson_count=Coalesce(Subquery(lessons), 0))


def taught_courses(user):
    """The courses the caller teaches (every course for an administrator)."""
    if user.has_role(Role.ADMIN):
        return Course.objects.all()
    return Course.objects.filter(instructors=user)
