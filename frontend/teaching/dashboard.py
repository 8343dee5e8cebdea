"""`/teach/`: an instructor's courses, classes and conferences, quizzes, banks, and essays waiting.

Each list is one query with its figures annotated, whatever the number of
learners; the lists after the courses show their first rows and link to the
whole list (frontend.teaching.lists).
"""

from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.shortcuts import render
from django.views.decorators.http import require_GET

from courses.access import taught_courses
from courses.models import Course, Enrollment
from frontend.access import instructor_required
from frontend.teaching import lists
from frontend.teaching.grading.views import waiting_responses

COURSES_PER_PAGE = 20
LIST_LENGTH = 8


@instructor_required
@require_GET
def dashboard(request):
    person = request.user
    courses = taught_courses(person)
    page = Paginator(_with_figures(courses), COURSES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "frontend/teaching/dashboard.html", {
        "page": page,
        "events": _capped(lists.events_of(person)),
        "quizzes": _capped(lists.quizzes_of(person)),
        "banks": _capped(lists.banks_of(person)),
        "essays_waiting": waiting_responses(person).count(),
    })


def _with_figures(courses):
    """Drafts first, then published, then archived; each with its learners enrolled and completed."""
    order = {Course.Status.DRAFT: 0, Course.Status.PUBLISHED: 1, Course.Status.ARCHIVED: 2}
    return courses.annotate(
        enrolled=Count("enrollments"),
        completed=Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.COMPLETED)),
        status_order=Case(*(When(status=status, then=Value(rank)) for status, rank in order.items()),
                          output_field=IntegerField()),
    ).order_by("status_order", "-updated_at", "pk")


def _capped(queryset) -> dict:
    """The first LIST_LENGTH rows and how many there are in all, in two queries."""
    return {"rows": list(queryset[:LIST_LENGTH]), "total": queryset.count()}
