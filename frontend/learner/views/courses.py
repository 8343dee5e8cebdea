"""The course catalogue, a course's page and enrolling."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from courses import services as course_services
from courses.access import teaches, visible_courses, with_lesson_count
from courses.models import Course, Enrollment, Lesson, LessonProgress, Module
from frontend.learner.forms import CatalogueFilterForm
from frontend.access import error_text
from quizzes.models import Attempt, Quiz
from reports.queries import started_q

COURSES_PER_PAGE = 20


@login_required
@require_GET
def catalogue(request):
    filters = CatalogueFilterForm(request.GET)
    courses = published_courses(request.user, **(filters.cleaned_data if filters.is_valid() else {}))
    page = Paginator(courses, COURSES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "frontend/learner/courses/catalogue.html", {"filters": filters, "page": page})


def published_courses(user, q: str = "", topic: str = ""):
    """Published courses matching the filters, each with its lesson count and whether `user` is enrolled,
    has started and has completed it."""
    mine = Enrollment.objects.filter(user_id=user.pk, course=OuterRef("pk"))
    courses = visible_courses(user).filter(status=Course.Status.PUBLISHED)
    if q:
        courses = courses.filter(title__icontains=q)
    if topic:
        courses = courses.filter(topic=topic)
    return with_lesson_count(courses).annotate(
        enrolled=Exists(mine), started=Exists(mine.filter(started_q())),
        completed=Exists(mine.filter(status=Enrollment.Status.COMPLETED)),
    ).order_by("title", "id")


@login_required
@require_GET
def course_page(request, pk: int):
    lessons = Prefetch("lessons", queryset=Lesson.objects.order_by("position", "id"))
    course = get_object_or_404(
        visible_courses(request.user).prefetch_related(
            "instructors", Prefetch("modules", queryset=Module.objects.prefetch_related(lessons))),
        pk=pk,
    )
    enrollment = enrollment_of(request.user, course)
    done = {progress.lesson_id for progress in enrollment.lesson_progress.all()} if enrollment else set()
    quizzes = quiz_cards(course, request.user, enrolled=enrollment is not None)
    return render(request, "frontend/learner/courses/course.html", {
        "course": course,
        "enrollment": enrollment,
        "teaches": teaches(request.user, course),
        "done": done,
        "quizzes": quizzes,
        "started": bool(done) or any(card.attempts for card in quizzes),
        "next_lesson": next_lesson(course, done, completed=enrollment is not None and enrollment.is_completed),
    })


def next_lesson(course: Course, done: set[int], *, completed: bool) -> Lesson | None:
    """Where the course's button leads: the first lesson not done yet, or the first lesson to review it.

    None when every lesson is done but the course is not completed: what is left is the quiz.
    Reads the prefetched outline.
    """
    lessons = [lesson for module in course.modules.all() for lesson in module.lessons.all()]
    if completed:
        return lessons[0] if lessons else None
    return next((lesson for lesson in lessons if lesson.pk not in done), None)


def enrollment_of(user, course: Course) -> Enrollment | None:
    """The person's enrolment in the course with its progress and lessons done, or None."""
    return (
        course_services.with_progress(Enrollment.objects.filter(user=user, course=course))
        .prefetch_related(Prefetch("lesson_progress", queryset=LessonProgress.objects.only("lesson_id", "enrollment_id")))
        .first()
    )


@dataclass
class QuizCard:
    """A quiz of the course as the person sees it: their attempts, best result and what they can do next."""

    quiz: Quiz
    attempts: list[Attempt]
    can_start: bool

    @property
    def open_attempt(self) -> Attempt | None:
        return next((attempt for attempt in self.attempts if attempt.is_open), None)

    @property
    def best_percent(self):
        return max((a.percent for a in self.attempts if a.status == Attempt.Status.SCORED), default=None)

    @property
    def attempts_left(self) -> int | None:
        return None if self.quiz.max_attempts is None else max(0, self.quiz.max_attempts - len(self.attempts))


def quiz_cards(course: Course, user, *, enrolled: bool) -> list[QuizCard]:
    # The current cycle's attempts: after a certificate's renewal the learner starts again.
    cycle = Enrollment.objects.filter(user=user, course=course).values("cycle")[:1]
    mine = (Attempt.objects.filter(user=user, cycle=Coalesce(Subquery(cycle), 1)).defer("questions", "answers")
            .order_by("number"))
    quizzes = course.quizzes.prefetch_related(Prefetch("attempts", queryset=mine)).order_by("title", "id")
    now = timezone.now()
    cards = []
    for quiz in quizzes:
        attempts = list(quiz.attempts.all())
        left = quiz.max_attempts is None or len(attempts) < quiz.max_attempts
        cards.append(QuizCard(quiz, attempts, can_start=enrolled and quiz.is_open(now) and left))
    return cards


@login_required
@require_POST
def enroll(request, pk: int):
    course = get_object_or_404(visible_courses(request.user), pk=pk)
    try:
        course_services.enroll(user=request.user, course=course)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("You are enrolled in “%(title)s”. Start with the first lesson.") % {
            "title": course.title})
    return redirect("course", pk=course.pk)
