"""Taking a quiz: start, the attempt page (autosaved by attempt.js, or posted whole without JavaScript), submit.

The page is built from `snapshot.learner_view` only, so no weight, key or
feedback ever reaches it, in the markup or in an attribute.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from courses.access import visible_courses
from frontend.answer_forms import AttemptForm
from frontend.access import error_text
from frontend.questions import is_answered, question_html, unanswered
from quizzes import services
from quizzes.models import Attempt, Quiz
from quizzes.snapshot import learner_view


@login_required
@require_POST
def start_quiz(request, pk: int):
    quiz = get_object_or_404(Quiz.objects.select_related("bank"), pk=pk)
    try:
        attempt, _created = services.start_attempt(user=request.user, quiz=quiz)
    except services.QuizError as error:
        # Not enrolled: a course the person cannot even see stays hidden (404), as in the API.
        get_object_or_404(visible_courses(request.user), pk=quiz.course_id)
        messages.error(request, error_text(error))
        return redirect("course", pk=quiz.course_id)
    return redirect("attempt", pk=attempt.pk)


def own_attempt(request, pk: int) -> Attempt:
    """The person's own attempt; anyone else's is a 404, whoever asks."""
    return get_object_or_404(Attempt.objects.select_related("quiz__course"), pk=pk, user=request.user)


def attempt_form(attempt: Attempt, data=None) -> AttemptForm:
    return AttemptForm([learner_view(question) for question in attempt.questions], attempt.answers, data=data)


@login_required
@require_GET
def attempt_page(request, pk: int):
    attempt = own_attempt(request, pk)
    if not attempt.is_open:
        return redirect("attempt-result", pk=attempt.pk)
    return render_attempt(request, attempt, attempt_form(attempt))


def render_attempt(request, attempt: Attempt, form: AttemptForm, status: int = 200):
    remaining = None
    if attempt.deadline is not None:
        remaining = max(0, int((attempt.deadline - timezone.now()).total_seconds()))
    rows = [question_row(number, question, form, attempt.answers)
            for number, question in enumerate(form.questions, start=1)]
    context = {"attempt": attempt, "quiz": attempt.quiz, "form": form, "rows": rows, "remaining": remaining}
    return render(request, "frontend/learner/attempts/attempt.html", context, status=status)


def question_row(number: int, question: dict, form: AttemptForm, answers: dict) -> dict:
    fields = form.fields_of(question)
    return {"number": number, "question": question, "html": question_html(question), "fields": fields,
            "errors": [error for field in fields for error in field.errors],
            "answered": is_answered(answers.get(str(question["id"])))}


@login_required
@require_POST
def save_attempt(request, pk: int):
    """Without JavaScript: the whole form, saved."""
    attempt = own_attempt(request, pk)
    if not attempt.is_open:
        return redirect("attempt-result", pk=attempt.pk)
    form = attempt_form(attempt, request.POST)
    if not form.is_valid():
        return render_attempt(request, attempt, form, status=400)
    if save(request, attempt, form.answers()):
        messages.success(request, _("Your answers were saved at %(time)s.") % {
            "time": timezone.localtime().strftime("%H:%M:%S")})
    return redirect("attempt", pk=attempt.pk)


def save(request, attempt: Attempt, answers: dict) -> bool:
    """Save answers; when the server refuses them (the deadline passed), say so and return False."""
    try:
        services.save_answers(attempt=attempt, answers=answers, user=request.user)
    except services.QuizError as error:
        messages.warning(request, error_text(error))
        return False
    return True


@login_required
@require_POST
def submit_attempt(request, pk: int):
    """Save the answers posted with the page, then submit once the learner confirmed (or time ran out).

    Unconfirmed, it shows the confirmation step with the questions still unanswered:
    that is the path without JavaScript; with it, the page asks in a dialog first.
    """
    attempt = own_attempt(request, pk)
    if not attempt.is_open:
        return redirect("attempt-result", pk=attempt.pk)
    saved = True
    if request.POST.get("with_answers"):
        form = attempt_form(attempt, request.POST)
        if not form.is_valid() and not request.POST.get("timed_out"):
            return render_attempt(request, attempt, form, status=400)
        saved = form.is_valid() and save(request, attempt, form.answers())
    if request.POST.get("confirmed") or not saved:
        services.submit_attempt(attempt=attempt, user=request.user)
        return redirect("attempt-result", pk=attempt.pk)
    attempt.refresh_from_db(fields=["answers"])
    return render(request, "frontend/learner/attempts/confirm.html", {
        "attempt": attempt, "quiz": attempt.quiz, "unanswered": unanswered(attempt.questions, attempt.answers)})
