from quizzes.models import Attempt


def export_attempts(person) -> dict:
    """The person's quiz attempts with their answers and results, for their personal-data download."""
    attempts = Attempt.objects.filter(user=person).select_related("quiz").order_by("started_at")
    return {
        "quiz_attempts": [
            {
                "quiz": attempt.quiz.title,
                "number": attempt.number,
                "status": attempt.status,
                "started_at": attempt.started_at,
                "submitted_at": attempt.submitted_at,
                "score": attempt.score,
                "max_score": attempt.max_score,
                "percent": attempt.percent,
                "passed": attempt.passed,
                "answers": attempt.answers,
            }
            for attempt in attempts.iterator()
        ]
    }
