"""The result of an attempt, with the per-question review only when the quiz's review policy allows it.

While essays wait for an instructor, the learner sees how many wait and, as far
as the same policy allows (`quizzes.services.marks_allowed`), the points of the
questions scored so far; right answers and feedback wait for the whole result.
"""

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from courses.access import teaches
from frontend.questions import answer_text, question_html, right_answer_text
from quizzes import services
from quizzes.models import Attempt, Response


@login_required
@require_GET
def attempt_result(request, pk: int):
    attempt = get_object_or_404(
        Attempt.objects.select_related("quiz__course", "user"), pk=pk)
    is_learner = attempt.user_id == request.user.pk
    if is_learner:
        if attempt.is_open:
            return redirect("attempt", pk=attempt.pk)
        review, marks = services.review_allowed(attempt), services.marks_allowed(attempt)
    elif teaches(request.user, attempt.quiz.course):
        review = marks = True
    else:
        raise Http404
    responses = list(attempt.responses.all()) if not attempt.is_open else []
    waiting = attempt.status == Attempt.Status.NEEDS_GRADING
    return render(request, "frontend/learner/attempts/result.html", {
        "attempt": attempt, "quiz": attempt.quiz, "course": attempt.quiz.course,
        "is_learner": is_learner,
        "scoring": attempt.status == Attempt.Status.SUBMITTED,
        "essays_waiting": sum(1 for response in responses if response.needs_grading) if waiting else 0,
        "review": review_rows(attempt, responses) if review else [],
        "marks": marks_so_far(responses) if waiting and marks and not review else None,
    })


def review_rows(attempt: Attempt, responses: list[Response]) -> list[dict]:
    """Per question: the learner's answer, the points, the feedback and the right answer."""
    rows = []
    for response in responses:
        question = attempt.questions[response.position]
        rows.append({
            "number": response.position + 1, "html": question_html(question), "type": question["type"],
            "answer": answer_text(question, response.answer), "right": right_answer_text(question),
            "points": response.points, "max_points": response.max_points, "feedback": response.feedback,
            "general_feedback": question.get("general_feedback", ""), "comment": response.comment,
            "outcome": outcome(response.points, response.max_points),
        })
    return rows


def marks_so_far(responses: list[Response]) -> dict:
    """The points of each question scored so far, and their sum out of those questions' maximum."""
    scored = [response for response in responses if not response.needs_grading]
    return {
        "rows": [{"number": response.position + 1, "points": response.points, "max_points": response.max_points,
                  "outcome": outcome(response.points, response.max_points)} for response in responses],
        "score": sum((response.points for response in scored), Decimal(0)),
        "max_score": sum((response.max_points for response in scored), Decimal(0)),
    }


def outcome(points, max_points) -> str:
    """How a reviewed answer scored, for its badge: right (full marks), partial, wrong, or pending a grade."""
    if points is None:
        return "pending"
    if points >= max_points:
        return "right"
    return "partial" if points > 0 else "wrong"
