"""The result of an attempt, with the per-question review only when the quiz's review policy allows it."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from courses.access import teaches
from frontend.questions import answer_text, question_html, right_answer_text
from quizzes import services
from quizzes.models import Attempt


@login_required
@require_GET
def attempt_result(request, pk: int):
    attempt = get_object_or_404(
        Attempt.objects.select_related("quiz__course", "user"), pk=pk)
    if attempt.user_id == request.user.pk:
        if attempt.is_open:
            return redirect("attempt", pk=attempt.pk)
        review = services.review_allowed(attempt)
    elif teaches(request.user, attempt.quiz.course):
        review = True
    else:
        raise Http404
    return render(request, "frontend/learner/attempts/result.html", {
        "attempt": attempt, "quiz": attempt.quiz, "course": attempt.quiz.course,
        "is_learner": attempt.user_id == request.user.pk,
        "scoring": attempt.status == Attempt.Status.SUBMITTED,
        "review": review_rows(attempt) if review and not attempt.is_open else [],
    })


def review_rows(attempt: Attempt) -> list[dict]:
    """Per question: the learner's answer, the points, the feedback and the right answer."""
    rows = []
    for response in attempt.responses.all():
        question = attempt.questions[response.position]
        rows.append({
            "number": response.position + 1, "html": question_html(question), "type": question["type"],
            "answer": answer_text(question, response.answer), "right": right_answer_text(question),
            "points": response.points, "max_points": response.max_points, "feedback": response.feedback,
            "general_feedback": question.get("general_feedback", ""), "comment": response.comment,
            "outcome": outcome(response.points, response.max_points),
        })
    return rows


def outcome(points, max_points) -> str:
    """How a reviewed answer scored, for its badge: right (full marks), partial, wrong, or pending a grade."""
    if points is None:
        return "pending"
    if points >= max_points:
        return "right"
    return "partial" if points > 0 else "wrong"
