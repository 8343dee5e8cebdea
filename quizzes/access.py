"""Who may see which quizzes: read by the API and the admin alike."""

from django.db.models import Q

from courses.access import taught_courses, visible_courses
from courses.models import Enrollment
from quizzes.models import Quiz


def visible_quizzes(user):
    """The quizzes of the courses the caller teaches, and of the visible courses they are enrolled in."""
    enrolled = Enrollment.objects.filter(user=user).values("course_id")
    return Quiz.objects.filter(
        Q(course__in=visible_courses(user), course_id__in=enrolled) | Q(course__in=taught_courses(user))
    )
