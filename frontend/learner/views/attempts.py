"""Taking a quiz: start, the attempt page (autosaved by attempt.js, or posted whole without JavaScript), submit.

The page is built from `snapshot.learner_view` only, so no weight, key or
feedback ever reaches it, in the markup or in an attribute.

A quiz laid out one question per page shows question N at `?page=N`; its form
holds that question only, and saving it merges into the answers saved before.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
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


def one_per_page(attempt: Attempt) -> bool:
    # An attempt with no question at all (an empty bank) has no page to show: the whole (empty) form.
    return attempt.quiz.layout == Quiz.Layout.ONE_PER_PAGE and bool(attempt.questions)


def page_number(value, attempt: Attempt) -> int:
    """The question shown, from 1 to the last; 1 when `value` is not a number."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), len(attempt.questions))


def page_url(attempt: Attempt, number: int) -> str:
    return f"{reverse('attempt', args=[attempt.pk])}?page={number}"


def attempt_form(attempt: Attempt, data=None, number: int | None = None) -> AttemptForm:
    """The form of every question, or of question `number` alone (one question per page)."""
    questions = attempt.questions if number is None else [attempt.questions[number - 1]]
    return AttemptForm([learner_view(question) for question in questions], attempt.answers, data=data)


def posted_page(request, attempt: Attempt) -> int | None:
    """Which question a posted form holds: None for all of them."""
    return page_number(request.POST.get("page"), attempt) if one_per_page(attempt) else None


@login_required
@require_GET
def attempt_page(request, pk: int):
    attempt = own_attempt(request, pk)
    if not attempt.is_open:
        return redirect("attempt-result", pk=attempt.pk)
    if not one_per_page(attempt):
        return render_attempt(request, attempt, attempt_form(attempt))
    asked = request.GET.get("page")
    number = page_number(asked, attempt)
    if asked is not None and asked != str(number):  # past the last question, or not a number
        return redirect(page_url(attempt, number))
    return render_attempt(request, attempt, attempt_form(attempt, number=number), number=number)


def render_attempt(request, attempt: Attempt, form: AttemptForm, status: int = 200, number: int | None = None):
    remaining = None
    if attempt.deadline is not None:
        remaining = max(0, int((attempt.deadline - timezone.now()).total_seconds()))
    first = number or 1
    rows = [question_row(position, question, form, attempt.answers)
            for position, question in enumerate(form.questions, start=first)]
    context = {"attempt": attempt, "quiz": attempt.quiz, "form": form, "rows": rows, "remaining": remaining,
               "navigator": navigator(attempt, number), "page": pager(attempt, number)}
    return render(request, "frontend/learner/attempts/attempt.html", context, status=status)


def question_row(number: int, question: dict, form: AttemptForm, answers: dict) -> dict:
    fields = form.fields_of(question)
    return {"number": number, "question": question, "html": question_html(question), "fields": fields,
            "errors": [error for field in fields for error in field.errors],
            "answered": is_answered(answers.get(str(question["id"])))}


def navigator(attempt: Attempt, current: int | None) -> list[dict]:
    """Every question's number, whether it has an answer, and where it is: an anchor, or its own page."""
    return [{"number": number, "id": question["id"], "current": number == current,
             "answered": is_answered(attempt.answers.get(str(question["id"]))),
             "href": page_url(attempt, number) if current else f"#q-{question['id']}"}
            for number, question in enumerate(attempt.questions, start=1)]


def pager(attempt: Attempt, number: int | None) -> dict | None:
    if number is None:
        return None
    count = len(attempt.questions)
    return {"number": number, "count": count, "previous": number - 1 if number > 1 else None,
            "next": number + 1 if number < count else None}


@login_required
@require_POST
def save_attempt(request, pk: int):
    """Without JavaScript: the whole form (or the page's question), saved; `go` then moves to that question."""
    attempt = own_attempt(request, pk)
    if not attempt.is_open:
        return redirect("attempt-result", pk=attempt.pk)
    number = posted_page(request, attempt)
    form = attempt_form(attempt, request.POST, number)
    if not form.is_valid():
        return render_attempt(request, attempt, form, status=400, number=number)
    saved = save(request, attempt, form.answers())
    if number is None:
        target = reverse("attempt", args=[attempt.pk])
    else:
        target = page_url(attempt, page_number(request.POST.get("go", number), attempt))
    if saved and "go" not in request.POST:
        messages.success(request, _("Your answers were saved at %(time)s.") % {
            "time": timezone.localtime().strftime("%H:%M:%S")})
    return redirect(target)


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
        number = posted_page(request, attempt)
        form = attempt_form(attempt, request.POST, number)
        if not form.is_valid() and not request.POST.get("timed_out"):
            return render_attempt(request, attempt, form, status=400, number=number)
        saved = form.is_valid() and save(request, attempt, form.answers())
    if request.POST.get("confirmed") or not saved:
        services.submit_attempt(attempt=attempt, user=request.user)
        return redirect("attempt-result", pk=attempt.pk)
    attempt.refresh_from_db(fields=["answers"])
    return render(request, "frontend/learner/attempts/confirm.html", {
        "attempt": attempt, "quiz": attempt.quiz, "one_per_page": one_per_page(attempt),
        "unanswered": unanswered(attempt.questions, attempt.answers)})
