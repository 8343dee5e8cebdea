"""Quizzes in the teaching workspace: create one, change its settings, read its item statistics, regrade it,
list its attempts.

Quizzes are looked up among the courses the instructor teaches: anyone else's are a 404, as in the API.
"""

import copy
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Job
from courses.access import taught_courses
from frontend.access import instructor_required, taught_or_404
from frontend.teaching.quizzes.charts import question_charts
from frontend.teaching.quizzes.forms import NewQuizForm, QuizForm
from quizzes.models import Attempt, Question, Quiz
from quizzes.services import item_statistics, quizzes, review

TEMPLATES = "frontend/teaching/quizzes/"
ATTEMPTS_PER_PAGE = 50
REGRADE_SHOWN_FOR = timedelta(minutes=30)  # a finished regrade's bar stays this long, then the page forgets it


def own_quiz(request, pk: int) -> Quiz:
    return taught_or_404(Quiz.objects.select_related("course", "bank", "category"), request.user, pk)


@instructor_required
@require_http_methods(["GET", "POST"])
def new_quiz(request):
    courses = taught_courses(request.user)
    form = NewQuizForm(request.POST if request.method == "POST" else None, courses=courses,
                       initial={"course": request.GET.get("course")})
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        quiz = _saved(form, lambda: quizzes.create_quiz(actor=request.user, **fields))
        if quiz is not None:
            messages.success(request, _("The quiz “%(title)s” was created.") % {"title": quiz.title})
            return redirect("teach-quiz", pk=quiz.pk)
    return render(request, TEMPLATES + "new.html", {"form": form}, status=400 if form.errors else 200)


@instructor_required
@require_http_methods(["GET", "POST"])
def quiz_settings(request, pk: int):
    quiz = own_quiz(request, pk)
    courses = taught_courses(request.user).filter(pk=quiz.course_id)
    # The form gets its own copy: a refused change must not show in the page's heading.
    form = QuizForm(request.POST if request.method == "POST" else None, instance=copy.copy(quiz), courses=courses)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        saved = _saved(form, lambda: quizzes.update_quiz(actor=request.user, quiz=quiz, **fields))
        if saved is not None:
            messages.success(request, _("The settings were saved."))
            return redirect("teach-quiz", pk=quiz.pk)
    figures = Attempt.objects.filter(quiz_id=quiz.pk).exclude(status=Attempt.Status.IN_PROGRESS).count()
    return render(request, TEMPLATES + "settings.html", {"quiz": quiz, "form": form, "attempts_handed_in": figures},
                  status=400 if form.errors else 200)


def _saved(form, save):
    """The service's result, or None with its errors put on the form's fields."""
    try:
        return save()
    except ValidationError as error:
        form.add_error(None, error)
        return None


@instructor_required
@require_GET
def statistics(request, pk: int):
    quiz = own_quiz(request, pk)
    stats = item_statistics.quiz_statistics(actor=request.user, quiz=quiz)
    ids = [row["question"] for row in stats.questions]
    questions = Question.objects.filter(pk__in=ids).prefetch_related("choices").in_bulk()
    items = question_charts(stats.questions, questions)
    return render(request, TEMPLATES + "statistics.html", {
        "quiz": quiz, "stats": stats, "items": items, "flagged": [item for item in items if item["flags"]],
        "statistics_job": Job.objects.filter(pk=stats.job).first() if stats.job else None,
        "regrade_job": _latest_regrade(request.user, quiz),
    })


def _latest_regrade(person, quiz: Quiz) -> Job | None:
    job = Job.objects.filter(owner=person, kind=review.REGRADE_JOB, parameters__quiz=quiz.pk).order_by("-created_at").first()
    if job is None:
        return None
    running = job.status in (Job.Status.PENDING, Job.Status.RUNNING)
    return job if running or job.updated_at >= timezone.now() - REGRADE_SHOWN_FOR else None


@instructor_required
@require_POST
def regrade(request, pk: int):
    quiz = own_quiz(request, pk)
    job = review.request_regrade(actor=request.user, quiz=quiz)
    messages.success(request, _("Regrading %(count)d attempts with the questions' current answer keys.")
                     % {"count": job.total})
    return redirect("teach-quiz-statistics", pk=quiz.pk)


@instructor_required
@require_GET
def attempts(request, pk: int):
    quiz = own_quiz(request, pk)
    rows = quiz.attempts.select_related("user__org_unit").order_by("-started_at", "-pk")
    page = Paginator(rows, ATTEMPTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, TEMPLATES + "attempts.html", {"quiz": quiz, "page": page})
