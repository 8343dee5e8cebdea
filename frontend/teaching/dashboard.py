"""`/teach/`: an instructor's courses, classes and conferences coming up, quizzes, banks, and essays waiting.

Each list is one query with its figures annotated, whatever the number of
learners; the longer lists are capped and say how many more there are.
"""

from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from courses.access import taught_courses
from courses.models import Course, Enrollment
from frontend.access import instructor_required
from frontend.teaching.grading.views import waiting_responses
from quizzes.models import Attempt, Question, QuestionBank, Quiz
from training.access import taught_events
from training.models import RosterEntry, Session

COURSES_PER_PAGE = 20
LIST_LENGTH = 10


@instructor_required
@require_GET
def dashboard(request):
    person = request.user
    courses = taught_courses(person)
    page = Paginator(_with_figures(courses), COURSES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "frontend/teaching/dashboard.html", {
        "page": page,
        "events": _events_coming_up(person),
        "quizzes": _capped(_quizzes(courses)),
        "banks": _capped(_banks(courses)),
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


def _events_coming_up(person):
    today = timezone.localdate()
    next_session = (Session.objects.filter(event=OuterRef("pk"), ends_at__gte=timezone.now())
                    .order_by("starts_at").values("starts_at")[:1])
    return list(
        taught_events(person).filter(ends_on__gte=today)
        .annotate(people=_count(RosterEntry), sessions_count=_count(Session), next_session_at=Subquery(next_session))
        .order_by("starts_on", "pk")[:LIST_LENGTH]
    )


def _count(model):
    """The rows of `model` that belong to the event, as a subquery (two joins would multiply each other)."""
    rows = model.objects.filter(event=OuterRef("pk")).order_by().values("event").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows), 0)


def _quizzes(courses):
    attempts = Count("attempts", filter=~Q(attempts__status=Attempt.Status.IN_PROGRESS))
    return Quiz.objects.filter(course__in=courses).select_related("course").annotate(attempts_handed_in=attempts) \
        .order_by("-updated_at", "pk")


def _banks(courses):
    questions = Question.objects.filter(bank=OuterRef("pk")).order_by().values("bank").annotate(n=Count("pk")).values("n")
    return QuestionBank.objects.filter(course__in=courses).select_related("course") \
        .annotate(question_count=Coalesce(Subquery(questions), 0)).order_by("-updated_at", "pk")


def _capped(queryset) -> dict:
    """The first LIST_LENGTH rows and how many there are in all, in two queries."""
    return {"rows": list(queryset[:LIST_LENGTH]), "total": queryset.count()}
