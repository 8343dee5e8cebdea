"""Who may see and change which courses: read by the API, the web pages and the admin alike."""

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from accounts.roles import Role
from accounts.scope import units_in_scope, users_in_scope
from courses.models import Assignment, Course, Enrollment, Lesson


def teaches(user, course: Course) -> bool:
    """An instructor of this course, or an administrator. Uses prefetched instructors."""
    return user.has_role(Role.ADMIN) or any(person.pk == user.pk for person in course.instructors.all())


def reads_lessons(user, course: Course) -> bool:
    """May read the course's lessons and download their files: its instructors, admins, enrolled learners."""
    return teaches(user, course) or course.enrollments.filter(user_id=user.pk).exists()


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


def visible_assignments(user):
    """Mandatory assignments to the units of the caller's HR scope (every one for an administrator)."""
    return Assignment.objects.filter(org_unit__in=units_in_scope(user))


def visible_enrollments(user):
    """Enrolments in the courses the caller teaches and, for HR, of the people of their scope (all for admins)."""
    if user.has_role(Role.ADMIN):
        return Enrollment.objects.all()
    seen = Q(course__in=taught_courses(user))
    if user.has_role(Role.HR):
        seen |= Q(user__in=users_in_scope(user))
    return Enrollment.objects.filter(seen)
